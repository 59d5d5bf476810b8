// Which config file the running core reads, as one object boot.ts and the control service share: reloads read
// `path`, and when the control service creates the first config file in the data dir it adopts it from then on.
import { registerSecret } from '../../shared/redact.js';
import { loadConfig, type GatewayConfig } from './load.js';

export interface ConfigSourceOptions {
  readonly path: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** command-line overrides (`--host`, `--port`); they win over the file */
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** told when a new file is adopted (boot starts watching it) */
  readonly onAdopt?: (path: string) => void;
}

export class ConfigSource {
  private current: string | undefined;

  constructor(private readonly options: ConfigSourceOptions) {
    this.current = options.path;
  }

  /** the file in use; undefined while running on built-in defaults */
  get path(): string | undefined {
    return this.current;
  }

  get env(): NodeJS.ProcessEnv {
    return this.options.env;
  }

  get overrides(): { readonly host: string | undefined; readonly port: number | undefined } {
    return { host: this.options.host, port: this.options.port };
  }

  /** Reads and resolves the file (or the defaults); throws ConfigError listing every problem. */
  load(): GatewayConfig {
    const config = loadConfig({ path: this.current, env: this.options.env, host: this.options.host, port: this.options.port });
    for (const provider of config.providers) if (provider.apiKeyEnv) registerSecret(this.options.env[provider.apiKeyEnv]);
    return config;
  }

  /** From now on the config lives in `path` (a file the control service just created). */
  adopt(path: string): void {
    if (this.current === path) return;
    this.current = path;
    this.options.onAdopt?.(path);
  }
}
