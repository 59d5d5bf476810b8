// Connects the ledger to the gateway: opens the SQLite ledger in the data dir, builds the price catalog (bundled
// snapshot, OpenRouter refresh, the config's overrides), and gives the gateway its Metering (with body capture, off
// unless `ledger.capture` turns it on) and BudgetGuard. Headless; boot.ts calls it for the CLI and the desktop app.
import { join } from 'node:path';
import type { GatewayConfig } from './config/load.js';
import type { BudgetGuard } from './gateway/budget-guard.js';
import type { CaptureRecorder, Costing, Metering } from './gateway/metering.js';
import { plainGetBody } from './gateway/providers/plain-http.js';
import { evaluateBudgets, type BudgetDecision, type SpendSoFar } from './ledger/budgets.js';
import { ResponseStore, type ResponseStorage } from './ledger/response-store.js';
import { SqliteResponseStorage } from './ledger/sqlite-response-storage.js';
import type { PostgresResponseStorage } from './ledger/postgres/response-storage.js';
import type { PostgresCaptures } from './ledger/postgres/captures.js';
import type { Pool } from './ledger/postgres/client.js';
import type { PendingCapture } from './ledger/capture-queue.js';
import { ResponseCache } from './ledger/response-cache.js';
import { defaultResponseCache } from './config/privacy.js';
import { Ledger } from './ledger/ledger.js';
import type { LedgerStats } from './ledger/ledger-writer.js';
import type { LedgerBackend, RequestLedger } from './ledger/ledger-backend.js';
import { openRouterModelsUrl, type FetchJson } from './ledger/openrouter-prices.js';
import { PriceCatalog } from './ledger/price-catalog.js';
import { loadPriceSnapshot, type PriceSnapshot } from './ledger/price-snapshot.js';
import { costOf } from './ledger/pricing.js';
import { referenceCost } from './ledger/savings.js';
import type { CaptureSettings, ModelPrice } from './config/types.js';

export const ledgerFileName = 'ledger.sqlite';

export interface MeteringSetup {
  readonly ledger: Ledger;
  /**
   * Team mode (`ledger.url`): the PostgreSQL ledger requests are written to and usage is read from; the SQLite
   * `ledger` keeps the rest (prices, start at login, the response cache); stored responses, captures, the
   * playground's tables and the gateway's settings go to PostgreSQL too. Set once `ready` resolves.
   */
  readonly backend: LedgerBackend | undefined;
  /** resolves once the ledger is open (at once for SQLite; PostgreSQL: connected, migrated, registered) */
  readonly ready: Promise<void>;
  /** stored Responses-API responses: in the ledger's file, or in PostgreSQL in team mode */
  readonly responses: ResponseStore;
  /** the response cache's answers, in the ledger's file */
  readonly responseCache: ResponseCache;
  readonly metering: Metering;
  readonly budgets: BudgetGuard;
  catalog(): PriceCatalog;
  /** a reloaded config brings new providers, overrides, budgets */
  applyConfig(config: GatewayConfig): void;
  close(): Promise<LedgerStats>;
}

export interface MeteringOptions {
  readonly dataDir: string;
  readonly config: GatewayConfig;
  readonly log: (line: string) => void;
  /** for the Electron build of better-sqlite3 */
  readonly nativeBinding?: string;
  /** fetches OpenRouter's price list; tests inject one, undefined uses the network */
  readonly fetchJson?: FetchJson;
}

const dayMs = 86_400_000;

