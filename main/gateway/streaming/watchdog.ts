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
  private sawContent = false;
  private readonly deadline: number;

  constructor(
    private readonly controller: AbortController,
    private readonly limits: AttemptLimits,
    private readonly providerId: string,
    private readonly startedAt = performance.now(),
  ) {
    this.deadline = startedAt + limits.totalMs;
  }

  /** Arms the timer for the wait that follows. */
  arm(): void {
    this.disarm();
    const now = performance.now();
    const untilDeadline = this.deadline - now;
    const phaseLimit = this.sawContent ? this.limits.idleMs : this.startedAt + this.limits.firstTokenMs - now;
    const wait = Math.max(0, Math.min(untilDeadline, phaseLimit));
    const code = untilDeadline <= phaseLimit ? 'total_timeout' : this.sawContent ? 'idle_timeout' : 'first_token_timeout';
    this.timer = setTimeout(() => this.fire(code), wait);
  }

  disarm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
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
      new ProviderError({ kind: 'timeout', errorClass: 'timeout', status: 504, code, message: `provider '${this.providerId}' ${what}`, providerId: this.providerId, retryable: true }),
    );
  }
}

/** Rejects with the signal's reason as soon as it aborts, even if `promise` would never settle. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
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

/** Pulls `parts` under the watchdog; a timeout becomes the stream's final error part. */
export async function* watchParts(parts: AsyncIterable<StreamPart>, watchdog: AttemptWatchdog, signal: AbortSignal, asError: (error: unknown) => ProviderError): AsyncGenerator<StreamPart> {
  const iterator = parts[Symbol.asyncIterator]();
  try {
    for (;;) {
      watchdog.arm();
      let next: IteratorResult<StreamPart>;
      try {
        next = await raceAbort(iterator.next(), signal);
      } catch (error) {
        yield { type: 'error', error: asError(error) };
        return;
      } finally {
        watchdog.disarm();
      }
      if (next.done) return;
      const part = next.value;
      if (part.type === 'chunk' && isContentChunk(part.chunk)) watchdog.contentArrived();
      yield part;
      if (part.type !== 'chunk') return;
    }
  } finally {
    watchdog.disarm();
    // Do not wait on an iterator that may be stuck; the abort has already told it to stop.
    void iterator.return?.().catch(() => undefined);
  }
}
