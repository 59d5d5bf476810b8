// Chat chunks → Responses stream events: the exact event sequence for each kind of output, each stream checked by
// the bracket checker, and the streamed final response compared with what toResponse makes of the same answer. The
// frames the gateway writes (the *Frames methods, templated for the common deltas) are held to eventFrame of the
// events for any sequence of chunks.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk, ChunkDelta, FinishReason, ToolCallDelta, Usage } from '../../../../../shared/openai-types.js';
import { bracketProblems } from './bracket-check.js';
import { convertTools } from './convert-tools.js';
import { decodeReasoningCarrier } from './reasoning-carrier.js';
import type { ResponseContext } from './response-object.js';
import { validateResponsesRequest } from './schema.js';
import { eventFrame, responsesErrorCode, ResponsesEventEncoder, type ResponsesEvent } from './stream-events.js';
import { toResponse } from './to-response.js';

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk' as const, created: 1, model: 'upstream' };
const chunk = (delta: ChunkDelta, finishReason: FinishReason = null): ChatCompletionChunk => ({
  ...base,
  choices: [{ index: 0, delta, finish_reason: finishReason }],
});
const usageChunk = (usage: Usage): ChatCompletionChunk => ({ ...base, choices: [], usage });
const call = (index: number, fields: { id?: string; name?: string; arguments?: string }): ChunkDelta => ({
  tool_calls: [
    {
      index,
      ...(fields.id ? { id: fields.id, type: 'function' as const } : {}),
      function: { ...(fields.name ? { name: fields.name } : {}), arguments: fields.arguments ?? '' },
    },
  ],
});

function contextFor(body: Record<string, unknown> = {}): ResponseContext {
  const request = validateResponsesRequest({
    model: 'my-model',
    input: 'x',
    stream: true,
    tools: [{ type: 'function', name: 'read' }, { type: 'custom', name: 'apply_patch' }, { type: 'local_shell' }],
    ...body,
  });
  return { id: 'resp_test', createdAt: 1_700_000_000, model: 'my-model', request, tools: convertTools(request.tools, []).names, includeEncrypted: false };
}

function encode(chunks: readonly ChatCompletionChunk[], context = contextFor()): { events: ResponsesEvent[]; encoder: ResponsesEventEncoder } {
  const encoder = new ResponsesEventEncoder(context);
  const events = [...encoder.start(), ...chunks.flatMap((item) => encoder.chunk(item)), ...encoder.finish()];
  expect(bracketProblems(events)).toEqual([]);
  return { events, encoder };
}

const types = (events: readonly ResponsesEvent[]): string[] => events.map((event) => event.type);
const last = (events: readonly ResponsesEvent[]): Record<string, unknown> => (events.at(-1)?.['response'] ?? {}) as Record<string, unknown>;

