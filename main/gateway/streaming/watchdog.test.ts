// Attempt timers on a fake clock: time to first content, idle between events, the wall-clock cap, and that no
// timer runs while a slow client is being written to (the generator is suspended at `yield`).
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta } from '../../../shared/openai-types.js';
import { ProviderError } from '../providers/errors.js';
import type { StreamPart } from '../providers/types.js';
import { AttemptWatchdog, raceAbort, watchParts, type AttemptLimits } from './watchdog.js';

const limits: AttemptLimits = { firstTokenMs: 30, idleMs: 50, totalMs: 1_000 };

function chunk(delta: ChunkDelta): StreamPart {
  const value: ChatCompletionChunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] };
  return { type: 'chunk', chunk: value };
}
const text = (content: string): StreamPart => chunk({ content });
const role = chunk({ role: 'assistant' });

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function timeoutCode(signal: AbortSignal): string | null | undefined {
  const reason: unknown = signal.reason;
  return reason instanceof ProviderError ? reason.code : undefined;
}

/** Upstream parts, each after its own delay on the (fake) clock; records whether it was closed. */
function upstream(script: ReadonlyArray<readonly [delayMs: number, part: StreamPart]>): { parts: AsyncIterable<StreamPart>; closed: () => boolean } {
  let closed = false;
  async function* generate(): AsyncGenerator<StreamPart> {
    try {
      for (const [delayMs, part] of script) {
        if (delayMs > 0) await sleep(delayMs);
        yield part;
      }
    } finally {
      closed = true;
    }
  }
  return { parts: generate(), closed: () => closed };
}

function asError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError({ kind: 'protocol', errorClass: 'protocol', status: 502, message: String(error), providerId: 'p', retryable: false });
}

function watch(
  parts: AsyncIterable<StreamPart>,
  attemptLimits: AttemptLimits = limits,
): { stream: ReturnType<typeof watchParts>; controller: AbortController; watchdog: AttemptWatchdog } {
  const controller = new AbortController();
  const watchdog = new AttemptWatchdog(controller, attemptLimits, 'p');
  return { stream: watchParts(parts, watchdog, controller.signal, asError), controller, watchdog };
}

/** Reads the whole stream, waiting `pauseMs` between pulls (a slow client), while the fake clock runs. */
async function drain(stream: AsyncIterable<StreamPart>, pauseMs = 0, clockMs = 5_000): Promise<StreamPart[]> {
  const received: StreamPart[] = [];
  const reading = (async () => {
    for await (const part of stream) {
      received.push(part);
      if (pauseMs > 0) await sleep(pauseMs);
    }
  })();
  await vi.advanceTimersByTimeAsync(clockMs);
  await reading;
  return received;
}

