// The headless transport: POST /_switchyard/api/<call> with a JSON body, the session cookie (same origin only) and
// the CSRF header the server requires. A 401 means the session is gone, which the app shows as its own state.
import type { CallRequest, CallResponse, ControlCall, ControlClient } from '../../../shared/control/contract';
import { ControlCallError, SessionExpiredError, errorFromAnswer } from './control-error';
import { clientFrom, parseResponse } from './validate';

export const controlApiPath = '/_switchyard/api/';
export const csrfHeader = 'x-switchyard-csrf';

export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpTransportOptions {
  /** the page's origin, e.g. http://127.0.0.1:5454 */
  readonly origin: string;
  readonly fetch: Fetch;
  /** called once per 401, before the call rejects with SessionExpiredError */
  readonly onSessionExpired?: () => void;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function createHttpControlClient(options: HttpTransportOptions): ControlClient {
  const send = async <Name extends ControlCall>(call: Name, request: CallRequest<Name>): Promise<CallResponse<Name>> => {
    let response: Response;
    try {
      response = await options.fetch(`${options.origin}${controlApiPath}${call}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', [csrfHeader]: '1' },
        body: JSON.stringify(request ?? {}),
      });
    } catch {
      throw new ControlCallError(call, 'Switchyard is not answering. Is `switchyard serve` still running?', 'unreachable');
    }
    const answer = await readJson(response);
    if (response.status === 401) {
      options.onSessionExpired?.();
      throw new SessionExpiredError(call);
    }
    if (!response.ok) throw errorFromAnswer(call, answer, `${call} failed with HTTP ${response.status}`);
    return parseResponse(call, answer);
  };
  return clientFrom(send);
}
