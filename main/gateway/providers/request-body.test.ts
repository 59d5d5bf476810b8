// The upstream body is the client's text with only `model` changed (and stream_options added when asked): every
// other character must be identical, and whenever that cannot be done safely the JSON fallback must still be right.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildUpstreamBody, forwardedBody, insertUsageCost, spliceModel, textBodyLimit } from './request-body.js';

type ChatRequestObject = Record<string, unknown> & { model: string };

/** Built from the text and from its bytes: the two must say the same (bytes edited as bytes, text as text). */
function build(rawText: string, upstreamModel: string, addStreamUsage = false): { raw: string; result: string; parsed: Record<string, unknown> } {
  const raw = rawText;
  const request = JSON.parse(rawText) as ChatRequestObject;
  const result = buildUpstreamBody({ raw, request, upstreamModel, addStreamUsage });
  expect(typeof result).toBe('string');
  const fromBytes = buildUpstreamBody({ raw: Buffer.from(rawText), request, upstreamModel, addStreamUsage });
  expect(fromBytes.toString()).toBe(result);
  return { raw, result: result as string, parsed: JSON.parse(result.toString()) as Record<string, unknown> };
}

/** The bytes of `raw` with `from` (the first occurrence) replaced by `to`. */
function replaced(raw: string, from: string, to: string): string {
  const at = raw.indexOf(from);
  expect(at).toBeGreaterThanOrEqual(0);
  return raw.slice(0, at) + to + raw.slice(at + from.length);
}

describe('spliceModel', () => {
  it('replaces the model value in place and leaves every other byte identical', () => {
    const text = '{ "messages" : [ {"role":"user","content":"héllo 😀 \\u00e9 \\"quoted\\" \\n"} ],\n  "model"\t:\t"fast",  "temperature":0.25 }';
    const spliced = spliceModel(text, 'fast', 'gpt-4o-mini');
    expect(spliced).toBe(replaced(text, '"fast"', '"gpt-4o-mini"'));
    expect(JSON.parse(String(spliced))).toEqual({ ...JSON.parse(text), model: 'gpt-4o-mini' });
  });

  it('edits bytes as bytes: the same splice on the Buffer of a text with multi-byte characters', () => {
    const text = '{"messages":[{"role":"user","content":"héllo 😀 ü"}],"model":"fast","n":1}';
    const spliced = spliceModel(Buffer.from(text), 'fast', 'gpt-4o-mini');
    expect(Buffer.isBuffer(spliced)).toBe(true);
    expect(spliced?.equals(Buffer.from(replaced(text, '"fast"', '"gpt-4o-mini"')))).toBe(true);
    const model = spliceModel(Buffer.from('{"model":"ünïcode-model","messages":[]}'), 'ünïcode-model', 'plain');
    expect(model?.toString()).toBe('{"model":"plain","messages":[]}');
  });

  it('returns the same text when the model does not change', () => {
    const raw = '{"model":"gpt-4o", "messages":[]}';
    expect(spliceModel(raw, 'gpt-4o', 'gpt-4o')).toBe(raw);
  });

  it('does not touch a "model" that is message text, escaped quotes or a string value', () => {
    const text =
      '{"messages":[{"role":"user","content":"say \\"model\\": \\"x\\" and model"},{"role":"user","content":"model"}],"stop":["model"],"model":"m1"}';
    expect(spliceModel(text, 'm1', 'routed/model-2')).toBe(replaced(text, '"m1"', '"routed/model-2"'));
  });

  it('escapes the new model as JSON', () => {
    const raw = '{"model":"alias","messages":[]}';
    expect(String(spliceModel(raw, 'alias', 'we"ird\\näme'))).toBe('{"model":"we\\"ird\\\\näme","messages":[]}');
  });

  it.each([
    [
      'a second "model" key inside a tool schema',
      '{"model":"a","tools":[{"type":"function","function":{"name":"pick","parameters":{"type":"object","properties":{"model":{"type":"string"}}}}}]}',
    ],
    ['a second "model" key in metadata', '{"metadata":{"model":"a"},"model":"a","messages":[]}'],
    ['a model value written with escapes', '{"model":"openai\\/gpt-4o","messages":[]}'],
    ['a non-ASCII model written as \\u escapes', '{"model":"caf\\u00e9","messages":[]}'],
    ['an escaped duplicate "model" key (JSON.parse keeps the last)', '{"model":"a","mod\\u0065l":"a","messages":[]}'],
    ['no model key at all', '{"messages":[]}'],
  ])('gives up (undefined) on %s', (_case, text) => {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const current = typeof parsed['model'] === 'string' ? parsed['model'] : 'a';
    expect(spliceModel(text, current, 'upstream-model')).toBeUndefined();
    expect(spliceModel(Buffer.from(text), current, 'upstream-model')).toBeUndefined();
  });
});