function errorCode(part: StreamPart | undefined): string | null | undefined {
  return part?.type === 'error' ? part.error.code : undefined;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AttemptWatchdog', () => {
  it('first-token time counts from the start of the attempt, not from arm()', async () => {
    const controller = new AbortController();
    const watchdog = new AttemptWatchdog(controller, limits, 'openai');
    await vi.advanceTimersByTimeAsync(20);
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(9);
    expect(controller.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(controller.signal.aborted).toBe(true);
    const reason: unknown = controller.signal.reason;
    expect(reason).toBeInstanceOf(ProviderError);
    expect(reason).toMatchObject({ kind: 'timeout', errorClass: 'timeout', status: 504, code: 'first_token_timeout', retryable: true, providerId: 'openai' });
    expect((reason as ProviderError).message).toBe("provider 'openai' sent no content within 30 ms");
  });

  it('after content, each wait may last idleMs from when it began', async () => {
    const controller = new AbortController();
    const watchdog = new AttemptWatchdog(controller, limits, 'p');
    watchdog.contentArrived();
    await vi.advanceTimersByTimeAsync(200); // time between waits does not count
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(49);
    expect(controller.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(timeoutCode(controller.signal)).toBe('idle_timeout');
    expect((controller.signal.reason as ProviderError).message).toContain('went silent for 50 ms');
  });

  it('the wall-clock cap wins when it comes first', async () => {
    const controller = new AbortController();
    const watchdog = new AttemptWatchdog(controller, { firstTokenMs: 500, idleMs: 500, totalMs: 100 }, 'p');
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(100);
    expect(timeoutCode(controller.signal)).toBe('total_timeout');
    expect((controller.signal.reason as ProviderError).message).toContain('did not finish within 100 ms');
  });

  it('a wait that begins after the deadline fires at once', async () => {
    const controller = new AbortController();
    const watchdog = new AttemptWatchdog(controller, { firstTokenMs: 500, idleMs: 50, totalMs: 100 }, 'p');
    watchdog.contentArrived();
    await vi.advanceTimersByTimeAsync(150);
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(0);
    expect(timeoutCode(controller.signal)).toBe('total_timeout');
  });

  it('disarm stops the timer, and re-arming replaces it rather than adding one', async () => {
    const controller = new AbortController();
    const watchdog = new AttemptWatchdog(controller, limits, 'p');
    watchdog.contentArrived();
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(40);
    watchdog.arm();
    await vi.advanceTimersByTimeAsync(40);
    expect(controller.signal.aborted).toBe(false);
    watchdog.disarm();
    await vi.advanceTimersByTimeAsync(500);
    expect(controller.signal.aborted).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('watchParts', () => {
  it('passes parts through and ends after done, leaving no timer behind', async () => {
    const source = upstream([
      [0, role],
      [10, text('Hel')],
      [10, text('lo')],
      [10, { type: 'done' }],
      [0, text('after done')],
    ]);
    const { stream, controller } = watch(source.parts);
    const parts = await drain(stream);
    expect(parts).toEqual([role, text('Hel'), text('lo'), { type: 'done' }]);
    expect(controller.signal.aborted).toBe(false);
    expect(source.closed()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('a role-only chunk is not the first token: no content within firstTokenMs → first_token_timeout', async () => {
    const source = upstream([
      [0, role],
      [40, text('late')],
    ]);
    const { stream, controller } = watch(source.parts);
    const parts = await drain(stream);
    expect(parts.map((part) => part.type)).toEqual(['chunk', 'error']);
    expect(errorCode(parts[1])).toBe('first_token_timeout');
    expect(timeoutCode(controller.signal)).toBe('first_token_timeout');
  });

  it('silence after content longer than idleMs → idle_timeout', async () => {
    const source = upstream([
      [10, text('a')],
      [40, text('b')],
      [60, text('c')],
    ]);
    const { stream } = watch(source.parts);
    const parts = await drain(stream);
    expect(parts.slice(0, 2)).toEqual([text('a'), text('b')]);
    expect(errorCode(parts[2])).toBe('idle_timeout');
    expect(parts).toHaveLength(3);
  });

  it('a stream that keeps talking is still ended by the wall-clock cap', async () => {
    const script: Array<readonly [number, StreamPart]> = Array.from({ length: 20 }, (_, index) => [20, text(String(index))] as const);
    const { stream } = watch(upstream(script).parts, { firstTokenMs: 30, idleMs: 50, totalMs: 100 });
    const parts = await drain(stream);
    expect(parts.filter((part) => part.type === 'chunk')).toHaveLength(4); // at 20, 40, 60, 80; the one due at 100 is too late
    expect(errorCode(parts.at(-1))).toBe('total_timeout');
  });

  it('a slow client does not count as upstream silence: 100 ms between pulls with idleMs 50 never times out', async () => {
    const source = upstream([
      [0, text('a')],
      [0, text('b')],
      [0, text('c')],
      [0, text('d')],
      [0, { type: 'done' }],
    ]);
    const { stream, controller } = watch(source.parts, { firstTokenMs: 30, idleMs: 50, totalMs: 10_000 });
    const parts = await drain(stream, 100);
    expect(parts).toEqual([text('a'), text('b'), text('c'), text('d'), { type: 'done' }]);
    expect(controller.signal.aborted).toBe(false);
  });

  it('past the wall-clock cap, the next wait for upstream ends the stream at once', async () => {
    const { stream } = watch(
      upstream([
        [0, text('a')],
        [10, text('b')],
      ]).parts,
      { firstTokenMs: 30, idleMs: 50, totalMs: 150 },
    );
    const parts = await drain(stream, 200);
    expect(parts[0]).toEqual(text('a'));
    expect(errorCode(parts[1])).toBe('total_timeout');
  });

  it('an upstream that throws ends the stream with an error part made by asError', async () => {
    async function* broken(): AsyncGenerator<StreamPart> {
      yield text('a');
      throw new Error('socket hang up');
    }
    const { stream } = watch(broken());
    const parts = await drain(stream);
    expect(parts[0]).toEqual(text('a'));
    expect(parts[1]).toMatchObject({ type: 'error', error: { errorClass: 'protocol', message: 'Error: socket hang up' } });
  });

  it('an error part from upstream ends the stream', async () => {
    const overloaded = new ProviderError({ kind: 'in-band', errorClass: 'overloaded', status: 529, message: 'busy', providerId: 'p', retryable: true });
    const source = upstream([
      [0, { type: 'error', error: overloaded }],
      [0, text('never')],
    ]);
    const parts = await drain(watch(source.parts).stream);
    expect(parts).toEqual([{ type: 'error', error: overloaded }]);
    expect(source.closed()).toBe(true);
  });

  it('an abort from outside (the client left) ends a stuck upstream at once', async () => {
    async function* stuck(): AsyncGenerator<StreamPart> {
      yield text('a');
      await new Promise<never>(() => undefined);
    }
    const { stream, controller } = watch(stuck(), { firstTokenMs: 10_000, idleMs: 10_000, totalMs: 10_000 });
    expect((await stream.next()).value).toEqual(text('a'));
    const pending = stream.next();
    controller.abort(
      new ProviderError({ kind: 'aborted', errorClass: 'cancelled', status: 499, message: 'request cancelled', providerId: 'p', retryable: false }),
    );
    const result = await pending;
    expect(result.value).toMatchObject({ type: 'error', error: { kind: 'aborted' } });
    expect((await stream.next()).done).toBe(true);
  });

  it('closing the watched stream early closes the upstream and the timer', async () => {
    const source = upstream([
      [0, text('a')],
      [0, text('b')],
    ]);
    const { stream } = watch(source.parts);
    await stream.next();
    await stream.return();
    expect(source.closed()).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('raceAbort', () => {
  it('settles as the promise does while the signal stays quiet, and leaves no listener behind', async () => {
    const controller = new AbortController();
    await expect(raceAbort(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    await expect(raceAbort(Promise.reject(new Error('boom')), controller.signal)).rejects.toThrow('boom');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it("rejects with the signal's reason even if the promise never settles", async () => {
    const controller = new AbortController();
    const reason = new Error('client went away');
    const raced = raceAbort(new Promise<never>(() => undefined), controller.signal);
    controller.abort(reason);
    await expect(raced).rejects.toBe(reason);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const reason = new Error('already gone');
    await expect(raceAbort(new Promise<never>(() => undefined), AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('a promise that rejects after the abort causes no unhandled rejection', async () => {
    const controller = new AbortController();
    let rejectLater: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => (rejectLater = reject));
    const raced = raceAbort(late, controller.signal);
    controller.abort(new Error('first'));
    await expect(raced).rejects.toThrow('first');
    rejectLater(new Error('second'));
    await vi.advanceTimersByTimeAsync(0);
  });

  it('nor does one raced against a signal that was aborted before the race began', async () => {
    let rejectLater: (error: Error) => void = () => undefined;
    const late = new Promise<never>((_, reject) => (rejectLater = reject));
    await expect(raceAbort(late, AbortSignal.abort(new Error('before')))).rejects.toThrow('before');
    rejectLater(new Error('after'));
    await vi.advanceTimersByTimeAsync(0);
  });
});

describe('one timer per wait, rescheduled lazily', () => {
  it('a first-token timer still pending when content arrives does not delay the shorter idle limit', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const watchdog = new AttemptWatchdog(controller, { firstTokenMs: 10_000, idleMs: 100, totalMs: 60_000 }, 'p');
      watchdog.arm();
      vi.advanceTimersByTime(50);
      watchdog.disarm();
      watchdog.contentArrived();
      watchdog.arm();
      vi.advanceTimersByTime(99);
      expect(controller.signal.aborted).toBe(false);
      vi.advanceTimersByTime(2);
      expect(controller.signal.aborted).toBe(true);
      expect((controller.signal.reason as { code: string }).code).toBe('idle_timeout');
      watchdog.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
