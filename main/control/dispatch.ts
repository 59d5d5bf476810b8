// The one entry both transports use: name → contract schemas → service method. The request is parsed with the
// call's schema (a 400 naming the field), the answer with the response schema (always: ~0.1 ms for a 500-row log
// page, less than serialising it, and it strips any field the contract does not declare), and every failure
// becomes a ControlErrorDto with a status — no stack trace, secrets masked.
import { controlContract, type ControlApi, type ControlCall, type ControlErrorDto } from '../../shared/control/contract.js';
import { formatPath } from '../../shared/openai-schema.js';
import { redactSecrets } from '../../shared/redact.js';
import type { z } from 'zod';
import { ConfigError } from '../config/load.js';
import { SecretStoreError } from '../secrets/secret-store.js';
import { ControlError } from './errors.js';

/** A call's outcome, for the transports: the validated value, or the error body with its HTTP status. */
export type ControlResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly status: number; readonly error: ControlErrorDto };

export function isControlCall(name: string): name is ControlCall {
  return Object.hasOwn(controlContract, name);
}

export async function dispatchControlCall(
  api: ControlApi,
  callName: string,
  rawRequest: unknown,
  log: (line: string) => void = () => undefined,
): Promise<ControlResult> {
  if (!isControlCall(callName)) return failure(callName, new ControlError(404, 'unknown_call', `no such control call: '${callName.slice(0, 100)}'`));
  const { request: requestSchema, response: responseSchema } = controlContract[callName];
  const parsed = requestSchema.safeParse(rawRequest === undefined ? {} : rawRequest);
  if (!parsed.success) return failure(callName, requestProblem(parsed.error));
  try {
    const method = api[callName] as (request: unknown) => Promise<unknown>;
    const value: unknown = await method.call(api, parsed.data);
    const checked = responseSchema.safeParse(value);
    if (!checked.success) {
      log(`control ${callName}: the answer does not match the contract: ${redactSecrets(checked.error.message)}`);
      return failure(
        callName,
        new ControlError(500, 'invalid_response', 'internal error in Switchyard: an answer did not match the control contract (see its log)'),
      );
    }
    return { ok: true, value: checked.data };
  } catch (error) {
    return failure(callName, error, log);
  }
}

function requestProblem(error: z.ZodError): ControlError {
  const issue = error.issues[0];
  if (!issue) return new ControlError(400, 'invalid_request', 'the request is invalid');
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
  const field = formatPath(path);
  const message = issue.code === 'unrecognized_keys' ? 'unknown field' : issue.message;
  return new ControlError(400, 'invalid_request', `${field || 'request'}: ${message}`, field || null);
}

function failure(call: string, error: unknown, log: (line: string) => void = () => undefined): ControlResult {
  const { status, code, message, field } = describe(error, call, log);
  const body: ControlErrorDto = { error: { call, message: redactSecrets(message), code, field } };
  return { ok: false, status, error: body };
}

function describe(error: unknown, call: string, log: (line: string) => void): { status: number; code: string; message: string; field: string | null } {
  if (error instanceof ControlError) return { status: error.status, code: error.code, message: error.message, field: error.field };
  if (error instanceof ConfigError) return { status: 400, code: 'invalid_config', message: error.message, field: null };
  if (error instanceof SecretStoreError)
    return { status: 503, code: 'keychain_unavailable', message: `the keychain cannot be used: ${error.reason}`, field: null };
  log(`control ${call}: ${redactSecrets(error instanceof Error ? (error.stack ?? error.message) : String(error))}`);
  return { status: 500, code: 'internal_error', message: 'internal error in Switchyard (see its log)', field: null };
}
