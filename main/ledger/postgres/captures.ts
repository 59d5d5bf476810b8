// Body captures (`ledger.capture`) in PostgreSQL (team mode, migration 5), so a request's detail shows its capture on
// whichever replica the admin UI asks. The same contract as the SQLite CaptureWriter (capture-writer.ts): the
// gateway hands over the bodies' heads and returns at once; they are redacted and cut here, off the request path,
// and written in batches on a timer (one INSERT through unnest()); memory is bounded (a full queue drops and counts);
// a batch PostgreSQL refuses for its data is written row by row; rows past the retention are deleted in bounded runs
// by every replica (a row deleted twice is deleted once).
import type { CaptureSettings } from '../../config/types.js';
import { CaptureQueue, type CaptureStats, type CaptureWriterOptions, type PendingCapture } from '../capture-queue.js';
import type { CaptureRow } from '../capture-store.js';
import { describePostgresError, isTransientPostgresError, type Pool } from './client.js';

const insert =
  'INSERT INTO captures (request_id, captured_at, request_body, response_body, truncated) ' +
  'SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::bool[]) ON CONFLICT (request_id) DO NOTHING';
const deleteBefore = 'DELETE FROM captures WHERE request_id IN (SELECT request_id FROM captures WHERE captured_at < $1 ORDER BY captured_at LIMIT $2)';
const deleteAny = 'DELETE FROM captures WHERE request_id IN (SELECT request_id FROM captures LIMIT $1)';

const dayMs = 86_400_000;

export class PostgresCaptures {
  private pool: Pool | undefined;
  private readonly queue: CaptureQueue;
  private flushTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private writing: Promise<boolean> | undefined;
  private readonly now: () => number;

  /** Queues from the start; writes once `attach` gives it the database (team mode opens it asynchronously). */
  constructor(private readonly options: CaptureWriterOptions = {}) {
    this.queue = new CaptureQueue(options);
    this.now = options.now ?? Date.now;
  }

  attach(pool: Pool): void {
    this.pool = pool;
    if (this.queue.length > 0) this.scheduleFlush(0);
  }

  /** Applies the config (at start and on every reload); the first call also starts the retention runs. */
  configure(settings: CaptureSettings): void {
    if (this.queue.configure(settings)) this.schedulePrune(this.options.pruneStartDelayMs ?? 1_000);
  }

  /** How many bytes of each body to keep at request arrival; undefined while capture is off. */
  get maxBytes(): number | undefined {
    return this.queue.maxBytes;
  }

  /** From the request path: queues and returns at once. */
  record(capture: PendingCapture): void {
    if (this.queue.admit(capture)) this.scheduleFlush(this.options.flushIntervalMs ?? 100);
  }

  stats(): CaptureStats {
    return this.queue.stats();
  }

  /** One request's capture as stored (redacted when written), or undefined. */
  async read(requestId: string): Promise<CaptureRow | undefined> {
    const pool = this.opened();
    const { rows } = await pool.query<{ requestId: string; capturedAt: number; request: string; response: string; truncated: boolean }>(
      'SELECT request_id AS "requestId", captured_at AS "capturedAt", request_body AS request, response_body AS response, truncated FROM captures WHERE request_id = $1',
      [requestId],
    );
    const row = rows[0];
    return row ? { ...row, capturedAt: Number(row.capturedAt) } : undefined;
  }

  /** Writes everything queued now. True when nothing is left. */
  async flush(): Promise<boolean> {
    while (this.queue.length > 0) if (!(await this.writeOnce(Number.POSITIVE_INFINITY))) return false;
    return true;
  }

  /** One retention run: deletes at most one batch of rows older than the retention. Returns how many. */
  async prune(): Promise<number> {
    if (!this.pool) return 0;
    const cutoff = this.now() - this.queue.settings.retentionDays * dayMs;
    try {
      const deleted = (await this.pool.query(deleteBefore, [cutoff, this.options.pruneBatch ?? 100])).rowCount ?? 0;
      this.queue.counters.deleted += deleted;
      return deleted;
    } catch (error) {
      this.queue.failed(describePostgresError(error));
      return 0;
    }
  }

