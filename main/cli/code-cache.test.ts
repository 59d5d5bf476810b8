// The bundle's code cache: a chunk runs the same with or without it, a cache V8 refuses, a torn file or a flipped byte
// falls back to the source, a rebuilt chunk never runs the code cached for the old one, and the cache goes to a
// per-user directory, else beside the bundle (the real CLI runs through it in e2e, with a temporary XDG_CACHE_HOME).
import { mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheDirsFor, cacheNameFor, checksum, compileChunk, decodeCache, encodeCache, userCacheDir, writeChunkCaches } from './code-cache.js';

/** a chunk on disk; `run` evaluates it as CommonJS would and returns its exports */
function chunkIn(dir: string, name: string, source: string): { file: string; run: () => { cache: string; exports: Record<string, unknown> } } {
  const file = join(dir, name);
  writeFileSync(file, source);
  const cacheDirs = [join(dir, '.code-cache')];
  return {
    file,
    run: () => {
      const chunk = compileChunk(readFileSync(file, 'utf8'), file, cacheDirs);
      const module = { exports: {} as Record<string, unknown> };
      chunk.wrapper.call(module.exports, module.exports, (id: string) => (id === 'node:path' ? { sep: '/' } : undefined), module, file, dir);
      if (chunk.cache !== 'accepted') writeChunkCaches([chunk], cacheDirs);
      return { cache: chunk.cache, exports: module.exports };
    },
  };
}

const source = (value: string) =>
  ['#!/usr/bin/env node', `exports.value = () => ${JSON.stringify(value)};`, "exports.sep = require('node:path').sep;", ''].join('\n');

