import { afterEach, describe, expect, it, vi } from 'vitest';
import { QuitCoordinator } from './quit-coordinator.js';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve = (): void => undefined;
  let reject = (_error: Error): void => undefined;
  const promise = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('QuitCoordinator', () => {
  it('holds the first quit until the gateway has drained, then quits for real', async () => {
    const drain = deferred();
    const finish = vi.fn();
    const coordinator = new QuitCoordinator({ drain: () => drain.promise, finish, hardLimitMs: 10_000 });
    const preventDefault = vi.fn();

    coordinator.beforeQuit(preventDefault);
    expect(preventDefault).toHaveBeenCalledTimes(1);
    expect(coordinator.state).toBe('draining');
    expect(coordinator.quitting).toBe(true);

    await Promise.resolve();
    expect(finish).not.toHaveBeenCalled();
    drain.resolve();
    await vi.waitFor(() => expect(finish).toHaveBeenCalledTimes(1));
    expect(coordinator.state).toBe('drained');

    // the quit issued by finish() goes through
    const second = vi.fn();
    coordinator.beforeQuit(second);
    expect(second).not.toHaveBeenCalled();
  });

  it('drains once however often quit is asked for while draining', async () => {
    const drain = deferred();
    const drainCalls = vi.fn(() => drain.promise);
    const finish = vi.fn();
    const coordinator = new QuitCoordinator({ drain: drainCalls, finish, hardLimitMs: 10_000 });
    const preventDefault = vi.fn();
    coordinator.beforeQuit(preventDefault);
    coordinator.beforeQuit(preventDefault);
    coordinator.beforeQuit(preventDefault);
    expect(preventDefault).toHaveBeenCalledTimes(3);
    expect(drainCalls).toHaveBeenCalledTimes(1);
    drain.resolve();
    await vi.waitFor(() => expect(finish).toHaveBeenCalledTimes(1));
  });

  it('quits even when stopping the gateway fails, and says so', async () => {
    const log = vi.fn();
    const finish = vi.fn();
    const coordinator = new QuitCoordinator({ drain: () => Promise.reject(new Error('boom')), finish, hardLimitMs: 10_000, log });
    coordinator.beforeQuit(() => undefined);
    await vi.waitFor(() => expect(finish).toHaveBeenCalledTimes(1));
    expect(log).toHaveBeenCalledWith(expect.stringContaining('boom'));
  });

  it('quits after the hard limit when the drain hangs', async () => {
    vi.useFakeTimers();
    const finish = vi.fn();
    const log = vi.fn();
    const coordinator = new QuitCoordinator({ drain: () => new Promise<void>(() => undefined), finish, hardLimitMs: 30_000, log });
    coordinator.beforeQuit(() => undefined);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(finish).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(finish).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith(expect.stringContaining('quitting anyway'));
  });
});
