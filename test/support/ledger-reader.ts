// Reads the ledger of a running (or killed) `switchyard serve` from the outside, read-only like the dashboard, so
// e2e tests can check the rows each client request left; and scans the SQLite files for text that must not be there.
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requestDetail } from '../../main/ledger/request-log.js';

export const ledgerFile = 'ledger.sqlite';

/** One `requests` row, column for column. */
export interface LedgerRow {
  readonly id: string;
  readonly started_at: number;
  readonly finished_at: number | null;
  readonly client_token_name: string | null;
  readonly client_family: string;
  readonly endpoint: string;
  readonly requested_model: string;
  readonly route: string | null;
  readonly provider_id: string | null;
  readonly model: string | null;
  readonly status: string;
  readonly error_class: string | null;
  readonly http_status: number | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_read_tokens: number;
  readonly cache_write_tokens: number;
  readonly reasoning_tokens: number;
  readonly tokens_estimated: number;
  readonly cost_usd: number | null;
  readonly cost_reference_usd: number | null;
  readonly latency_ms: number | null;
  readonly ttft_ms: number | null;
  readonly upstream_ms: number | null;
  readonly overhead_ms: number | null;
  readonly local_compute_ms: number | null;
  readonly finish_reason: string | null;
  readonly native_finish_reason: string | null;
  readonly stream: number;
}

export interface LedgerAttemptRow {
  readonly request_id: string;
  readonly seq: number;
  readonly provider_id: string;
  readonly model: string;
  readonly outcome: string;
  readonly http_status: number | null;
  readonly duration_ms: number;
}

/** A read-only connection beside the gateway's writer; every query sees the latest committed batch. */
export class LedgerReader {
  private readonly seen = new Set<string>();

  private constructor(private readonly database: Database.Database) {}

  static open(dataDir: string): LedgerReader {
    const database = new Database(join(dataDir, ledgerFile), { readonly: true, fileMustExist: true });
    database.pragma('busy_timeout = 1000');
    return new LedgerReader(database);
  }

  rows(): LedgerRow[] {
    return this.database.prepare<[], LedgerRow>('SELECT * FROM requests ORDER BY started_at, id').all();
  }

  /** The trail as the ledger reports it (requestDetail: the common one-attempt trail is implied by its row, not stored). */
  attempts(requestId: string): LedgerAttemptRow[] {
    return (requestDetail(this.database, requestId)?.attempts ?? []).map((attempt) => ({
      request_id: requestId,
      seq: attempt.seq,
      provider_id: attempt.providerId,
      model: attempt.model,
      outcome: attempt.outcome,
      http_status: attempt.httpStatus,
      duration_ms: attempt.durationMs,
    }));
  }

  allAttempts(): LedgerAttemptRow[] {
    return this.database.prepare<[], LedgerAttemptRow>('SELECT * FROM attempts ORDER BY request_id, seq').all();
  }

  integrityCheck(): string[] {
    return this.database.prepare<[], string>('PRAGMA integrity_check').pluck().all();
  }

  /**
   * Waits until exactly `count` rows this reader has not returned before are all final (the finish batch committed,
   * ≤ 50 ms after the response in normal operation), then waits `settleMs` more and checks that no further row
   * appeared, so a request that left two rows fails here. Marks them seen and returns them oldest first.
   */
  async newFinalRows(count: number, options: { timeoutMs?: number; settleMs?: number } = {}): Promise<LedgerRow[]> {
    const deadline = performance.now() + (options.timeoutMs ?? 3_000);
    const fresh = (): LedgerRow[] => this.rows().filter((row) => !this.seen.has(row.id));
    let rows = fresh();
    while (rows.length < count || rows.some((row) => row.status === 'in_flight')) {
      if (performance.now() > deadline) {
        throw new Error(
          `ledger: expected ${count} new final row(s), have ${JSON.stringify(rows.map((row) => ({ id: row.id, status: row.status, endpoint: row.endpoint, requested_model: row.requested_model })))}`,
        );
      }
      await sleep(20);
      rows = fresh();
    }
    await sleep(options.settleMs ?? 150);
    rows = fresh();
    if (rows.length !== count) throw new Error(`ledger: expected exactly ${count} new row(s), found ${rows.length}: ${JSON.stringify(rows)}`);
    for (const row of rows) this.seen.add(row.id);
    return rows;
  }

  /** The one new final row a single client request left. */
  async newRow(options: { timeoutMs?: number; settleMs?: number } = {}): Promise<LedgerRow> {
    const [row] = await this.newFinalRows(1, options);
    return row as LedgerRow;
  }

  /** Marks every current row as seen (after a step whose rows a test does not examine). */
  skipAll(): void {
    for (const row of this.rows()) this.seen.add(row.id);
  }

  close(): void {
    this.database.close();
  }
}

/** Every ledger file of the data dir (the database, its -wal and -shm) that contains `text` in UTF-8 or UTF-16. */
export function ledgerFilesContaining(dataDir: string, text: string): string[] {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  return [ledgerFile, `${ledgerFile}-wal`, `${ledgerFile}-shm`]
    .map((name) => join(dataDir, name))
    .filter((path) => existsSync(path))
    .filter((path) => {
      const bytes = readFileSync(path);
      return needles.some((needle) => bytes.includes(needle));
    });
}

/** USD of `tokens` at a per-token `rate`, in the ledger's exact integer pico-dollars (so equality is exact). */
export function exactCost(parts: ReadonlyArray<readonly [tokens: number, usdPerToken: number]>): number {
  let picoDollars = 0n;
  for (const [tokens, rate] of parts) picoDollars += BigInt(tokens) * BigInt(Math.round(rate * 1e12));
  return Number(picoDollars) / 1e12;
}

/** A model's bundled price (resources/prices/snapshot.json), USD per token. */
export function snapshotPrice(key: string): { readonly input: number; readonly output: number } {
  const snapshot = JSON.parse(readFileSync(new URL('../../resources/prices/snapshot.json', import.meta.url), 'utf8')) as {
    models: Record<string, { input: number; output: number }>;
  };
  const price = snapshot.models[key];
  if (!price) throw new Error(`no bundled price for ${key}`);
  return price;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
