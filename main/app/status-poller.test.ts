import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StatusPoller } from './status-poller.js';

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('StatusPoller', () => {
  it('reads at once, then every interval, until stopped', async () => {
    let reads = 0;
    const published: number[] = [];
    const poller = new StatusPoller({
      read: () => Promise.resolve(++reads),
      publish: (status) => published.push(status),
      intervalMs: 5_000,
      log: () => undefined,
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual([1]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(published).toEqual([1, 2, 3]);
    poller.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(published).toEqual([1, 2, 3]);
  });

  it('never overlaps reads; a poll asked for during a read runs once right after it', async () => {
    const pending: Array<ReturnType<typeof deferred<string>>> = [];
    const published: string[] = [];
    const poller = new StatusPoller({
      read: () => {
        const next = deferred<string>();
        pending.push(next);
        return next.promise;
      },
      publish: (status) => published.push(status),
      intervalMs: 60_000,
      log: () => undefined,
    });
    void poller.poll();
    void poller.poll();
    void poller.poll();
    expect(pending).toHaveLength(1);
    pending[0]?.resolve('first');
    await vi.advanceTimersByTimeAsync(0);
    expect(pending).toHaveLength(2);
    pending[1]?.resolve('second');
    await vi.advanceTimersByTimeAsync(0);
    expect(published).toEqual(['first', 'second']);
    expect(pending).toHaveLength(2);
  });

  it('logs a failing read once per distinct message and keeps polling', async () => {
    const log = vi.fn();
    let attempt = 0;
    const poller = new StatusPoller({
      read: () => {
        attempt += 1;
        return attempt <= 3 ? Promise.reject(new Error('database is locked')) : Promise.resolve('ok');
      },
      publish: vi.fn(),
      intervalMs: 1_000,
      log,
    });
    poller.start();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(log.mock.calls).toEqual([['status: database is locked']]);
    poller.stop();
  });

  it('publishes nothing read after stop()', async () => {
    const read = deferred<string>();
    const publish = vi.fn();
    const poller = new StatusPoller({ read: () => read.promise, publish, intervalMs: 1_000, log: () => undefined });
    void poller.poll();
    poller.stop();
    read.resolve('late');
    await vi.advanceTimersByTimeAsync(0);
    expect(publish).not.toHaveBeenCalled();
  });
});