  /** Deletes every capture in the database (every replica's) and drops the queued ones. Returns how many rows. */
  async purge(): Promise<number> {
    this.queue.clear(false);
    const pool = this.opened();
    let total = 0;
    for (let round = 0; round < 1_000_000; round += 1) {
      const deleted = (await pool.query(deleteAny, [this.options.pruneBatch ?? 1_000])).rowCount ?? 0;
      total += deleted;
      this.queue.counters.deleted += deleted;
      if (deleted === 0) break;
    }
    return total;
  }

  /** At quit: stops the timers and writes what is queued, within `timeoutMs`; what is left is counted as dropped. */
  async close(timeoutMs = 2_000): Promise<CaptureStats> {
    if (this.queue.closed) return this.stats();
    this.queue.closed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.pruneTimer);
    this.flushTimer = undefined;
    this.pruneTimer = undefined;
    if (this.pool) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      const done = await Promise.race([this.flush().catch(() => false), late]);
      clearTimeout(timer);
      if (done) return this.stats();
    }
    this.queue.clear(true);
    return this.stats();
  }

  /** After close: ends the pool `attach` gave it. */
  async end(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private opened(): Pool {
    if (!this.pool) throw new Error('the PostgreSQL ledger is not open');
    return this.pool;
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer !== undefined || this.queue.closed || !this.pool) return;
    this.flushTimer = setTimeout(
      () => {
        this.flushTimer = undefined;
        void this.writeOnce(this.options.bytesPerTick ?? 512 * 1024).then(() => {
          if (this.queue.length > 0) this.scheduleFlush(0);
        });
      },
      Math.max(delayMs, this.queue.backoffUntil - Date.now()),
    );
    this.flushTimer.unref();
  }

  private schedulePrune(delayMs: number): void {
    clearTimeout(this.pruneTimer);
    if (this.queue.closed) return;
    this.pruneTimer = setTimeout(() => {
      this.pruneTimer = undefined;
      void this.prune().then((deleted) =>
        this.schedulePrune(
          deleted >= (this.options.pruneBatch ?? 100) ? (this.options.pruneBacklogDelayMs ?? 500) : (this.options.pruneIntervalMs ?? 3_600_000),
        ),
      );
    }, delayMs);
    this.pruneTimer.unref();
  }

  /** One batch at a time: a flush at close waits for the timer's batch rather than writing the same rows twice. */
  private async writeOnce(byteBudget: number): Promise<boolean> {
    while (this.writing) await this.writing;
    const writing = this.writeBatch(byteBudget);
    this.writing = writing;
    try {
      return await writing;
    } finally {
      this.writing = undefined;
    }
  }

  /** Redacts and writes the head of the queue, up to `byteBudget` of captured text (at least one). False on failure. */
  private async writeBatch(byteBudget: number): Promise<boolean> {
    const pool = this.pool;
    if (!pool) return false;
    const batch = this.queue.nextBatch(byteBudget);
    if (batch.rows.length === 0) return true;
    try {
      await insertRows(pool, batch.rows);
      this.queue.written(batch);
      return true;
    } catch (error) {
      if (isTransientPostgresError(error)) {
        this.queue.failed(describePostgresError(error));
        return false;
      }
      // something about a row itself (say, a NUL byte PostgreSQL text refuses): one by one, so it cannot block the rest
      for (const row of batch.rows) {
        try {
          await insertRows(pool, [row]);
          this.queue.counters.written += 1;
        } catch (rowError) {
          this.queue.rowRejected(row, describePostgresError(rowError));
        }
      }
      this.queue.dequeue(batch);
      return true;
    }
  }
}

/** PostgreSQL text cannot hold NUL: a captured body that has one keeps it as U+FFFD (SQLite kept it as is). */
const storable = (text: string): string => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);

function insertRows(pool: Pool, rows: readonly CaptureRow[]): Promise<unknown> {
  return pool.query(insert, [
    rows.map((row) => row.requestId),
    rows.map((row) => row.capturedAt),
    rows.map((row) => storable(row.request)),
    rows.map((row) => storable(row.response)),
    rows.map((row) => row.truncated),
  ]);
}