export function setupMetering(options: MeteringOptions): MeteringSetup {
  const ledger = Ledger.open({
    path: join(options.dataDir, ledgerFileName),
    retention: {
      onError: (error) =>
        options.log(`ledger: deleting rows past retention_days failed (tried again later): ${error instanceof Error ? error.message : String(error)}`),
    },
    onThreadLost: (message) => options.log(message),
    ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
  });
  if (ledger.recovered > 0) options.log(`ledger: ${ledger.recovered} request(s) in flight at the last shutdown marked interrupted`);
  const team = options.config.ledger.url === undefined ? undefined : openTeamLedger(options, options.config.ledger.url, ledger);
  const requests: RequestLedger = team?.forward ?? ledger;
  ledger.capture.configure(options.config.ledger.capture);
  if (options.config.ledger.capture.enabled) options.log(captureLine(options.config));
  ledger.retention.configure(options.config.ledger.retentionDays);
  if (options.config.ledger.retentionDays !== undefined)
    options.log(`ledger: request rows older than ${options.config.ledger.retentionDays} day(s) are deleted (totals stay in the rollups)`);
  const snapshot = loadPriceSnapshot();
  let config = options.config;
  let catalog = buildCatalog(snapshot, ledger, config);

  // Name matching in the catalog (dated suffixes, aliases) is not free: remember each model's price until the
  // catalog changes (reload, refresh).
  const prices = new Map<string, ModelPrice | null>();
  const priceOf = (providerId: string, model: string): ModelPrice | undefined => {
    const key = `${providerId}\u0000${model}`;
    let price = prices.get(key);
    if (price === undefined) {
      price = catalog.lookup(providerId, model)?.price ?? null;
      prices.set(key, price);
    }
    return price ?? undefined;
  };
  const costing: Costing = {
    cost(providerId, model, locality, usage) {
      if (locality === 'local') {
        const reference = config.ledger.referenceModel;
        return { costUsd: 0, referenceUsd: referenceCost(usage, priceOf(reference.providerId, reference.model)) };
      }
      const price = priceOf(providerId, model);
      return { costUsd: price ? costOf(usage, price) : null, referenceUsd: null };
    },
  };

  // Spend is read from the rollups at most once a second; a budget is a guard rail, not an accounting close.
  let spend: { at: number; value: SpendSoFar } | undefined;
  const budgets: BudgetGuard = {
    decide(clientName: string | null): BudgetDecision | undefined {
      const limits = config.budgets;
      if (!limits) return undefined;
      const now = Date.now();
      if (!spend || now - spend.at > 1_000) spend = { at: now, value: requests.spendSoFar() };
      return evaluateBudgets(limits, spend.value, clientName);
    },
    // team mode: PostgreSQL answers once open; until then its figures would read as zero
    spendSoFar: () => (team && team.backend() === undefined ? undefined : requests.spendSoFar()),
  };

  let refreshTimer: NodeJS.Timeout | undefined;
  const refresh = async (): Promise<void> => {
    try {
      const result = await catalog.refreshFromOpenRouter(options.fetchJson ?? fetchJsonFromNetwork);
      prices.clear();
      options.log(`prices: ${result.prices.length} OpenRouter prices refreshed`);
    } catch (error) {
      options.log(`prices: refresh from OpenRouter failed (${error instanceof Error ? error.message : String(error)}); using the bundled and cached prices`);
    }
  };
  const scheduleRefresh = (delayMs: number): void => {
    clearTimeout(refreshTimer);
    if (!config.ledger.priceRefresh) return;
    refreshTimer = setTimeout(() => void refresh().finally(() => scheduleRefresh(dayMs)), delayMs);
    refreshTimer.unref();
  };
  scheduleRefresh(15_000);

  const responses = new ResponseStore(team?.responses ?? new SqliteResponseStorage(ledger));
  responses.configure(config.ledger.responses);
  const responseCache = new ResponseCache(ledger.database, (config.responseCache ?? defaultResponseCache).maxBytes);
  const pruneFailed = (error: unknown): void =>
    options.log(`ledger: deleting expired stored responses failed (tried again later): ${error instanceof Error ? error.message : String(error)}`);
  const pruneResponses = (): void => {
    // PostgreSQL: once it is open (every replica prunes; a response deleted twice is deleted once)
    void (team ? team.ready : Promise.resolve()).then(() => responses.pruneExpired()).catch(pruneFailed);
    try {
      responseCache.pruneExpired();
    } catch (error) {
      pruneFailed(error);
    }
  };
  pruneResponses();
  const pruneTimer = setInterval(pruneResponses, 60 * 60 * 1000);
  pruneTimer.unref();

  return {
    ledger,
    get backend() {
      return team?.backend();
    },
    ready: team?.ready ?? Promise.resolve(),
    responses,
    responseCache,
    metering: { recorder: requests, costing, capture: team?.captures ?? ledger.capture },
    budgets,
    catalog: () => catalog,
    applyConfig(next) {
      if (next.ledger.capture.enabled !== config.ledger.capture.enabled)
        options.log(next.ledger.capture.enabled ? captureLine(next) : 'capture: off (captured bodies are kept until they expire)');
      ledger.capture.configure(next.ledger.capture);
      team?.captures.configure(next.ledger.capture);
      ledger.retention.configure(next.ledger.retentionDays);
      responses.configure(next.ledger.responses);
      responseCache.configure((next.responseCache ?? defaultResponseCache).maxBytes);
      config = next;
      catalog = buildCatalog(snapshot, ledger, next);
      prices.clear();
      spend = undefined;
      scheduleRefresh(15_000);
    },
    async close() {
      clearTimeout(refreshTimer);
      clearInterval(pruneTimer);
      const teamStats = await team?.close();
      const stats = teamStats ?? (await ledger.close());
      if (teamStats) await ledger.close();
      const captures = ledger.capture.stats();
      if (captures.dropped > 0 || captures.rejected > 0)
        options.log(`capture: ${captures.dropped} capture(s) dropped (queue full or unwritten at close), ${captures.rejected} refused`);
      return stats;
    },
  };
}

