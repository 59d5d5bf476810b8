// What a failed control call looks like to the UI, whichever transport carried it: the call, a message a person
// can read, a stable code, and the request field at fault (for forms). A lost session is its own class.
import { controlErrorSchema } from '../../../shared/control/contract';

export class ControlCallError extends Error {
  constructor(
    readonly call: string,
    message: string,
    readonly code: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ControlCallError';
  }
}

/** The browser session (cookie) is missing or expired: the page must be opened again from `switchyard ui`. */
export class SessionExpiredError extends ControlCallError {
  constructor(call: string) {
    super(call, 'The session with Switchyard has expired.', 'session_expired');
    this.name = 'SessionExpiredError';
  }
}

/** Turns an error answer (controlErrorSchema, or anything else) into a ControlCallError. */
export function errorFromAnswer(call: string, answer: unknown, fallbackMessage: string): ControlCallError {
  const parsed = controlErrorSchema.safeParse(answer);
  if (parsed.success) return new ControlCallError(parsed.data.error.call || call, parsed.data.error.message, parsed.data.error.code, parsed.data.error.field);
  // the gateway's own OpenAI-shaped errors ({error:{message,code}}) before the control layer answers
  if (typeof answer === 'object' && answer !== null && 'error' in answer) {
    const inner = (answer as { error: unknown }).error;
    if (typeof inner === 'object' && inner !== null) {
      const { message, code } = inner as { message?: unknown; code?: unknown };
      if (typeof message === 'string') return new ControlCallError(call, message, typeof code === 'string' ? code : 'error');
    }
  }
  return new ControlCallError(call, fallbackMessage, 'error');
}

/** A message for any thrown value, for error states. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
