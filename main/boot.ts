// Starting the core the one way both front ends use: `switchyard serve` and the desktop app. Config lookup,
// client tokens and secret registration happen here so the two can never drift apart.
import { findConfigPath, loadConfig } from './config/load.js';
import { startGateway, type Gateway } from './gateway/gateway.js';
import { StaticTokenVerifier } from './gateway/server/auth.js';
import { clientTokens } from './secrets/client-token-file.js';
import { registerSecret } from '../shared/redact.js';

export interface BootOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  /** --config; otherwise SWITCHYARD_CONFIG or a config file in the data dir */
  readonly configFlag?: string | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
}

export interface Booted {
  readonly gateway: Gateway;
  /** true on the first start, when the client token was just generated */
  readonly tokenCreated: boolean;
}

export async function bootGateway(options: BootOptions): Promise<Booted> {
  const configPath = findConfigPath(options.configFlag, options.env, options.dataDir);
  const config = loadConfig({ path: configPath, env: options.env, host: options.host, port: options.port });
  const { tokens, created } = clientTokens(options.dataDir, options.env);
  for (const { token } of tokens) registerSecret(token);
  for (const provider of config.providers) if (provider.apiKeyEnv) registerSecret(options.env[provider.apiKeyEnv]);
  const gateway = await startGateway({ config, env: options.env, tokens: new StaticTokenVerifier(tokens), log: options.log });
  return { gateway, tokenCreated: created };
}