describe('ResponsesEventEncoder', () => {
  it('text: created, in_progress, one message with one output_text part, completed with usage', () => {
    const { events, encoder } = encode([
      chunk({ role: 'assistant', content: '' }),
      chunk({ content: 'Hello' }),
      chunk({ content: ' there' }),
      chunk({}, 'stop'),
      usageChunk({ prompt_tokens: 30, completion_tokens: 2, total_tokens: 32, prompt_tokens_details: { cached_tokens: 20 } }),
    ]);
    expect(types(events)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[0]).toMatchObject({
      sequence_number: 0,
      response: { id: 'resp_test', status: 'in_progress', output: [], usage: null, created_at: 1_700_000_000, model: 'my-model' },
    });
    const itemId = (events[2]?.['item'] as { id: string }).id;
    expect(events[2]).toEqual({
      type: 'response.output_item.added',
      sequence_number: 2,
      output_index: 0,
      item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    });
    expect(events[3]).toEqual({
      type: 'response.content_part.added',
      sequence_number: 3,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
    });
    expect(events[4]).toEqual({
      type: 'response.output_text.delta',
      sequence_number: 4,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta: 'Hello',
      logprobs: [],
    });
    expect(events[6]).toEqual({
      type: 'response.output_text.done',
      sequence_number: 6,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      text: 'Hello there',
      logprobs: [],
    });
    expect(last(events)).toMatchObject({
      status: 'completed',
      output: [
        {
          id: itemId,
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello there', annotations: [], logprobs: [] }],
        },
      ],
      usage: {
        input_tokens: 30,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 2,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: 32,
      },
    });
    expect(encoder.response).toBe(last(events));
  });

  it('a usage-only chunk opens nothing', () => {
    const encoder = new ResponsesEventEncoder(contextFor());
    encoder.start();
    expect(encoder.chunk(usageChunk({ prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 }))).toEqual([]);
    expect(encoder.chunk(chunk({ role: 'assistant', content: '' }))).toEqual([]);
  });

  it('reasoning then text: reasoning_text content part, then the message', () => {
    const details = [
      { type: 'reasoning.text', text: 'Let me ', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', text: 'think.', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.text', signature: 'sig', format: 'anthropic-claude-v1', index: 0 },
    ];
    const { events } = encode([
      chunk({ reasoning_content: 'Let me ', reasoning_details: [details[0]] }),
      chunk({ reasoning_content: 'think.', reasoning_details: [details[1]] }),
      chunk({ reasoning_details: [details[2]] }),
      chunk({ content: 'Answer.' }),
      chunk({}, 'stop'),
    ]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]?.['item']).toEqual({ id: expect.stringMatching(/^rs_/), type: 'reasoning', summary: [] });
    expect(events[3]?.['part']).toEqual({ type: 'reasoning_text', text: '' });
    const reasoning = events[8]?.['item'] as { content: unknown; summary: unknown; encrypted_content: string };
    expect(reasoning.summary).toEqual([]);
    expect(reasoning.content).toEqual([{ type: 'reasoning_text', text: 'Let me think.' }]);
    expect(decodeReasoningCarrier(reasoning.encrypted_content)).toEqual({
      details: [{ type: 'reasoning.text', text: 'Let me think.', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }],
      text: 'Let me think.',
    });
  });

  it('reasoning with summaries asked for: summary part events, not reasoning_text ones', () => {
    const { events } = encode(
      [chunk({ reasoning: 'Plan.' }), chunk({ content: 'Go.' }), chunk({}, 'stop')],
      contextFor({ reasoning: { effort: 'low', summary: 'auto' } }),
    );
    expect(types(events).slice(2, 8)).toEqual([
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
    ]);
    expect(events[3]).toMatchObject({ summary_index: 0, part: { type: 'summary_text', text: '' } });
    expect(events[7]?.['item']).toMatchObject({ summary: [{ type: 'summary_text', text: 'Plan.' }], content: [{ type: 'reasoning_text', text: 'Plan.' }] });
  });

  it('a function call streams its arguments', () => {
    const { events } = encode([
      chunk(call(0, { id: 'call_1', name: 'read', arguments: '' })),
      chunk(call(0, { arguments: '{"path":' })),
      chunk(call(0, { arguments: '"a"}' })),
      chunk({}, 'tool_calls'),
    ]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const id = (events[2]?.['item'] as { id: string }).id;
    expect(events[2]?.['item']).toEqual({
      id: expect.stringMatching(/^fc_/),
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      call_id: 'call_1',
      name: 'read',
    });
    expect(events[5]).toEqual({
      type: 'response.function_call_arguments.done',
      sequence_number: 5,
      item_id: id,
      output_index: 0,
      name: 'read',
      arguments: '{"path":"a"}',
    });
    expect(events[6]?.['item']).toEqual({ id, type: 'function_call', status: 'completed', arguments: '{"path":"a"}', call_id: 'call_1', name: 'read' });
  });

  it('a custom tool call: added at once, the decoded input in one delta at the end', () => {
    const { events } = encode([
      chunk(call(0, { id: 'call_2', name: 'apply_patch', arguments: '{"input":"*** Begin' })),
      chunk(call(0, { arguments: ' Patch\\n"}' })),
      chunk({}, 'tool_calls'),
    ]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.custom_tool_call_input.delta',
      'response.custom_tool_call_input.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[2]?.['item']).toEqual({
      id: expect.stringMatching(/^ctc_/),
      type: 'custom_tool_call',
      status: 'in_progress',
      call_id: 'call_2',
      name: 'apply_patch',
      input: '',
    });
    expect(events[3]).toMatchObject({ delta: '*** Begin Patch\n' });
    expect(events[4]).toMatchObject({ input: '*** Begin Patch\n' });
    expect(events[5]?.['item']).toMatchObject({ type: 'custom_tool_call', status: 'completed', input: '*** Begin Patch\n' });
  });

  it('a local_shell call: added and done together, once the arguments are whole', () => {
    const { events } = encode([
      chunk(call(0, { id: 'call_3', name: 'local_shell', arguments: '{"command":["ls",' })),
      chunk(call(0, { arguments: '"-a"]}' })),
      chunk({}, 'tool_calls'),
    ]);
    expect(types(events).slice(2)).toEqual(['response.output_item.added', 'response.output_item.done', 'response.completed']);
    expect(events[2]?.['item']).toMatchObject({ id: expect.stringMatching(/^lsh_/), type: 'local_shell_call', status: 'in_progress', call_id: 'call_3' });
    expect(events[3]?.['item']).toEqual({
      id: (events[2]?.['item'] as { id: string }).id,
      type: 'local_shell_call',
      status: 'completed',
      call_id: 'call_3',
      action: { type: 'exec', command: ['ls', '-a'], env: {}, working_directory: null, timeout_ms: null },
    });
  });

  it('text then two tool calls by chat index: distinct items in order', () => {
    const { events } = encode([
      chunk({ content: 'Reading.' }),
      chunk(call(0, { id: 'call_a', name: 'read', arguments: '{"path":"a"}' })),
      chunk(call(1, { id: 'call_b', name: 'read', arguments: '{"path":' })),
      chunk(call(1, { arguments: '"b"}' })),
      chunk({}, 'tool_calls'),
    ]);
    const output = last(events)['output'] as Array<{ type: string; call_id?: string; arguments?: string }>;
    expect(output.map((item) => [item.type, item.call_id, item.arguments])).toEqual([
      ['message', undefined, undefined],
      ['function_call', 'call_a', '{"path":"a"}'],
      ['function_call', 'call_b', '{"path":"b"}'],
    ]);
  });

  it('a call whose name comes after its first fragment waits for the name', () => {
    const { events } = encode([
      chunk(call(0, { id: 'call_1', arguments: '{"a"' })),
      chunk(call(0, { name: 'read', arguments: ':1}' })),
      chunk({}, 'tool_calls'),
    ]);
    expect(last(events)['output']).toEqual([expect.objectContaining({ type: 'function_call', name: 'read', arguments: '{"a":1}' })]);
  });

  it('a refusal streams as a refusal part', () => {
    const { events } = encode([chunk({ refusal: 'I cannot' }), chunk({ refusal: ' help.' }), chunk({}, 'stop')]);
    expect(types(events).slice(2)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.refusal.delta',
      'response.refusal.delta',
      'response.refusal.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events[6]).toMatchObject({ refusal: 'I cannot help.' });
    expect(last(events)['output']).toEqual([expect.objectContaining({ content: [{ type: 'refusal', refusal: 'I cannot help.' }] })]);
  });

  it('finish_reason length → response.incomplete, the open item incomplete', () => {
    const { events } = encode([chunk({ content: 'Cut o' }), chunk({}, 'length')]);
    expect(events.at(-1)?.type).toBe('response.incomplete');
    expect(last(events)).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete' }],
    });
  });

  it('a failure: response.failed with the error, nothing closed, nothing after it', () => {
    const encoder = new ResponsesEventEncoder(contextFor());
    const events = [
      ...encoder.start(),
      ...encoder.chunk(chunk({ content: 'Hal' })),
      ...encoder.fail({ code: responsesErrorCode('rate_limit'), message: 'slow down' }),
    ];
    expect(types(events).slice(2)).toEqual(['response.output_item.added', 'response.content_part.added', 'response.output_text.delta', 'response.failed']);
    expect(last(events)).toMatchObject({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'slow down' }, output: [] });
    expect(bracketProblems(events)).toEqual([]);
    expect(encoder.finish()).toEqual([]);
    expect(encoder.chunk(chunk({ content: 'x' }))).toEqual([]);
    expect(encoder.response.status).toBe('failed');
  });

  it("Gemini: a signature with no reasoning text opens a reasoning item first; a tool call's signature rides in a last one", () => {
    const gemini = (data: string, index: number) => ({ type: 'reasoning.encrypted', data, format: 'google-gemini-v1', index });
    const signed = {
      index: 0,
      id: 'call_g',
      type: 'function' as const,
      function: { name: 'read', arguments: '{}' },
      extra_content: { google: { thought_signature: 'sig-call' } },
    };
    const { events } = encode([chunk({ content: 'Hi', reasoning_details: [gemini('sig-text', 0)] }), chunk({ tool_calls: [signed] }), chunk({}, 'tool_calls')]);
    const output = last(events)['output'] as Array<{ type: string; encrypted_content?: string }>;
    expect(output.map((item) => item.type)).toEqual(['reasoning', 'message', 'function_call', 'reasoning']);
    expect(decodeReasoningCarrier(output[0]?.encrypted_content ?? '')?.details).toEqual([gemini('sig-text', 0)]);
    expect(decodeReasoningCarrier(output[3]?.encrypted_content ?? '')?.details).toEqual([{ ...gemini('sig-call', 0), id: 'call_g' }]);
  });

  it('streams to the same output as toResponse would give (ids aside)', () => {
    const context = contextFor({ reasoning: { summary: 'auto' } });
    const { events } = encode(
      [
        chunk({ reasoning_content: 'Think.' }),
        chunk({ content: 'Hi.' }),
        chunk(call(0, { id: 'c1', name: 'apply_patch', arguments: '{"input":"p"}' })),
        chunk({}, 'tool_calls'),
      ],
      context,
    );
    const complete = toResponse(
      {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'upstream',
        choices: [
          {
            index: 0,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: 'Hi.',
              reasoning_content: 'Think.',
              tool_calls: [{ id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"p"}' } }],
            },
          },
        ],
      },
      context,
    );
    const withoutIds = (value: unknown): string => JSON.stringify(value).replace(/"id":"[a-z]+_[0-9a-f]{48}"/g, '"id":"…"');
    expect(withoutIds(last(events)['output'])).toBe(withoutIds(complete.output));
  });

  it('eventFrame writes one SSE event', () => {
    expect(eventFrame({ type: 'response.created', sequence_number: 0 })).toBe(
      'event: response.created\ndata: {"type":"response.created","sequence_number":0}\n\n',
    );
  });

  it.each([
    ['context_length', 'context_length_exceeded'],
    ['quota', 'insufficient_quota'],
    ['rate_limit', 'rate_limit_exceeded'],
    ['overloaded', 'rate_limit_exceeded'],
    ['server', 'server_error'],
    ['auth', 'server_error'],
  ])('responsesErrorCode(%s) = %s', (errorClass, code) => {
    expect(responsesErrorCode(errorClass)).toBe(code);
  });
});

