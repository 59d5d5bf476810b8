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

/** Under a form: the error of the last try, or what it saved (announced to screen readers). */
export function FormStatus({ error, saved }: { readonly error: unknown; readonly saved: string | null }) {
  return (
    <>
      <FormError error={error} />
      {saved && (
        <p className="form-saved" role="status">
          {saved}
        </p>
      )}
    </>
  );
}
