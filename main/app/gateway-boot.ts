// Starts the headless core inside the desktop app the way `switchyard serve` does (same data dir, config file,
// client token and secret registration), so the app and the CLI behave as one product.
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
}

export async function bootGateway(options: BootOptions): Promise<Gateway> {
  return (await bootCore(options)).gateway;
}

/** A start-up failure as one message for the window and tray: config problems and busy ports are expected. */
export function describeStartFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof ListenError) return error.message;
  return `could not start the gateway: ${error instanceof Error ? error.message : String(error)}`;
}
