// Starts the headless core inside the desktop app the way `switchyard serve` does (same data dir, config file,
// client token and secret registration), so the app and the CLI behave as one product.
import { ConfigError, findConfigPath, loadConfig } from '../config/load.js';
import { ListenError, startGateway, type Gateway } from '../gateway/gateway.js';
import { StaticTokenVerifier } from '../gateway/server/auth.js';
import { clientTokens } from '../secrets/client-token-file.js';
import { registerSecret } from '../../shared/redact.js';

export interface BootOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** overrides for tests; the app takes host and port from the config */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

export async function bootGateway(options: BootOptions): Promise<Gateway> {
  const configPath = findConfigPath(undefined, options.env, options.dataDir);
  const config = loadConfig({ path: configPath, env: options.env, host: options.host, port: options.port });
  const { tokens } = clientTokens(options.dataDir, options.env);
  for (const { token } of tokens) registerSecret(token);
  for (const provider of config.providers) if (provider.apiKeyEnv) registerSecret(options.env[provider.apiKeyEnv]);
  return startGateway({ config, env: options.env, tokens: new StaticTokenVerifier(tokens), log: options.log });
}

/** A start-up failure as one message for the window and tray: config problems and busy ports are expected. */
export function describeStartFailure(error: unknown): string {
  if (error instanceof ConfigError || error instanceof ListenError) return error.message;
  return `could not start the gateway: ${error instanceof Error ? error.message : String(error)}`;
}
