// The error under a form: the core's message, tied to the field it names when there is one.
import { ControlCallError, messageOf } from '../control/control-error';

export function fieldOf(error: unknown): string | null {
  return error instanceof ControlCallError ? error.field : null;
}

export function FormError({ error }: { readonly error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="form-error" role="alert">
      {messageOf(error)}
    </p>
  );
}
