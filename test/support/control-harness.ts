// The core booted in-process the way `switchyard serve` boots it (main/boot.ts), on a free port with a temporary
// data dir, an in-memory key store (or the test keychain) and a faithful OpenAI fake upstream: what the control
// service's unit tests and the IPC side of the contract test run against.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootGateway, type Booted } from '../../main/boot.js';
import { MemorySecretStore, type SecretStore } from '../../main/secrets/secret-store.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';

export interface ControlHarness {
  readonly booted: Booted;
  readonly upstream: FakeOpenAI;
  readonly dataDir: string;
  /** the config file given at start (undefined: the core starts on its defaults) */
  readonly configPath: string | undefined;
  readonly clientToken: string;
  readonly adminToken: string;
  readonly log: string[];
  /** a chat completion through the gateway with the client token */
  chat(model: string, token?: string): Promise<Response>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** config file text; `{upstream}` is replaced by the fake's base URL */
  readonly config?: string;
  readonly fileName?: string;
  readonly secretStore?: SecretStore;
  /** the fake requires this key (default: none) */
  readonly upstreamKey?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** serve the HTTP control API and UI from this folder, as `switchyard serve` does */
  readonly uiRoot?: string;
  readonly onStartAtLoginChanged?: (enabled: boolean) => void;
}

/** Ollama pointed at a closed port, so nothing a test does reaches a real local server. */
export const closedOllama = { OLLAMA_HOST: 'http://127.0.0.1:9' };

export async function startControlHarness(options: HarnessOptions = {}): Promise<ControlHarness> {
  const upstream = await FakeOpenAI.start(options.upstreamKey === undefined ? {} : { apiKey: options.upstreamKey });
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-control-'));
  let configPath: string | undefined;
  if (options.config !== undefined) {
    configPath = join(dataDir, options.fileName ?? 'config.yaml');
    writeFileSync(configPath, options.config.replaceAll('{upstream}', upstream.baseUrl));
  }
  const log: string[] = [];
  const booted = await bootGateway({
    env: { ...closedOllama, ...options.env },
    dataDir,
    log: (line) => log.push(line),
    host: '127.0.0.1',
    port: 0,
    watchConfig: false,
    secretStore: options.secretStore ?? new MemorySecretStore(),
    ...(options.uiRoot === undefined ? {} : { headless: { uiRoot: options.uiRoot } }),
    ...(options.onStartAtLoginChanged ? { onStartAtLoginChanged: options.onStartAtLoginChanged } : {}),
  });
  const clientToken = readFileSync(join(dataDir, 'client-token'), 'utf8').trim();
  const adminToken = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
  return {
    booted,
    upstream,
    dataDir,
    configPath,
    clientToken,
    adminToken,
    log,
    chat: (model, token = clientToken) =>
      fetch(`${booted.gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      }),
    async stop() {
      booted.unwatch();
      await booted.gateway.stop(0);
      await upstream.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
