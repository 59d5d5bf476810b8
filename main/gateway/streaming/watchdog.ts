// Timers for one upstream attempt: time to first content, idle time between parsed events (keep-alive comments
// never reach here, so they do not count), and a wall-clock cap. When one fires, the attempt's controller is
// aborted with a timeout ProviderError as the reason, which the adapter reports as the attempt's error. The
// timer only runs while the gateway waits for upstream, never while a slow client is being written to.
import { ProviderError } from '../providers/errors.js';
import type { StreamPart } from '../providers/types.js';
import { isContentChunk } from './gate.js';

export interface AttemptLimits {
  readonly firstTokenMs: number;
  readonly idleMs: number;
  readonly totalMs: number;
}

export class AttemptWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private timerDue = 0;
  private sawContent = false;
  private readonly deadline: number;
  /** performance.now() when the current wait began; undefined while not waiting on upstream */
  private waitingSince: number | undefined;

  constructor(
    private readonly controller: { abort(reason?: unknown): void },
    private readonly limits: AttemptLimits,
    private readonly providerId: string,
    private readonly startedAt = performance.now(),
  ) {
    this.deadline = startedAt + limits.totalMs;
  }

  /**
   * Starts a wait on upstream. Called once per event, so it only records the time: one timer is kept and, when it
   * fires, checks whether the current wait has really run out (rescheduling itself if not).
   */
  arm(): void {
    const now = performance.now();
    this.waitingSince = now;
    const due = now + this.remaining(now);
    // A pending timer that fires too late for this wait (first-token → shorter idle limit) is replaced; one that
    // fires early just checks and reschedules itself.
    if (this.timer !== undefined && this.timerDue > due) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.timer === undefined) this.schedule(due - now);
  }

  /** The wait is over (an event arrived); the pending timer, if any, will find nothing to do. */
  disarm(): void {
    this.waitingSince = undefined;
  }

  /** No more waits: release the timer. */
  stop(): void {
    this.waitingSince = undefined;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private remaining(now: number): number {
    const since = this.waitingSince ?? now;
    const phaseEnd = this.sawContent ? since + this.limits.idleMs : this.startedAt + this.limits.firstTokenMs;
    return Math.max(0, Math.min(this.deadline, phaseEnd) - now);
  }

  private schedule(wait: number): void {
    this.timerDue = performance.now() + wait;
    this.timer = setTimeout(() => this.check(), wait);
    this.timer.unref();
  }

  private check(): void {
    this.timer = undefined;
    if (this.waitingSince === undefined) return;
    const now = performance.now();
    const left = this.remaining(now);
    if (left > 0) {
      this.schedule(left);
      return;
    }
    const phaseLimit = this.sawContent ? this.waitingSince + this.limits.idleMs : this.startedAt + this.limits.firstTokenMs;
    this.fire(this.deadline <= phaseLimit ? 'total_timeout' : this.sawContent ? 'idle_timeout' : 'first_token_timeout');
  }

  contentArrived(): void {
    this.sawContent = true;
  }

  private fire(code: 'total_timeout' | 'idle_timeout' | 'first_token_timeout'): void {
    const what =
      code === 'first_token_timeout'
        ? `sent no content within ${this.limits.firstTokenMs} ms`
        : code === 'idle_timeout'
          ? `went silent for ${this.limits.idleMs} ms mid-stream`
          : `did not finish within ${this.limits.totalMs} ms`;
    this.controller.abort(
      new ProviderError({
        kind: 'timeout',
        errorClass: 'timeout',
        status: 504,
        code,
        message: `provider '${this.providerId}' ${what}`,
        providerId: this.providerId,
        retryable: true,
      }),
    );
  }
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` would never settle. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined); // its outcome no longer matters, but must not become an unhandled rejection
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/**
 * Pulls `parts` under the watchdog; a timeout becomes the stream's final error part. `onEnd` runs once the stream is
 * over for whatever reason (finished, failed, or returned early by its consumer).
 */
export function watchParts(
  parts: AsyncIterable<StreamPart>,
  watchdog: AttemptWatchdog,
  signal: AbortSignal,
  asError: (error: unknown) => ProviderError,
  onEnd?: () => void,
): WatchedParts {
  return new WatchedParts(parts[Symbol.asyncIterator](), watchdog, signal, asError, onEnd);
}

const finished: IteratorResult<StreamPart> = { done: true, value: undefined };

/**
 * watchParts' iterator, written out rather than as an async generator racing each pull against the abort: a
 * streamed event costs one promise here instead of the generator's and Promise.race's several. Pulls are expected
 * one at a time, as every consumer in the gateway makes them, so one pending pull is kept in fields and the abort
 * listener and the pull's callbacks are made once per stream, not once per event (a paced stream's every token
 * passes here; closures and listener bookkeeping per event were garbage for the collector at hundreds of streams).
 */
export class WatchedParts implements AsyncIterableIterator<StreamPart> {
  private ended = false;
  /** resolves the pull in progress; undefined between pulls */
  private pending: ((result: IteratorResult<StreamPart>) => void) | undefined;
  private listening = false;

  constructor(
    private readonly iterator: AsyncIterator<StreamPart>,
    private readonly watchdog: AttemptWatchdog,
    private readonly signal: AbortSignal,
    private readonly asError: (error: unknown) => ProviderError,
    private readonly onEnd: (() => void) | undefined,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.ended) return Promise.resolve(finished);
    // A failure arrives as one final error part, never as a rejection.
    if (this.signal.aborted) return Promise.resolve(this.fail(this.signal.reason));
    if (!this.listening) {
      // A guard for an adapter stuck somewhere its signal does not reach: the abort ends the stream regardless.
      this.listening = true;
      this.signal.addEventListener('abort', this.onAbort);
    }
    this.watchdog.arm();
    const pull = this.iterator.next();
    const result = new Promise<IteratorResult<StreamPart>>((resolve) => {
      this.pending = resolve;
    });
    pull.then(this.onNext, this.onError);
    return result;
  }

  return(): Promise<IteratorResult<StreamPart>> {
    this.end();
    return Promise.resolve(finished);
  }

  /**
   * The pull in progress is over: its resolver, once. After an abort has settled a pull, the iterator has ended and
   * no pull follows, so a late answer of the abandoned one finds nothing to settle.
   */
  private settle(): ((result: IteratorResult<StreamPart>) => void) | undefined {
    const resolve = this.pending;
    if (resolve === undefined) return undefined;
    this.pending = undefined;
    this.watchdog.disarm();
    return resolve;
  }

  private readonly onNext = (next: IteratorResult<StreamPart>): void => {
    const resolve = this.settle();
    if (resolve === undefined) return;
    if (next.done) {
      this.end();
      resolve(finished);
      return;
    }
    const part = next.value;
    if (part.type === 'chunk') {
      if (isContentChunk(part.chunk)) this.watchdog.contentArrived();
    } else {
      this.end(); // done or error: the last part
    }
    resolve(next);
  };

  private readonly onError = (error: unknown): void => {
    this.settle()?.(this.fail(error));
  };

  private readonly onAbort = (): void => {
    this.settle()?.(this.fail(this.signal.reason));
  };

  private fail(error: unknown): IteratorResult<StreamPart> {
    this.end();
    return { done: false, value: { type: 'error', error: this.asError(error) } };
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.watchdog.stop();
    if (this.listening) this.signal.removeEventListener('abort', this.onAbort);
    this.onEnd?.();
    // Do not wait on an iterator that may be stuck; the abort has already told it to stop.
    void this.iterator.return?.().catch(() => undefined);
  }
}
