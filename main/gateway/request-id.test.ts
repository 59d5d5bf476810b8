import { describe, expect, it } from 'vitest';
import { requestId } from './request-id.js';

describe('requestId', () => {
  it('is a version-7 UUID whose first 48 bits are the time in milliseconds', () => {
    const id = requestId(Date.UTC(2026, 10, 25, 9, 0, 0, 123));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 10, 25, 9, 0, 0, 123));
  });

  it('sorts by time and does not repeat', () => {
    const ids = Array.from({ length: 2_000 }, (_, index) => requestId(1_700_000_000_000 + Math.floor(index / 10)));
    expect(new Set(ids).size).toBe(ids.length);
    const byTime = ids.map((id, index) => ({ id, at: 1_700_000_000_000 + Math.floor(index / 10) }));
    for (let index = 1; index < byTime.length; index += 1) {
      const previous = byTime[index - 1] as { id: string; at: number };
      const current = byTime[index] as { id: string; at: number };
      if (current.at > previous.at) expect(current.id > previous.id).toBe(true);
    }
  });
});
