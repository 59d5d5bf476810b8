// responseText writes what JSON.stringify writes of the same Response: for requests with and without the settings a
// Response echoes (instructions, tools, text.format, reasoning, metadata, sampling…), in every status.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertTools } from './convert-tools.js';
import { messageItem, outputText, toolCallItem, type ResponseOutputItem } from './output-items.js';
import { responseObject, toResponsesUsage, type ResponseContext, type ResponseState, type ResponseUsage } from './response-object.js';
import { responseText } from './response-text.js';
import { plainResponsesRequest } from './plain-request.js';
import { validateResponsesRequest, type ResponsesRequest } from './schema.js';

const text = fc.oneof(fc.constantFrom('', 'Be brief.', '"quoted"', 'é😀', '\u2028'), fc.string({ maxLength: 8 }));
const settings = fc.record(
  {
    instructions: fc.oneof(text, fc.constant(null)),
    max_output_tokens: fc.integer({ min: 1, max: 100_000 }),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    parallel_tool_calls: fc.boolean(),
    previous_response_id: fc.constant(null),
    prompt_cache_key: text,
    store: fc.boolean(),
    user: text,
    service_tier: fc.constantFrom('auto', 'default', 'flex'),
    metadata: fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 3 }),
    reasoning: fc.record({ effort: fc.constantFrom('low', 'medium', 'high'), summary: fc.constantFrom('auto', 'detailed') }, { requiredKeys: [] }),
    text: fc.constantFrom(
      { format: { type: 'text' } },
      { format: { type: 'json_object' } },
      { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true } },
      { verbosity: 'low' },
    ),
    tools: fc.constantFrom(
      [],
      [{ type: 'function', name: 'read', parameters: { type: 'object' } }],
      [{ type: 'custom', name: 'apply_patch' }, { type: 'local_shell' }],
    ),
    tool_choice: fc.constantFrom('auto', 'none', 'required', { type: 'function', name: 'read' }),
    truncation: fc.constantFrom('auto', 'disabled'),
  },
  { requiredKeys: [] },
);
const usage = fc.constantFrom<ResponseUsage | null>(null, {
  input_tokens: 3,
  input_tokens_details: { cached_tokens: 1 },
  output_tokens: 2,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 5,
  cost: 0.25,
});
const state: fc.Arbitrary<ResponseState> = fc.oneof(
  fc.record({ status: fc.constant('in_progress' as const), output: fc.constant<ResponseOutputItem[]>([]), usage: fc.constant(null) }),
  fc.record({
    status: fc.constantFrom('completed' as const, 'incomplete' as const),
    output: fc.array(
      text.map((answer) => messageItem('msg_1', [outputText(answer)], 'completed')),
      { maxLength: 2 },
    ),
    usage,
    incomplete_details: fc.constantFrom(null, { reason: 'max_output_tokens' as const }),
  }),
  fc.record({
    status: fc.constant('failed' as const),
    output: fc.constant<ResponseOutputItem[]>([]),
    usage,
    error: fc.record({ code: fc.constant('server_error'), message: text }),
  }),
);

function contextFor(body: Record<string, unknown>): ResponseContext {
  const request = validateResponsesRequest({ model: 'my-model', input: 'x', ...body });
  return { id: 'resp_1', createdAt: 1_700_000_000, model: 'my-model', request, tools: convertTools(request.tools, []).names, includeEncrypted: false };
}

describe('responseText, as the stream writes it', () => {
  it('is JSON.stringify(response) with the output given as JSON, and from the Response object itself as the state', () => {
    fc.assert(
      fc.property(settings, state, (body, current) => {
        const context = contextFor(body);
        const response = responseObject(context, current);
        expect(responseText(context, current, JSON.stringify(current.output))).toBe(JSON.stringify(response));
        expect(responseText(context, response)).toBe(JSON.stringify(response));
      }),
      { numRuns: 300 },
    );
  });

  it('a bare request', () => {
    const context = contextFor({});
    const bare: ResponseState = { status: 'completed', output: [], usage: null };
    expect(responseText(context, bare)).toBe(JSON.stringify(responseObject(context, bare)));
  });
});

