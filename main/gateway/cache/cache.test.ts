// The response cache's pieces without a socket: the client's directives (header and LiteLLM's body object), the key
// (same request, same key; any field that shapes the answer changes it), and a recorded stream replayed with the
// writes it was first sent in.
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../shared/openai-types.js';
import { MemorySink } from '../pipeline/memory-sink.js';
import { replay } from '../pipeline/cache-step.js';
import { bodyCacheObject, cacheDirectives, withoutCacheKey } from './cache-control.js';
import { cacheKey, deterministic } from './cache-key.js';
import { RecordingSink } from './recording-sink.js';

describe('cache directives', () => {
  it('reads Cache-Control and the body object', () => {
    expect(cacheDirectives({}, undefined)).toEqual({ noCache: false, noStore: false, ttlSeconds: undefined });
    expect(cacheDirectives({ 'cache-control': 'No-Cache, max-age=0' }, undefined)).toMatchObject({ noCache: true, noStore: false });
    expect(cacheDirectives({ 'cache-control': 'no-store' }, undefined)).toMatchObject({ noStore: true });
    expect(cacheDirectives({}, { 'no-cache': true, ttl: 30.4 })).toEqual({ noCache: true, noStore: false, ttlSeconds: 30 });
    expect(cacheDirectives({}, { ttl: -5, 'no-store': 'yes' })).toEqual({ noCache: false, noStore: false, ttlSeconds: undefined });
    expect(cacheDirectives({}, { ttl: 1e12 }).ttlSeconds).toBe(365 * 86_400);
  });

  it('takes the body object out, and leaves a body without one as it is', () => {
    const body = { model: 'm', cache: { 'no-cache': true } };
    expect(bodyCacheObject(body)).toEqual({ 'no-cache': true });
    expect(withoutCacheKey(body)).toEqual({ model: 'm' });
    const plain = { model: 'm' };
    expect(withoutCacheKey(plain)).toBe(plain);
  });
});

describe('cache key', () => {
  const request: ChatRequest = { model: 'cached', temperature: 0, messages: [{ role: 'user', content: 'hi' }] };
  const key = (changes: Partial<ChatRequest> = {}, path = '/v1/chat/completions', route: string | null = 'cached'): string =>
    cacheKey({ path, form: null, route, request: { ...request, ...changes }, native: undefined });

  it('is the same for the same request and differs for anything that shapes the answer', () => {
    expect(key()).toBe(key());
    expect(key({ temperature: 0.5 })).not.toBe(key());
    expect(key({ stream: true })).not.toBe(key());
    expect(key({ messages: [{ role: 'user', content: 'hi!' }] })).not.toBe(key());
    expect(key({}, '/v1/messages')).not.toBe(key());
    expect(key({}, '/v1/chat/completions', 'other')).not.toBe(key());
  });

  it('only deterministic requests are cacheable by default (an unset temperature samples)', () => {
    expect(deterministic(request)).toBe(true);
    expect(deterministic({ ...request, temperature: 1 })).toBe(false);
    const { temperature: _unset, ...unset } = request;
    expect(deterministic(unset as ChatRequest)).toBe(false);
  });
});

describe('recording and replay', () => {
  it('a recorded stream is replayed in the writes it was sent in, byte for byte', async () => {
    const first = new MemorySink();
    const recording = new RecordingSink(first, 1_000_000);
    recording.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
    const frames = ['data: {"a":"héllo"}\n\n', 'data: {"b":2}\n\n', 'data: [DONE]\n\n'];
    for (const frame of frames.slice(0, -1)) recording.write(frame);
    recording.end(frames.at(-1));
    expect(recording.frames.map((frame) => frame.toString())).toEqual(frames);

    const second = new MemorySink();
    await replay(
      second,
      { stream: true, frames: recording.frames, route: null, providerId: 'p', model: 'm', locality: 'cloud', usage: null, savedUsd: null },
      {},
    );
    expect(second.writes).toEqual(first.writes);
    expect(second.headers['content-type']).toContain('text/event-stream');
  });

  it('stops recording past its limit (the answer is then not kept)', () => {
    const recording = new RecordingSink(new MemorySink(), 10);
    recording.write('0123456789');
    recording.write('x');
    expect(recording.overflowed).toBe(true);
    expect(recording.frames).toEqual([]);
  });
});