describe('code cache', () => {
  it('compiles from source the first time, from the cache after, with the same result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-code-cache-'));
    const chunk = chunkIn(dir, 'a.js', source('first'));
    const cold = chunk.run();
    expect(cold.cache).toBe('missing');
    expect((cold.exports['value'] as () => string)()).toBe('first');
    const warm = chunk.run();
    expect(warm.cache).toBe('accepted');
    expect((warm.exports['value'] as () => string)()).toBe('first');
    expect(warm.exports['sep']).toBe('/');
    // written through a temporary file renamed into place: nothing half-written is left
    expect(readdirSync(join(dir, '.code-cache')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('never runs the cached code of a rebuilt chunk, even one of the same length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-code-cache-'));
    const old = chunkIn(dir, 'b.js', source('old1'));
    old.run();
    expect(old.run().cache).toBe('accepted');
    const rebuilt = chunkIn(dir, 'b.js', source('new2')); // same length: V8's own check would not see it
    utimesSync(rebuilt.file, new Date(), new Date(Date.now() + 5000));
    const result = rebuilt.run();
    expect(result.cache).toBe('missing');
    expect((result.exports['value'] as () => string)()).toBe('new2');
    // the old build's cache is gone, the new one's is there
    expect(readdirSync(join(dir, '.code-cache'))).toEqual([cacheNameFor(rebuilt.file)]);
  });

  it('falls back to the source on a torn or foreign cache file, then replaces it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-code-cache-'));
    const cacheDir = join(dir, '.code-cache');
    const original = chunkIn(dir, 'c.js', source('kept'));
    original.run();
    const good = readFileSync(join(cacheDir, cacheNameFor(original.file)));
    const flipped = Buffer.from(good);
    const middle = 16 + Math.floor((good.length - 16) / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0x01;
    // V8 itself accepts cached data with a flipped byte in the middle (it checks its own header only): the same data
    // with our header rewritten to match is taken, which is why the checksum exists
    const v8Data = decodeCache(good);
    expect(v8Data).toBeDefined();
    // V8 answers a script it compiled before in this process from memory, whatever the cached data: each case is a
    // chunk of its own name, so it is really compiled with the bad cache
    const cases = {
      flipped: { bad: flipped, expected: 'corrupt' },
      torn: { bad: good.subarray(0, 40), expected: 'corrupt' },
      garbage: { bad: Buffer.alloc(2048, 7), expected: 'corrupt' },
      // our header intact, the data V8's but of another source: V8 refuses it
      foreign: { bad: encodeCache(Buffer.alloc(2048, 7)), expected: 'rejected' },
    };
    for (const [name, { bad, expected }] of Object.entries(cases)) {
      const chunk = chunkIn(dir, `${name}.js`, source('kept'));
      const cacheFile = join(cacheDir, cacheNameFor(chunk.file));
      writeFileSync(cacheFile, bad);
      const fallback = chunk.run();
      expect(fallback.cache, name).toBe(expected);
      expect((fallback.exports['value'] as () => string)()).toBe('kept');
      const replaced = readFileSync(cacheFile);
      expect(replaced.equals(bad), name).toBe(false);
      expect(decodeCache(replaced), name).toBeDefined();
      expect(chunk.run().cache, name).toBe('accepted');
    }
  });

  it('detects any flipped bit with its checksum, at any offset and alignment', () => {
    const data = Buffer.alloc(1027);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 0xff;
    const sum = checksum(data);
    for (const offset of [0, 1, 511, 1024, 1026]) {
      const copy = Buffer.from(data);
      copy[offset] = (copy[offset] ?? 0) ^ 0x80;
      expect(checksum(copy), `offset ${offset}`).not.toBe(sum);
    }
    const unaligned = Buffer.concat([Buffer.alloc(1), data]).subarray(1);
    expect(checksum(unaligned)).toBe(sum);
    expect(decodeCache(encodeCache(data))?.equals(data)).toBe(true);
  });

  it('keeps the cache per user (XDG_CACHE_HOME, ~/.cache, ~/Library/Caches, %LOCALAPPDATA%), per bundle and Node', () => {
    const home = () => '/home/u';
    const linux = userCacheDir('/opt/sy/dist/cli', { XDG_CACHE_HOME: '/x/cache' }, 'linux', home);
    expect(linux).toMatch(new RegExp(`^/x/cache/switchyard/code-cache/${process.version}-[0-9a-f]{8}$`));
    expect(userCacheDir('/opt/sy/dist/cli', {}, 'linux', home)).toMatch(/^\/home\/u\/\.cache\/switchyard\/code-cache\//);
    expect(userCacheDir('/opt/sy/dist/cli', { XDG_CACHE_HOME: 'relative' }, 'linux', home)).toMatch(/^\/home\/u\/\.cache\//);
    expect(userCacheDir('/opt/sy/dist/cli', {}, 'darwin', home)).toMatch(/^\/home\/u\/Library\/Caches\/switchyard\//);
    expect(userCacheDir('/opt/sy/dist/cli', { LOCALAPPDATA: '/l/appdata' }, 'win32', home)).toMatch(/^\/l\/appdata[\\/]switchyard/);
    // another install has a directory of its own
    expect(userCacheDir('/usr/lib/sy/dist/cli', { XDG_CACHE_HOME: '/x/cache' }, 'linux', home)).not.toBe(linux);
    const homeless = () => {
      throw new Error('no home');
    };
    expect(userCacheDir('/opt/sy/dist/cli', {}, 'linux', homeless)).toBeUndefined();
    expect(cacheDirsFor('/opt/sy/dist/cli', { XDG_CACHE_HOME: '/x/cache' }).at(-1)).toBe(join('/opt/sy/dist/cli', '.code-cache'));
  });

  it('falls back to the next directory when the first cannot be written, and to none without failing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-code-cache-'));
    const file = join(dir, 'e.js');
    writeFileSync(file, source('fallback'));
    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where a directory should be'); // unwritable as a directory, even for root
    const beside = join(dir, '.code-cache');
    const chunk = compileChunk(readFileSync(file, 'utf8'), file, [join(blocked, 'cache'), beside]);
    expect(chunk.cache).toBe('missing');
    expect(writeChunkCaches([chunk], [join(blocked, 'cache'), beside])).toBe(beside);
    expect(decodeCache(readFileSync(join(beside, cacheNameFor(file))))).toBeDefined();
    expect(readdirSync(beside).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(writeChunkCaches([chunk], [join(blocked, 'cache')])).toBeUndefined();
  });

  it('reports a syntax error in the chunk itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-code-cache-'));
    const chunk = chunkIn(dir, 'd.js', 'exports.value = (;\n');
    expect(() => chunk.run()).toThrow(SyntaxError);
  });
});
