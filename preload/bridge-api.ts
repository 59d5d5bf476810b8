// What the preload puts on `window.switchyard`, declared once for the three parties: main (the IPC handlers),
// the preload (one function per call) and the renderer. The typed control contract in shared/ replaces this.

/** IPC channel per bridge function. The preload repeats these literals (it cannot import at run time). */
export interface BridgeChannels {
  readonly getStatus: 'switchyard:get-status';
}

export const bridgeChannels: BridgeChannels = { getStatus: 'switchyard:get-status' };

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

export interface SwitchyardBridge {
  getStatus(): Promise<AppStatus>;
}
