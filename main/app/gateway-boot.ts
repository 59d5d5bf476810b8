// Starts the headless core inside the desktop app the way `switchyard serve` does (same data dir, config file,
// client token and secret registration), so the app and the CLI behave as one product.
import type { ControlApi } from '../../shared/control/contract.js';
import { ConfigError } from '../config/load.js';
import { bootGateway as bootCore } from '../boot.js';
import { ListenError, type Gateway } from '../gateway/gateway.js';

export interface BootOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** overrides for tests; the app takes host and port from the config */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** better-sqlite3 built for Electron (native-binding.ts); without it the Node build in node_modules is loaded */
  readonly nativeBinding?: string | undefined;
  /** receives the control service once the core runs (the IPC transport's target) */
  readonly onControl?: (control: ControlApi) => void;
  /** receives the playground's in-memory client token, which the shell adds to its window's gateway requests */
  readonly onPlaygroundToken?: (token: string) => void;
  /** the control service changed start-at-login (settings.set); the shell applies it */
  readonly onStartAtLoginChanged?: (enabled: boolean) => void;
}

export async function bootGateway(options: BootOptions): Promise<Gateway> {
  const booted = await bootCore(options);
  options.onControl?.(booted.control);
  options.onPlaygroundToken?.(booted.playgroundToken);
  return booted.gateway;
}

/** A start-up failure as one message for the window and tray: config problems and busy ports are expected. */
export function describeStartFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof ListenError) return error.message;
  const message = error instanceof Error ? error.message : String(error);
  // better-sqlite3's Node build loaded into Electron (or the reverse): say how to get the right one
  if (message.includes('NODE_MODULE_VERSION'))
    return `could not open the ledger: better-sqlite3 is not built for this Electron; run \`node scripts/build-electron-sqlite.mjs\` (${message})`;
  return `could not start the gateway: ${message}`;
}