/**
 * Team mode: the PostgreSQL ledger, its driver loaded only now. Requests go to it once it is open (boot awaits
 * `ready` before the gateway takes a request); a failure to open closes the SQLite ledger too and rejects `ready`.
 */
function openTeamLedger(
  options: MeteringOptions,
  url: string,
  local: Ledger,
): {
  forward: RequestLedger;
  responses: ResponseStorage;
  /** body captures, in PostgreSQL too: any replica's request detail shows them */
  captures: CaptureRecorder & { configure(settings: CaptureSettings): void };
  ready: Promise<void>;
  backend(): LedgerBackend | undefined;
  close(): Promise<LedgerStats>;
} {
  let opened: { ledger: RequestLedger; backend: LedgerBackend } | undefined;
  let storage: PostgresResponseStorage | undefined;
  let captures: PostgresCaptures | undefined;
  let controlPool: Pool | undefined;
  let captureSettings = options.config.ledger.capture;
  const listeners: ((ids: readonly string[]) => void)[] = [];
  const ready = (async () => {
    const { PostgresLedger, defaultInstanceId } = await import('./ledger/postgres/ledger.js');
    const instanceId = options.config.ledger.instanceId ?? defaultInstanceId(options.dataDir);
    const ledger = await PostgresLedger.open({ url, instanceId, onError: (message) => options.log(message) });
    const description = `PostgreSQL at ${ledger.where} (instance ${instanceId})`;
    const { PostgresResponseStorage } = await import('./ledger/postgres/response-storage.js');
    storage = await PostgresResponseStorage.open(url, { onError: (message) => options.log(`ledger: ${message}`) });
    for (const listener of listeners) storage.listen(listener);
    const [{ PostgresCaptures }, { createPool }] = await Promise.all([import('./ledger/postgres/captures.js'), import('./ledger/postgres/client.js')]);
    captures = new PostgresCaptures();
    captures.attach(await createPool({ url, max: 2 }));
    captures.configure(captureSettings);
    // the playground's tables and the gateway's settings: a few admin UI calls a minute at most, on a small pool
    const [{ PostgresPlaygroundTables }, { PostgresSettingsTable }] = await Promise.all([
      import('./ledger/postgres/playground.js'),
      import('./ledger/postgres/settings.js'),
    ]);
    controlPool = await createPool({ url, max: 2 });
    const playground = new PostgresPlaygroundTables(controlPool);
    const settings = new PostgresSettingsTable(controlPool);
    opened = { ledger, backend: { ledger, reads: ledger.reads, description, captures, playground, settings } };
    options.log(`ledger: ${description}`);
    if (ledger.recovered > 0) options.log(`ledger: ${ledger.recovered} request(s) this instance left in flight marked interrupted`);
  })();
  ready.catch(() => void local.close());
  const forward: RequestLedger = {
    begin: (record) => opened?.ledger.begin(record),
    finish: (record) => opened?.ledger.finish(record),
    stats: () => opened?.ledger.stats() ?? local.stats(),
    spendSoFar: (ranges) => opened?.ledger.spendSoFar(ranges) ?? { today: { totalUsd: 0, byClient: {} }, month: { totalUsd: 0, byClient: {} } },
    flush: () => opened?.ledger.flush() ?? true,
    close: (timeoutMs) => opened?.ledger.close(timeoutMs) ?? Promise.resolve(local.stats()),
    recovered: 0,
  };
  // stored responses in the same database, so a follow-up turn resolves on any replica (boot waits for `ready`)
  const unopened = (): PostgresResponseStorage => {
    throw new Error('the PostgreSQL ledger is not open');
  };
  const responses: ResponseStorage = {
    listen: (listener) => (storage ? storage.listen(listener) : listeners.push(listener)),
    write: (row) => (storage ? storage.write(row) : listeners.forEach((listener) => listener([row.id]))),
    get: async (id, now) => (storage ?? unopened()).get(id, now),
    chain: async (id, now, limit) => (storage ?? unopened()).chain(id, now, limit),
    item: async (id, now) => (storage ?? unopened()).item(id, now),
    delete: async (id) => (storage ?? unopened()).delete(id),
    pruneExpired: async (now) => (storage ?? unopened()).pruneExpired(now),
  };
  const captureRecorder = {
    get maxBytes() {
      return captures?.maxBytes;
    },
    record: (capture: PendingCapture) => captures?.record(capture),
    configure: (settings: CaptureSettings) => {
      captureSettings = settings;
      captures?.configure(settings);
    },
  };
  return {
    forward,
    responses,
    captures: captureRecorder,
    ready,
    backend: () => opened?.backend,
    close: async () => {
      await ready.catch(() => undefined);
      const captured = await captures?.close();
      await captures?.end();
      if (captured && (captured.dropped > 0 || captured.rejected > 0))
        options.log(`capture: ${captured.dropped} capture(s) dropped (queue full or unwritten at close), ${captured.rejected} refused (PostgreSQL)`);
      await storage?.close();
      await controlPool?.end();
      return opened ? opened.ledger.close() : local.stats();
    },
  };
}

