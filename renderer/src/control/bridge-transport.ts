// The desktop transport: the preload puts one function per control call on window.switchyard, named exactly as the
// call ('usage.totals'). Answers are validated like HTTP ones; an error answer or a rejected call becomes a
// ControlCallError.
import { controlErrorSchema, type CallRequest, type CallResponse, type ControlCall, type ControlClient } from '../../../shared/control/contract';
import { ControlCallError, errorFromAnswer, messageOf } from './control-error';
import { clientFrom, parseResponse } from './validate';

export type BridgeFunction = (request: unknown) => Promise<unknown>;
export type ControlBridge = { readonly [Name in ControlCall]?: BridgeFunction };

/** True when `candidate` looks like the desktop bridge (it has at least the status call). */
export function isControlBridge(candidate: unknown): candidate is ControlBridge {
  return typeof candidate === 'object' && candidate !== null && typeof (candidate as Record<string, unknown>)['status.get'] === 'function';
}

export function createBridgeControlClient(bridge: ControlBridge): ControlClient {
  const send = async <Name extends ControlCall>(call: Name, request: CallRequest<Name>): Promise<CallResponse<Name>> => {
    const callFunction = bridge[call];
    if (callFunction === undefined) throw new ControlCallError(call, `This version of the desktop app does not offer ${call}.`, 'unsupported_call');
    let answer: unknown;
    try {
      answer = await callFunction(request ?? {});
    } catch (error) {
      // Electron prefixes errors thrown in main: "Error invoking remote method '…': Error: <message>"
      throw new ControlCallError(call, messageOf(error).replace(/^Error invoking remote method '[^']*': (Error: )?/, ''), 'ipc_error');
    }
    if (controlErrorSchema.safeParse(answer).success) throw errorFromAnswer(call, answer, `${call} failed`);
    return parseResponse(call, answer);
  };
  return clientFrom(send);
}
