// The capture queue's config rule both capture writers (SQLite and PostgreSQL) follow: when a (re)configure starts
// the retention runs.
import { describe, expect, it } from 'vitest';
import { CaptureQueue } from './capture-queue.js';

const on = { enabled: true, retentionDays: 7, maxBytesPerRequest: 4_096 };

describe('CaptureQueue.configure', () => {
  it('starts the retention runs on the first call and again only when the retention gets shorter', () => {
    const queue = new CaptureQueue({});
    expect(queue.configure(on)).toBe(true);
    expect(queue.settings).toBe(on);
    expect(queue.configure({ ...on, maxBytesPerRequest: 1_024 })).toBe(false);
    expect(queue.configure({ ...on, retentionDays: 30 })).toBe(false);
    expect(queue.configure({ ...on, retentionDays: 2 })).toBe(true);
    expect(queue.configure({ ...on, retentionDays: 2 })).toBe(false);
    expect(queue.maxBytes).toBe(4_096);
  });

  it('takes the settings but starts nothing once closed', () => {
    const queue = new CaptureQueue({});
    queue.closed = true;
    expect(queue.configure(on)).toBe(false);
    expect(queue.settings).toBe(on);
    expect(queue.maxBytes).toBeUndefined();
  });
});
