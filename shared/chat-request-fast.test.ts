// The fast check may only ever accept what the zod schema accepts, and must hand back what the schema would
// (property test over valid and invalid requests); and it must take the common requests, or it is of no use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainChatRequest } from './chat-request-fast.js';
import { chatRequestSchema } from './openai-schema.js';

/** Mostly a valid value, sometimes one at or past the schema's edge, sometimes anything at all. */
const field = <T>(valid: fc.Arbitrary<T>, edge: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 14, arbitrary: valid }, { weight: 1, arbitrary: edge }, { weight: 1, arbitrary: anything() });

function anything(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -3, max: 200 }),
    fc.double({ min: -3, max: 3, noNaN: true }),
    fc.string({ maxLength: 4 }),
    fc.constant([]),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 18 }),
    fc.constant({}),
  );
}

const numberIn = (min: number, max: number): fc.Arbitrary<unknown> =>
  field(fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max)), fc.constantFrom(min - 1e-9, max + 1e-9, 1e300, -1e300, null));
const integerIn = (min: number, max: number): fc.Arbitrary<unknown> =>
  field(fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max)), fc.constantFrom(min - 1, max + 1, 1.5, 2 ** 53, -(2 ** 53), null));

const plainMessage = fc
  .record(
    {
      role: field(fc.constantFrom('system', 'developer', 'user', 'assistant'), fc.constantFrom('tool', 'function', 'robot', '')),
      content: field(fc.string({ maxLength: 6 }), fc.constantFrom(null, [{ type: 'text', text: 'hi' }], [{ type: 'image_url', image_url: { url: '' } }], 3)),
      name: field(fc.string({ maxLength: 3 }), fc.constantFrom(null, 1)),
      tool_call_id: fc.string({ maxLength: 3 }),
      tool_calls: fc.constant([{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }]),
      refusal: fc.string({ maxLength: 3 }),
      extra_field: anything(),
    },
    { requiredKeys: ['role', 'content'] },
  )
  .map((message) => {
    // the schema's own message fields beyond role, content and name are rare in what clients send
    const { tool_call_id: toolCallId, tool_calls: toolCalls, refusal, ...rest } = message as Record<string, unknown>;
    const rare = Math.abs(JSON.stringify(rest).length % 7) === 0;
    return rare ? { ...rest, tool_call_id: toolCallId, tool_calls: toolCalls, refusal } : rest;
  });

const request = fc
  .record(
    {
      model: field(fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constant('x'.repeat(512))), fc.constantFrom('', 'x'.repeat(513))),
      messages: field(fc.array(plainMessage, { minLength: 1, maxLength: 3 }), fc.constant([])),
      stream: field(fc.boolean(), fc.constantFrom(null, 'true', 1)),
      stream_options: field(
        fc.constantFrom({ include_usage: true }, { include_usage: false }, {}, { include_usage: true, extra: 1 }),
        fc.constantFrom(null, { include_usage: 'yes' }, []),
      ),
      temperature: numberIn(0, 2),
      top_p: numberIn(0, 1),
      max_tokens: integerIn(1, 100_000),
      max_completion_tokens: integerIn(1, 100_000),
      n: integerIn(1, 128),
      seed: integerIn(-(2 ** 53) + 1, 2 ** 53 - 1),
      presence_penalty: numberIn(-2, 2),
      frequency_penalty: numberIn(-2, 2),
      stop: field(
        fc.oneof(fc.string({ maxLength: 3 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 16 })),
        fc.constantFrom(null, [1], Array(17).fill('x')),
      ),
      user: field(fc.string({ maxLength: 4 }), fc.constantFrom(null, 5)),
      vendor_extension: anything(),
      constructor: anything(),
    },
    { requiredKeys: ['model', 'messages'] },
  )
  .chain((base) =>
    // keys of the schema the fast check leaves to zod, now and then
    fc
      .constantFrom<Record<string, unknown>>(
        {},
        {},
        {},
        {},
        { tools: [{ type: 'function', function: { name: 'f' } }] },
        { response_format: { type: 'json_object' } },
        { models: ['a/b'] },
        { logit_bias: { '1': 2 } },
      )
      .map((extra) => ({ ...base, ...extra })),
  );

/** What JSON.parse would have made of it: own `__proto__` keys, no undefined. */
const asParsedJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

describe('plainChatRequest', () => {
  it('accepts only what the schema accepts, and returns what the schema returns', () => {
    let accepted = 0;
    fc.assert(
      fc.property(request, (generated) => {
        const value = asParsedJson(generated);
        const fast = plainChatRequest(value);
        if (fast === undefined) return;
        accepted += 1;
        const parsed = chatRequestSchema.safeParse(value);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: 5_000 },
    );
    // the generator must reach the interesting side often enough for the property to mean something
    expect(accepted).toBeGreaterThan(150);
  });

  it('takes the common requests: text messages and the usual sampling fields', () => {
    const common = [
      { model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content: 'Hello' }] },
      {
        model: 'smart',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi', name: 'ada' },
          { role: 'assistant', content: 'Hello!' },
          { role: 'user', content: 'Again' },
        ],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0.2,
        top_p: 1,
        max_tokens: 256,
        seed: 7,
        stop: ['\n\n'],
        user: 'u-1',
        store: false,
      },
    ];
    for (const value of common) expect(plainChatRequest(asParsedJson(value))).toEqual(value);
  });

  it('leaves everything else to the schema', () => {
    const others = [
      { model: 'm', messages: [{ role: 'tool', content: 'x', tool_call_id: 'c' }] },
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] },
      { model: 'm', messages: [{ role: 'user', content: 'x' }], tools: [] },
      { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      { model: 'm', messages: [] },
      { model: '', messages: [{ role: 'user', content: 'x' }] },
      { messages: [{ role: 'user', content: 'x' }] },
      { model: 'm', messages: [{ role: 'user', content: 'x' }], models: ['a/b'] },
      [],
      null,
    ];
    for (const value of others) expect(plainChatRequest(asParsedJson(value))).toBeUndefined();
  });
});