function captureLine(config: GatewayConfig): string {
  const { retentionDays, maxBytesPerRequest } = config.ledger.capture;
  return `capture: ON — request and response bodies are stored in the ledger (redacted, up to ${Math.round(maxBytesPerRequest / 1024)} KiB per request, kept ${retentionDays} day(s))`;
}

function buildCatalog(snapshot: PriceSnapshot, ledger: Ledger, config: GatewayConfig): PriceCatalog {
  const locality = new Map(config.providers.map((provider) => [provider.id, provider.locality]));
  const presets = Object.fromEntries(
    config.providers.filter((provider) => provider.preset && provider.preset !== provider.id).map((provider) => [provider.id, provider.preset as string]),
  );
  const catalog = new PriceCatalog({ snapshot, database: ledger.database, isLocalProvider: (id) => locality.get(id) === 'local', providerPresets: presets });
  for (const { target, price } of config.ledger.priceOverrides) catalog.setOverride(target.providerId, target.model, price);
  return catalog;
}

/**
 * OpenRouter's model list, over node:https rather than undici (gateway/providers/plain-http.ts: a gateway that only
 * refreshed its prices holds none of undici). A redirect is not followed: it fails as any other status does.
 */
export async function fetchJsonFromNetwork(url: string = openRouterModelsUrl): Promise<unknown> {
  const limits = { connectTimeoutMs: 10_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 20_000, maxBytes: 64 * 1024 * 1024 };
  const response = await plainGetBody({ url, headers: { accept: 'application/json' }, ...limits }, AbortSignal.timeout(120_000));
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return JSON.parse(response.body.toString('utf8')) as unknown;
}