/** Every kind of item a complete answer holds, and usage as toResponsesUsage makes it from chat usage of any shape. */
const item: fc.Arbitrary<ResponseOutputItem> = fc.oneof(
  text.map((answer) => messageItem('msg_1', [outputText(answer)], 'completed')),
  fc.tuple(text, text).map(([answer, refusal]) => messageItem('msg_2', [outputText(answer), { type: 'refusal', refusal }], 'incomplete')),
  fc.constant(messageItem('msg_3', [], 'completed')),
  fc.constant({ ...messageItem('msg_4', [{ ...outputText('cited'), annotations: [{ type: 'url_citation' }] }], 'completed') }),
  fc
    .tuple(fc.constantFrom('function' as const, 'custom' as const, 'local_shell' as const), text)
    .map(([kind, args]) => toolCallItem(kind, 'call_1', 'read', args, 'completed')),
  fc.constant<ResponseOutputItem>({ id: 'rs_1', type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'think' }] }),
);
const chatUsage = fc.record(
  {
    prompt_tokens: fc.integer({ min: 0, max: 10_000 }),
    completion_tokens: fc.integer({ min: 0, max: 10_000 }),
    total_tokens: fc.integer({ min: 0, max: 20_000 }),
    prompt_tokens_details: fc.record(
      { cached_tokens: fc.integer({ min: 0, max: 100 }), cache_write_tokens: fc.integer({ min: 0, max: 100 }) },
      { requiredKeys: [] },
    ),
    completion_tokens_details: fc.record({ reasoning_tokens: fc.integer({ min: 0, max: 100 }) }, { requiredKeys: [] }),
    cost: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(1e-9)),
  },
  { requiredKeys: [] },
);
const complete: fc.Arbitrary<ResponseState> = fc.record({
  status: fc.constantFrom('completed' as const, 'incomplete' as const),
  output: fc.array(item, { maxLength: 3 }),
  usage: fc.oneof(
    fc.constant(null),
    chatUsage.map((usage) => toResponsesUsage(usage as never)),
  ),
  incomplete_details: fc.constantFrom(null, { reason: 'max_output_tokens' as const }, { reason: 'content_filter' as const }),
});

describe('responseText', () => {
  it('is JSON.stringify(response), byte for byte, for any settings, items and usage', () => {
    fc.assert(
      fc.property(settings, fc.oneof(state, complete), (body, current) => {
        const context = contextFor(body);
        expect(responseText(context, current)).toBe(JSON.stringify(responseObject(context, current)));
      }),
      { numRuns: 500 },
    );
  });

  it('is JSON.stringify(response) for a request taken as the client wrote it (plain-request.ts), settings null or left out', () => {
    const nullable = ['instructions', 'max_output_tokens', 'temperature', 'top_p', 'metadata', 'prompt_cache_key', 'store', 'user', 'service_tier'];
    const plainSettings = fc.record(Object.fromEntries(nullable.map((key) => [key, fc.constant(null)])), { requiredKeys: [] });
    fc.assert(
      fc.property(plainSettings, fc.oneof(state, complete), (body, current) => {
        const request = plainResponsesRequest({ model: 'my-model', input: 'x', ...body });
        expect(request).toBeDefined();
        const context: ResponseContext = { ...contextFor({}), request: request as ResponsesRequest };
        expect(responseText(context, current)).toBe(JSON.stringify(responseObject(context, current)));
      }),
      { numRuns: 200 },
    );
  });

  it('a value it does not write itself goes to JSON.stringify (a usage count left out, an unknown item)', () => {
    const context = contextFor({});
    const unusual: ResponseState = {
      status: 'completed',
      output: [{ id: 'x', type: 'message', status: 'completed', role: 'assistant', content: [], extra: 1 } as never],
      usage: { input_tokens: 1, output_tokens: undefined } as never,
    };
    expect(responseText(context, unusual)).toBe(JSON.stringify(responseObject(context, unusual)));
    const leftOut: ResponseState = { status: 'completed', output: [], usage: undefined as never };
    expect(responseText(context, leftOut)).toBe(JSON.stringify(responseObject(context, leftOut)));
    const unnamed = { ...context, model: undefined as never };
    expect(responseText(unnamed, leftOut)).toBe(JSON.stringify(responseObject(unnamed, leftOut)));
  });
});
