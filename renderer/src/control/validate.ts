// Every answer is checked against the contract's response schema before the UI sees it, whichever transport
// brought it: a core and a UI from different builds fail loudly here, not as a blank chart later.
import { z } from 'zod';
import { controlContract, type CallRequest, type CallResponse, type ControlCall, type ControlClient } from '../../../shared/control/contract';
import { ControlCallError } from './control-error';

// The contract's schemas are run without zod's eval-based fast path: the CSP forbids eval, and even a caught
// attempt is reported as a violation.
z.config({ jitless: true });

export function parseResponse<Name extends ControlCall>(call: Name, answer: unknown): CallResponse<Name> {
  const schema = controlContract[call].response as unknown as z.ZodType<CallResponse<Name>>;
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new ControlCallError(call, `Switchyard answered ${call} in an unexpected shape${where}: ${issue?.message ?? 'invalid'}`, 'invalid_response');
  }
  return parsed.data;
}

/** One function per call, built from the contract's list of calls and a generic sender. */
export function clientFrom(send: <Name extends ControlCall>(call: Name, request: CallRequest<Name>) => Promise<CallResponse<Name>>): ControlClient {
  const entries = (Object.keys(controlContract) as ControlCall[]).map((call) => [call, (request: CallRequest<typeof call>) => send(call, request)] as const);
  return Object.fromEntries(entries) as unknown as ControlClient;
}