describe('buildUpstreamBody', () => {
  it('falls back to JSON with the upstream model when splicing is not safe', () => {
    const text = '{"model":"a","metadata":{"model":"a"},"messages":[{"role":"user","content":"hi"}]}';
    const { result, parsed } = build(text, 'gpt-4.1');
    expect(result).toBe(JSON.stringify({ ...JSON.parse(text), model: 'gpt-4.1' }));
    expect(parsed).toEqual({ model: 'gpt-4.1', metadata: { model: 'a' }, messages: [{ role: 'user', content: 'hi' }] });
  });

  it('sends the upstream model even when the client repeated the key in escaped form', () => {
    const { parsed } = build('{"model":"fast","mod\\u0065l":"fast","messages":[]}', 'gpt-4o-mini');
    expect(parsed['model']).toBe('gpt-4o-mini');
  });

  it('falls back to JSON when there are no raw bytes', () => {
    const request: ChatRequestObject = { model: 'fast', messages: [] };
    expect(buildUpstreamBody({ raw: undefined, request, upstreamModel: 'llama3', addStreamUsage: false })).toBe('{"model":"llama3","messages":[]}');
  });

  it('inserts stream_options after the opening brace when it is absent, keeping the other bytes', () => {
    const text = '  {"model":"fast","stream":true,"messages":[{"role":"user","content":"ü"}]}';
    const { raw, result, parsed } = build(text, 'gpt-4o', true);
    expect(result).toBe(replaced(replaced(raw, '"fast"', '"gpt-4o"'), '{', '{"stream_options":{"include_usage":true},'));
    expect(parsed).toEqual({ stream_options: { include_usage: true }, model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'ü' }] });
  });

  it('inserts stream_options even when the model is unchanged', () => {
    const { result, parsed } = build('{"model":"gpt-4o","stream":true,"messages":[]}', 'gpt-4o', true);
    expect(result.toString()).toBe('{"stream_options":{"include_usage":true},"model":"gpt-4o","stream":true,"messages":[]}');
    expect(parsed['stream_options']).toEqual({ include_usage: true });
  });

  it('rewrites a stream_options that lacks include_usage, keeping its other fields', () => {
    const { result, parsed } = build('{"model":"fast","stream":true,"stream_options":{"include_obfuscation":false},"messages":[]}', 'gpt-4o', true);
    expect(result).toBe('{"model":"gpt-4o","stream":true,"stream_options":{"include_obfuscation":false,"include_usage":true},"messages":[]}');
    expect(parsed['stream_options']).toEqual({ include_obfuscation: false, include_usage: true });
    expect(parsed['model']).toBe('gpt-4o');
  });

  it('rewrites an explicit stream_options: null', () => {
    const { parsed } = build('{"model":"fast","stream":true,"stream_options":null,"messages":[]}', 'gpt-4o', true);
    expect(parsed['stream_options']).toEqual({ include_usage: true });
  });

  it('splices (no insertion) when usage is not wanted even though stream_options is present', () => {
    const text = '{"model":"fast","stream":true,"stream_options":{"include_usage":true},"messages":[]}';
    const { raw, result } = build(text, 'gpt-4o');
    expect(result).toBe(replaced(raw, '"fast"', '"gpt-4o"'));
  });
});

describe('forwardedBody', () => {
  it('forwards a small body as its text and a large one as its bytes', () => {
    const small = Buffer.from('{"model":"m"}');
    expect(forwardedBody(small, small.toString())).toBe('{"model":"m"}');
    const large = Buffer.alloc(textBodyLimit + 1, 0x20);
    expect(forwardedBody(large, large.toString())).toBe(large);
  });
});

describe('buildUpstreamBody: property', () => {
  const key = fc.constantFrom('messages', 'temperature', 'tools', 'metadata', 'user', 'name', 'content', 'model', 'mödel', 'a b', 'stream_options');
  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const leaf = fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const json = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 4 })),
  })).value;
  const modelName = fc.oneof(fc.constantFrom('fast', 'openai/gpt-4o', 'qwen3:8b', 'smart', 'm'), text);
  const request = fc.record({ model: modelName, extra: fc.dictionary(key, json, { maxKeys: 5 }) }).map(({ model, extra }) => {
    const value: ChatRequestObject = { ...extra, model };
    return value;
  });
  const spacing = fc.constantFrom(undefined, 1, 2, '\t');

  it('always parses to the request with the upstream model (and include_usage when asked)', () => {
    fc.assert(
      fc.property(request, modelName, fc.boolean(), spacing, (client, upstreamModel, addStreamUsage, space) => {
        const rawText = JSON.stringify(client, null, space);
        const parsedClient = JSON.parse(rawText) as ChatRequestObject;
        const result = buildUpstreamBody({ raw: rawText, request: parsedClient, upstreamModel, addStreamUsage });
        const fromBytes = buildUpstreamBody({ raw: Buffer.from(rawText), request: parsedClient, upstreamModel, addStreamUsage });
        expect(fromBytes.toString()).toBe(result);
        const expected: Record<string, unknown> = { ...parsedClient, model: upstreamModel };
        if (addStreamUsage) {
          const existing = parsedClient['stream_options'];
          expected['stream_options'] = { ...(typeof existing === 'object' && existing !== null ? existing : {}), include_usage: true };
        }
        expect(JSON.parse(result.toString())).toEqual(expected);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('insertUsageCost', () => {
  it('adds cost to the usage object and changes nothing else', () => {
    const raw = Buffer.from(
      '{"id":"x","choices":[{"message":{"content":"say \\"usage\\":{ ok"}}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}',
    );
    const out = insertUsageCost(raw, 0.000125);
    expect(out).toBeDefined();
    expect(JSON.parse(String(out))).toEqual({ ...JSON.parse(String(raw)), usage: { cost: 0.000125, prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } });
  });

  it('handles spacing and an empty usage object', () => {
    expect(JSON.parse(String(insertUsageCost(Buffer.from('{ "usage" : { } }'), 0)))).toEqual({ usage: { cost: 0 } });
    expect(JSON.parse(String(insertUsageCost(Buffer.from('{"usage":\n {"a":1}}'), 1.5)))).toEqual({ usage: { cost: 1.5, a: 1 } });
  });

  it('gives up when unsure: no usage, usage not an object, or two usage objects', () => {
    expect(insertUsageCost(Buffer.from('{"id":"x"}'), 1)).toBeUndefined();
    expect(insertUsageCost(Buffer.from('{"usage":null}'), 1)).toBeUndefined();
    expect(insertUsageCost(Buffer.from('{"meta":{"usage":{"a":1}},"usage":{"b":2}}'), 1)).toBeUndefined();
  });
});
