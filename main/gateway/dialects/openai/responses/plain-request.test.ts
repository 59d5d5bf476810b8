// The fast check against the schema: whatever it accepts, the schema accepts and parses to the same value; and it
// does accept the requests the real clients send most (a string, or text messages, with the usual settings).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plainResponsesRequest } from './plain-request.js';
import { responsesRequestSchema } from './schema.js';

const anyValue = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }));
const part = fc.oneof(
  fc.record({ type: fc.constant('input_text'), text: fc.oneof(fc.string(), anyValue) }),
  fc.record({ type: fc.constantFrom('input_image', 'output_text', 'refusal', 'input_text'), text: anyValue, image_url: anyValue }, { requiredKeys: ['type'] }),
);
const message = fc.record(
  {
    type: fc.oneof(fc.constant('message'), fc.constantFrom('function_call', 'reasoning', 'item_reference'), anyValue),
    role: fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'developer'), anyValue),
    content: fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }), anyValue),
    id: fc.oneof(fc.string(), fc.constant(null), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);
const request = fc.record(
  {
    model: fc.oneof(fc.constantFrom('smart', 'openai/gpt-4.1'), fc.string(), anyValue),
    input: fc.oneof(fc.string(), fc.array(message, { maxLength: 4 }), anyValue),
    instructions: fc.oneof(fc.string(), fc.constant(null), anyValue),
    stream: fc.oneof(fc.boolean(), fc.constant(null), anyValue),
    store: fc.oneof(fc.boolean(), anyValue),
    max_output_tokens: fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.double(), anyValue),
    temperature: fc.oneof(fc.double({ min: -1, max: 3, noNaN: true }), anyValue),
    top_p: fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), anyValue),
    metadata: fc.oneof(fc.dictionary(fc.string(), fc.string()), fc.dictionary(fc.string(), anyValue), anyValue),
    include: fc.oneof(fc.array(fc.string()), anyValue),
    prompt_cache_key: fc.oneof(fc.string(), anyValue),
    tools: fc.array(anyValue, { maxLength: 2 }),
    custom_field: anyValue,
  },
  { requiredKeys: [] },
);

describe('plainResponsesRequest', () => {
  it('accepts only what the schema accepts, and as the schema parses it', () => {
    fc.assert(
      fc.property(request, (body) => {
        const plain = plainResponsesRequest(body);
        if (plain === undefined) return;
        const parsed = responsesRequestSchema.safeParse(body);
        expect(parsed.success).toBe(true);
        expect(parsed.data).toEqual(plain);
      }),
      { numRuns: 3_000 },
    );
  });

  it('takes the common requests itself', () => {
    expect(plainResponsesRequest({ model: 'smart', input: 'Hello', stream: true, store: false })).toBeDefined();
    expect(
      plainResponsesRequest({
        model: 'gpt-5.6-luna',
        instructions: 'Be brief.',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
          { type: 'message', role: 'assistant', content: 'Hello', id: 'msg_1' },
        ],
        include: [],
        temperature: 0.2,
      }),
    ).toBeDefined();
    // anything more goes to the schema
    expect(plainResponsesRequest({ model: 'm', input: 'x', tools: [] })).toBeUndefined();
    expect(plainResponsesRequest({ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 'x' }] })).toBeUndefined();
    expect(plainResponsesRequest({ model: 'm', input: 'x', temperature: 3 })).toBeUndefined();
  });
});
