// The response cache's store: frames come back as they went in, per namespace; expired answers are misses; past
// the size cap the least recently used go first; an answer over an eighth of the cap is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from './database.js';
import { migrate } from './migrations/index.js';
import { ResponseCache, type CachedAnswer } from './response-cache.js';
import { tempDir, type TempDir } from './test-support/fixtures.js';

let directory: TempDir | undefined;
let database: LedgerDatabase | undefined;

afterEach(() => {
  database?.close();
  directory?.remove();
  database = undefined;
  directory = undefined;
});

function open(maxBytes: number, now: () => number): ResponseCache {
  directory = tempDir();
  database = openDatabase(directory.file('ledger.sqlite'));
  migrate(database);
  return new ResponseCache(database, maxBytes, now);
}

function answer(frames: string[], stream = true): CachedAnswer {
  return {
    stream,
    frames: frames.map((frame) => Buffer.from(frame)),
    route: 'cached',
    providerId: 'cloud',
    model: 'm',
    locality: 'cloud',
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    savedUsd: 0.001,
  };
}

describe('ResponseCache', () => {
  it('gives the frames back as they were written, per namespace', () => {
    const cache = open(1_000_000, () => 1_000);
    cache.put('cursor', 'k1', answer(['data: {"a":1}\n\n', 'data: [DONE]\n\n']), 60);
    const hit = cache.get('cursor', 'k1');
    expect(hit?.frames.map((frame) => frame.toString())).toEqual(['data: {"a":1}\n\n', 'data: [DONE]\n\n']);
    expect(hit).toMatchObject({ stream: true, providerId: 'cloud', savedUsd: 0.001, usage: { total_tokens: 5 } });
    expect(cache.get('claude-code', 'k1')).toBeUndefined();
    expect(cache.stats()).toMatchObject({ entries: 1 });
  });

  it('an expired answer is a miss and is deleted', () => {
    let now = 1_000;
    const cache = open(1_000_000, () => now);
    cache.put('default', 'k', answer(['{}'], false), 10);
    now += 9_999;
    expect(cache.get('default', 'k')).toBeDefined();
    now += 2;
    expect(cache.get('default', 'k')).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('past the cap the least recently used answers go, until under 90% of it', () => {
    let now = 1_000;
    const cache = open(8_000, () => now);
    const frame = 'x'.repeat(900);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) {
      now += 1;
      cache.put('default', key, answer([frame], false), 600);
    }
    now += 1;
    expect(cache.get('default', 'a')).toBeDefined(); // a is now the most recently used
    now += 1;
    cache.put('default', 'i', answer([frame], false), 600);
    expect(cache.stats().bytes).toBeLessThanOrEqual(7_200);
    expect(cache.get('default', 'a')).toBeDefined();
    expect(cache.get('default', 'b')).toBeUndefined();
    expect(cache.get('default', 'i')).toBeDefined();
  });

  it('refuses an answer over an eighth of the cap, and an empty one', () => {
    const cache = open(8_000, () => 1);
    expect(cache.put('default', 'big', answer(['x'.repeat(1_001)], false), 60)).toBe(false);
    expect(cache.put('default', 'empty', answer([], false), 60)).toBe(false);
    expect(cache.stats().entries).toBe(0);
  });

  it('a replaced answer is counted once', () => {
    const cache = open(1_000_000, () => 1);
    cache.put('default', 'k', answer(['one'], false), 60);
    cache.put('default', 'k', answer(['three'], false), 60);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 5 });
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, bytes: 0 });
  });
});