describe('ResponsesEventEncoder frames', () => {
  const text = fc.oneof(fc.constantFrom('Hel', 'lo ', '"', '\\', '\n', '</script>', '\u2028', '😀', '\ud800', 'é'), fc.string({ maxLength: 6 }));
  const maybeText = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constantFrom(null, ''), text);
  const toolCall = fc
    .record(
      {
        index: fc.integer({ min: 0, max: 2 }),
        id: fc.constantFrom('call_a', 'call_b'),
        name: fc.constantFrom('read', 'apply_patch', 'local_shell', 'other'),
        arguments: fc.oneof(text, fc.constantFrom('{"input":"p"}', '{"command":["ls"]}', '{"path":')),
      },
      { requiredKeys: ['index'] },
    )
    .map(({ index, id, name, arguments: args }): ToolCallDelta => ({
      index,
      ...(id ? { id, type: 'function' as const } : {}),
      function: { ...(name ? { name } : {}), ...(args !== undefined ? { arguments: args } : {}) },
    }));
  const detail = { type: 'reasoning.text', text: 't', format: 'anthropic-claude-v1', index: 0 };
  const delta = fc
    .record(
      {
        content: maybeText,
        refusal: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, maybeText),
        reasoning_content: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, maybeText),
        reasoning: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, maybeText),
        reasoning_details: fc.constantFrom(undefined, undefined, undefined, null, [], [detail]),
        tool_calls: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.constant([]), fc.array(toolCall, { minLength: 1, maxLength: 2 })),
      },
      { requiredKeys: [] },
    )
    .map((fields) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as ChunkDelta);
  // plain continuations (what the templates write) as well as any delta; each repeated, so items stay open a while
  const anyChunk = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.tuple(delta, fc.constantFrom<FinishReason>(null, null, null, null, 'stop', 'length', 'tool_calls')).map(([d, finish]) => chunk(d, finish)),
    },
    { weight: 3, arbitrary: text.map((content) => chunk({ content })) },
    { weight: 2, arbitrary: fc.tuple(text, fc.boolean()).map(([reasoning, named]) => chunk(named ? { reasoning } : { reasoning_content: reasoning })) },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.integer({ min: 0, max: 1 }), text).map(([index, args]) => chunk({ tool_calls: [{ index, function: { arguments: args } }] })),
    },
    { weight: 1, arbitrary: fc.constant(usageChunk({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 })) },
    { weight: 1, arbitrary: fc.constant<ChatCompletionChunk>({ ...base, choices: [] }) },
  );
  const chunks = fc
    .array(fc.tuple(anyChunk, fc.integer({ min: 1, max: 4 })), { maxLength: 25 })
    .map((runs) => runs.flatMap(([item, times]) => Array.from({ length: times }, () => item)));
  /** generated ids differ between two encoders; numbered by first appearance they must not */
  const numberedIds = (frames: string): string => {
    const seen = new Map<string, number>();
    return frames.replace(/[a-z]+_[0-9a-f]{48}/g, (id) => `id${seen.get(id) ?? seen.set(id, seen.size).size - 1}`);
  };

  it('write what eventFrame makes of the events, for any sequence of chunks and either end', () => {
    fc.assert(
      fc.property(chunks, fc.boolean(), fc.boolean(), (sequence, summary, fails) => {
        const context = contextFor(summary ? { reasoning: { effort: 'low', summary: 'auto' } } : {});
        const events = new ResponsesEventEncoder(context);
        const frames = new ResponsesEventEncoder(context);
        const error = { code: 'server_error', message: 'gone' };
        const expected = [...events.start(), ...sequence.flatMap((item) => events.chunk(item)), ...(fails ? events.fail(error) : events.finish())]
          .map(eventFrame)
          .join('');
        const written =
          frames.startFrames() + sequence.map((item) => frames.chunkFrames(item)).join('') + (fails ? frames.failFrames(error) : frames.finishFrames());
        expect(numberedIds(written)).toBe(numberedIds(expected));
        expect(numberedIds(JSON.stringify(frames.response))).toBe(numberedIds(JSON.stringify(events.response)));
        // what the store keeps: the terminal frame's own response text, which is the final response serialised
        expect(frames.responseJson).toBe(JSON.stringify(frames.response));
        expect(written.endsWith(`"response":${frames.responseJson}}\n\n`)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a text stream: the deltas after the first come from the template, byte for byte', () => {
    const encoder = new ResponsesEventEncoder(contextFor());
    const start = encoder.startFrames();
    expect(start).toBe(
      [
        { type: 'response.created', sequence_number: 0, response: encoder.response },
        { type: 'response.in_progress', sequence_number: 1, response: encoder.response },
      ]
        .map(eventFrame)
        .join(''),
    );
    const itemId = /"item_id":"(msg_[0-9a-f]{48})"/.exec(encoder.chunkFrames(chunk({ content: 'Hel' })))?.[1];
    expect(itemId).toBeDefined();
    const open = encoder.chunkFrames(chunk({ content: 'lo "you"' }));
    expect(open).toBe(
      `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":5,"item_id":"${itemId}","output_index":0,"content_index":0,"delta":"lo \\"you\\"","logprobs":[]}\n\n`,
    );
  });
});
