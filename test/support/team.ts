// A team gateway for e2e tests: a fresh PostgreSQL database, optionally a fake OpenAI upstream, and two (or more)
// `switchyard serve` replicas on one config whose ledger is that database. The team tests only differ in what they add
// to the config and environment; they all stop the same way. Needs `npm test` (it starts PostgreSQL); never skips.
import { createPool, type Pool } from '../../main/ledger/postgres/client.js';
import { createTestDatabase, type TestDatabase } from '../../main/ledger/test-support/postgres-database.js';
import { FakeOpenAI, type FakeOpenAIOptions } from '../fakes/openai-fake.js';
import { startServe, writeConfig, type ServeProcess } from './serve-process.js';

type Section = Record<string, unknown>;

export interface TeamOptions {
  /** start a fake OpenAI upstream (with these options); its URL reaches `config` */
  readonly upstream?: FakeOpenAIOptions;
  /**
   * The config beyond the team defaults (no retries, no auto-offline, a 500 ms shutdown grace, the ledger on the test
   * database without price refresh). Each section given is merged over its defaults, one level deep.
   */
  readonly config: (urls: { database: string; upstream: string }) => Record<string, unknown>;
  /** every replica's environment (team mode writes no client-token file: a test's token comes from here) */
  readonly env?: Record<string, string>;
  /** a data dir per replica (default: a new temporary one each) */
  readonly dataDir?: () => string;
  readonly replicas?: number;
}

export interface Team<Upstream extends FakeOpenAI | undefined = FakeOpenAI | undefined> {
  readonly database: TestDatabase;
  /** one connection to the test database, to look at what the replicas wrote */
  readonly pool: Pool;
  /** present when `upstream` was given */
  readonly upstream: Upstream;
  readonly replicas: readonly ServeProcess[];
  readonly configPath: string;
  stop(): Promise<void>;
}

export function startTeam(options: TeamOptions & { upstream: FakeOpenAIOptions }): Promise<Team<FakeOpenAI>>;
export function startTeam(options: TeamOptions & { upstream?: undefined }): Promise<Team<undefined>>;
export async function startTeam(options: TeamOptions): Promise<Team> {
  const database = await createTestDatabase();
  const pool = await createPool({ url: database.url, max: 1 });
  const upstream = options.upstream === undefined ? undefined : await FakeOpenAI.start(options.upstream);
  const stop = async (): Promise<void> => {
    await Promise.all(replicas.map((serve) => serve.stop()));
    await upstream?.close();
    await pool.end();
    await database.drop();
  };
  const replicas: ServeProcess[] = [];
  const defaults: Record<string, Section> = {
    server: { shutdown_grace_ms: 500 },
    routing: { num_retries: 0, auto_offline: false },
    ledger: { url: database.url, price_refresh: false },
  };
  const config: Record<string, unknown> = { providers: [], ...options.config({ database: database.url, upstream: upstream?.baseUrl ?? '' }) };
  for (const [name, section] of Object.entries(defaults)) config[name] = { ...section, ...(config[name] as Section | undefined) };
  const configPath = writeConfig(config);
  try {
    const started = await Promise.allSettled(
      Array.from({ length: options.replicas ?? 2 }, () =>
        startServe({ configPath, env: options.env, ...(options.dataDir ? { dataDir: options.dataDir() } : {}) }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') replicas.push(result.value);
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (error) {
    await stop();
    throw error;
  }
  return { database, pool, upstream, replicas, configPath, stop };
}
