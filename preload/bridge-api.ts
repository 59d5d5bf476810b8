// What the preload puts on `window.switchyard`, declared once for the three parties: main (the IPC handlers),
// the preload (one function per call) and the renderer. The control calls are derived from the contract; getStatus
// is the shell's own (the gateway's phase — starting, failed — which no control call can report before it runs).
import type { CallRequest, CallResponse, ControlCall, ControlErrorDto } from '../shared/control/contract.js';

/** IPC channel per shell function. The preload repeats these literals (it cannot import at run time). */
export interface BridgeChannels {
  readonly getStatus: 'switchyard:get-status';
}

export const bridgeChannels: BridgeChannels = { getStatus: 'switchyard:get-status' };

/**
 * One function per control call, named as the call ('usage.totals') on channel `switchyard:<call>`. It resolves with
 * the answer, or with the ControlErrorDto when the call failed (Electron keeps only the message of a thrown Error).
 */
export type ControlBridge = { readonly [Name in ControlCall]: (request?: CallRequest<Name>) => Promise<CallResponse<Name> | ControlErrorDto> };

export type GatewayPhase = 'starting' | 'running' | 'failed' | 'stopping' | 'stopped';

export type Reachability = 'reachable' | 'unreachable' | 'unknown';

export interface ProviderStatusView {
  readonly id: string;
  readonly type: string;
  readonly locality: 'local' | 'cloud';
  /** the provider's base URL without credentials, query or fragment */
  readonly address: string;
  /** where its key comes from ("env OPENAI_API_KEY", "none needed"), never the key */
  readonly keySource: string;
  readonly reachability: Reachability;
  readonly detail: string;
  readonly latencyMs: number | null;
}

/** A plain, serialisable snapshot: everything in it may be shown to the user. */
export interface AppStatus {
  readonly phase: GatewayPhase;
  /** the OpenAI-compatible base URL clients use, e.g. http://127.0.0.1:5454/v1 */
  readonly gatewayUrl: string | null;
  /** why the gateway is not running, when it failed */
  readonly message: string | null;
  readonly configSource: string | null;
  readonly inFlight: number;
  readonly providers: readonly ProviderStatusView[];
  /** ISO time of the last reachability check, null before the first */
  readonly checkedAt: string | null;
}

export interface SwitchyardBridge extends ControlBridge {
  getStatus(): Promise<AppStatus>;
}
