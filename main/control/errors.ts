// Errors a control call answers with on purpose: each carries the status and a stable code both transports pass
// on unchanged (dispatch.ts turns anything else into a generic 500 without a stack trace).

export class ControlError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** the request field the problem is about, when there is one */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ControlError';
  }
}

export function notFound(what: string, field: string | null = null): ControlError {
  return new ControlError(404, 'not_found', what, field);
}

export function conflict(what: string, field: string | null = null): ControlError {
  return new ControlError(409, 'conflict', what, field);
}

export function invalid(what: string, field: string | null = null): ControlError {
  return new ControlError(400, 'invalid_request', what, field);
}
