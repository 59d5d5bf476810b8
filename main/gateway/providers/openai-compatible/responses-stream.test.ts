// The Responses stream reader against streams in the shape api.openai.com sends (key order and fields as recorded):
// chat chunks for text, reasoning, function and custom tool calls; finish and usage from the terminal event; in-band
// failures as errors the router can act on; and the passthrough contract — every byte of every event comes back in
// nativeFrames, in order, however the body is cut, and the first part is never bookkeeping alone.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { isContentChunk, openGate } from '../../streaming/gate.js';
import type { ProviderError } from '../errors.js';
import type { StreamPart } from '../types.js';
import { UpstreamBody, UpstreamHead } from '../upstream-body.js';
import { readResponsesStream } from './responses-stream.js';

const responseId = 'resp_0e7bcfab8fc907240069152d0ff4cc819281594994abcec45f';
const messageId = 'msg_0e7bcfab8fc907240069152d1173f48192a1f37340a24e4fba';
const reasoningId = 'rs_0e7bcfab8fc907240069152d106c1c8192b415643fda2103a5';
const functionItemId = 'fc_684910c8b68881a3b43610e1d57ef00702d35c1819a50f63';

function response(status: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: responseId,
    object: 'response',
    created_at: 1762995472,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: null,
    max_output_tokens: null,
    model: 'gpt-5-mini-2025-08-07',
    output: [],
    parallel_tool_calls: true,
    previous_response_id: null,
    store: true,
    temperature: 1.0,
    tool_choice: 'auto',
    tools: [],
    usage: null,
    metadata: {},
    ...extra,
  };
}

const usage = {
  input_tokens: 26,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 7,
  output_tokens_details: { reasoning_tokens: 3 },
  total_tokens: 33,
};

/** `event: <type>` then `data: <json>` and a blank line, numbering the events as OpenAI does. */
function stream(events: readonly Record<string, unknown>[], options: { numbered?: boolean } = {}): string {
  return events
    .map((event, sequence) => {
      const { type, ...rest } = event;
      const data = options.numbered === false ? { type, ...rest } : { type, sequence_number: sequence, ...rest };
      return `event: ${String(type)}\ndata: ${JSON.stringify(data)}\n\n`;
    })
    .join('');
}

const opening = [
  { type: 'response.created', response: response('in_progress') },
  { type: 'response.in_progress', response: response('in_progress') },
];

function messageEvents(pieces: readonly string[], outputIndex = 0): Record<string, unknown>[] {
  const text = pieces.join('');
  const at = { item_id: messageId, output_index: outputIndex, content_index: 0 };
  return [
    {
      type: 'response.output_item.added',
      output_index: outputIndex,
      item: { id: messageId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    },
    { type: 'response.content_part.added', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } },
    ...pieces.map((delta) => ({ type: 'response.output_text.delta', ...at, delta, logprobs: [], obfuscation: 'UYDTgfVef9F' })),
    { type: 'response.output_text.done', ...at, text, logprobs: [] },
    { type: 'response.content_part.done', ...at, part: { type: 'output_text', annotations: [], logprobs: [], text } },
    {
      type: 'response.output_item.done',
      output_index: outputIndex,
      item: { id: messageId, type: 'message', status: 'completed', content: [{ type: 'output_text', annotations: [], logprobs: [], text }], role: 'assistant' },
    },
  ];
}

const textStream = stream([
  ...opening,
  ...messageEvents(['Hello', ' wörld', ' 🌍!']),
  { type: 'response.completed', response: response('completed', { usage }) },
]);

function upstream(pieces: readonly (string | Uint8Array)[], failure?: Error): UpstreamHead {
  const body = new UpstreamBody();
  for (const piece of pieces) body.push(Buffer.from(piece));
  if (failure) body.fail(failure);
  else body.end();
  return new UpstreamHead(200, [], body);
}

async function read(pieces: readonly (string | Uint8Array)[], failure?: Error): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of readResponsesStream('openai', 'https://api.openai.com/v1', upstream(pieces, failure), new AbortController().signal))
    parts.push(part);
  return parts;
}

const chunks = (parts: readonly StreamPart[]): ChatCompletionChunk[] => parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));
const deltas = (parts: readonly StreamPart[]): Record<string, unknown>[] =>
  chunks(parts).flatMap((chunk) => chunk.choices.map((choice) => choice.delta as Record<string, unknown>));
const frames = (parts: readonly StreamPart[]): string => parts.map((part) => (part.nativeFrames ?? []).join('')).join('');
const errorOf = (parts: readonly StreamPart[]): ProviderError => {
  const last = parts.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error part, got ${last?.type ?? 'nothing'}`);
  return last.error;
};

describe('readResponsesStream', () => {
  it('turns text deltas into content chunks, and response.completed into the finish chunk with usage, then done', async () => {
    const parts = await read([textStream]);
    expect(parts.map((part) => part.type)).toEqual(['chunk', 'chunk', 'chunk', 'chunk', 'done']);
    expect(deltas(parts).slice(0, 3)).toEqual([{ role: 'assistant', content: 'Hello' }, { content: ' wörld' }, { content: ' 🌍!' }]);
    const final = chunks(parts)[3] as ChatCompletionChunk;
    expect(final).toMatchObject({ id: responseId, object: 'chat.completion.chunk', created: 1762995472, model: 'gpt-5-mini-2025-08-07' });
    expect(final.choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'completed' }]);
    expect(final.usage).toEqual({
      prompt_tokens: 26,
      completion_tokens: 7,
      total_tokens: 33,
      prompt_tokens_details: { cached_tokens: 5 },
      completion_tokens_details: { reasoning_tokens: 3 },
    });
  });

  it('hands back every frame byte for byte: the bookkeeping events ride with the next content part', async () => {
    const parts = await read([textStream]);
    expect(frames(parts)).toBe(textStream);
    // created, in_progress, output_item.added, content_part.added and the first delta go out together
    expect(parts[0]?.nativeFrames?.map((frame) => frame.split('\n')[0])).toEqual([
      'event: response.created',
      'event: response.in_progress',
      'event: response.output_item.added',
      'event: response.content_part.added',
      'event: response.output_text.delta',
    ]);
    expect(parts.at(-1)).toEqual({ type: 'done', nativeFrames: [] });
  });

  it('reads the same parts and frames however the body is cut (every byte offset)', async () => {
    const whole = await read([textStream]);
    const bytes = Buffer.from(textStream);
    for (let offset = 1; offset < bytes.length; offset += 1) {
      const parts = await read([bytes.subarray(0, offset), bytes.subarray(offset)]);
      expect(parts).toEqual(whole);
    }
  });

  it('opens the first-chunk gate on content, never on response.created alone', async () => {
    const parts = await read([textStream]);
    const first = parts[0];
    expect(first?.type === 'chunk' && isContentChunk(first.chunk)).toBe(true);
    const gated = await openGate(
      readResponsesStream(
        'openai',
        'x',
        upstream([
          stream([...opening, { type: 'response.failed', response: response('failed', { error: { code: 'server_error', message: 'The model failed.' } }) }]),
        ]),
        new AbortController().signal,
      ),
    );
    expect(gated.kind).toBe('failed');
  });

  it('streams reasoning summaries as reasoning_content (parts separated by a blank line) before the text', async () => {
    const at = { item_id: reasoningId, output_index: 0 };
    const parts = await read([
      stream([
        ...opening,
        { type: 'response.output_item.added', output_index: 0, item: { id: reasoningId, type: 'reasoning', encrypted_content: 'gAAAAB', summary: [] } },
        { type: 'response.reasoning_summary_part.added', ...at, summary_index: 0, part: { type: 'summary_text', text: '' } },
        { type: 'response.reasoning_summary_text.delta', ...at, summary_index: 0, delta: '**Craft', obfuscation: 'pvmKQ7xIR' },
        { type: 'response.reasoning_summary_text.delta', ...at, summary_index: 0, delta: 'ing**', obfuscation: 'pvmKQ7xIR' },
        { type: 'response.reasoning_summary_text.done', ...at, summary_index: 0, text: '**Crafting**' },
        { type: 'response.reasoning_summary_part.done', ...at, summary_index: 0, part: { type: 'summary_text', text: '**Crafting**' } },
        { type: 'response.reasoning_summary_part.added', ...at, summary_index: 1, part: { type: 'summary_text', text: '' } },
        { type: 'response.reasoning_summary_text.delta', ...at, summary_index: 1, delta: 'Then more.', obfuscation: 'x' },
        { type: 'response.reasoning_summary_text.done', ...at, summary_index: 1, text: 'Then more.' },
        { type: 'response.output_item.done', output_index: 0, item: { id: reasoningId, type: 'reasoning', encrypted_content: 'gAAAAB', summary: [] } },
        ...messageEvents(['hello'], 1),
        { type: 'response.completed', response: response('completed', { usage }) },
      ]),
    ]);
    expect(deltas(parts)).toEqual([
      { role: 'assistant', reasoning_content: '**Craft' },
      { reasoning_content: 'ing**' },
      { reasoning_content: '\n\nThen more.' },
      { content: 'hello' },
      {},
    ]);
  });

  it('turns a function_call item into one tool call: call_id and name first, then argument fragments; finish tool_calls', async () => {
    const at = { item_id: functionItemId, output_index: 0 };
    const item = { id: functionItemId, type: 'function_call', status: 'in_progress', arguments: '', call_id: 'call_TQyfNmFnKblzXl5rlcGeIsg5', name: 'echo' };
    const parts = await read([
      stream([
        ...opening,
        { type: 'response.output_item.added', output_index: 0, item },
        ...['{"', 'string', '":"', 'hello', '"}'].map((delta) => ({
          type: 'response.function_call_arguments.delta',
          ...at,
          delta,
          obfuscation: 'hKtg6o5cWUSdCa',
        })),
        { type: 'response.function_call_arguments.done', ...at, arguments: '{"string":"hello"}' },
        { type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed', arguments: '{"string":"hello"}' } },
        { type: 'response.completed', response: response('completed', { usage }) },
      ]),
    ]);
    const calls = deltas(parts).map((delta) => delta['tool_calls']);
    expect(calls[0]).toEqual([{ index: 0, id: 'call_TQyfNmFnKblzXl5rlcGeIsg5', type: 'function', function: { name: 'echo', arguments: '' } }]);
    expect(
      calls
        .slice(1, 6)
        .map((call) => (call as Array<{ function: { arguments: string } }>)[0]?.function.arguments)
        .join(''),
    ).toBe('{"string":"hello"}');
    expect(chunks(parts).at(-1)?.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('turns a custom_tool_call item into a tool call whose arguments are the raw input (events without sequence numbers too)', async () => {
    const item = { type: 'custom_tool_call', id: 'ctc_abc123def456', call_id: 'call_custom_sql_001', name: 'write_sql', input: '' };
    const parts = await read([
      stream(
        [
          ...opening,
          { type: 'response.output_item.added', output_index: 0, item },
          { type: 'response.custom_tool_call_input.delta', item_id: 'ctc_abc123def456', output_index: 0, delta: 'SELECT * ' },
          { type: 'response.custom_tool_call_input.delta', item_id: 'ctc_abc123def456', output_index: 0, delta: 'FROM users' },
          { type: 'response.output_item.done', output_index: 0, item: { ...item, input: 'SELECT * FROM users', status: 'completed' } },
          { type: 'response.completed', response: response('completed', { usage }) },
        ],
        { numbered: false },
      ),
    ]);
    expect(deltas(parts).slice(0, 3)).toEqual([
      { role: 'assistant', tool_calls: [{ index: 0, id: 'call_custom_sql_001', type: 'function', function: { name: 'write_sql', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'SELECT * ' } }] },
      { tool_calls: [{ index: 0, function: { arguments: 'FROM users' } }] },
    ]);
  });

  it('delivers the text of a server that sends only the .done events, once', async () => {
    const events = messageEvents(['ignored']).filter((event) => event['type'] !== 'response.output_text.delta');
    const parts = await read([stream([...opening, ...events, { type: 'response.completed', response: response('completed') }])]);
    expect(deltas(parts)).toEqual([{ role: 'assistant', content: 'ignored' }, {}]);
    expect(chunks(parts).at(-1)?.usage).toBeUndefined();
  });

  it('ends response.incomplete with finish_reason length (max_output_tokens) or content_filter, then done', async () => {
    for (const [reason, finish] of [
      ['max_output_tokens', 'length'],
      ['content_filter', 'content_filter'],
    ] as const) {
      const parts = await read([
        stream([
          ...opening,
          ...messageEvents(['Hel']),
          { type: 'response.incomplete', response: response('incomplete', { incomplete_details: { reason }, usage }) },
        ]),
      ]);
      expect(parts.at(-1)?.type).toBe('done');
      expect(chunks(parts).at(-1)?.choices[0]).toMatchObject({ finish_reason: finish, native_finish_reason: reason });
    }
  });

  it('makes response.failed right after created/in_progress the first part: a retryable error the router can fall back on', async () => {
    const input = stream([
      ...opening,
      {
        type: 'response.failed',
        response: response('failed', { error: { code: 'rate_limit_exceeded', message: 'Request too large for gpt-4o-mini on tokens per min (TPM).' } }),
      },
    ]);
    const parts = await read([input]);
    expect(parts).toHaveLength(1);
    expect(errorOf(parts)).toMatchObject({ kind: 'in-band', errorClass: 'rate_limit', status: 429, retryable: true, code: 'rate_limit_exceeded' });
    expect(frames(parts)).toBe(input);
  });

  it("reads an `error` event in api.openai.com's nested shape and in the documented flat shape", async () => {
    const nested = await read([
      stream([
        ...opening,
        { type: 'error', error: { type: 'insufficient_quota', code: 'insufficient_quota', message: 'You exceeded your current quota.', param: null } },
        { type: 'response.failed', response: response('failed', { error: { code: 'insufficient_quota', message: 'You exceeded your current quota.' } }) },
      ]),
    ]);
    expect(nested).toHaveLength(1); // the error event ends the stream; response.failed after it is not read
    expect(errorOf(nested)).toMatchObject({
      errorClass: 'quota',
      status: 429,
      retryable: false,
      code: 'insufficient_quota',
      message: 'You exceeded your current quota.',
    });
    const flat = await read([stream([{ type: 'error', code: 'server_error', message: 'Sorry, something went wrong.', param: null }])]);
    expect(errorOf(flat)).toMatchObject({ errorClass: 'server', retryable: true, code: 'server_error', message: 'Sorry, something went wrong.' });
    const nullCode = await read([
      stream([{ type: 'error', error: { type: 'server_error', code: null, message: 'Sorry, something went wrong.', param: null } }]),
    ]);
    expect(errorOf(nullCode)).toMatchObject({ errorClass: 'server', retryable: true, code: null });
  });

  it('classifies in-band codes: context length, request problems and unknown codes', async () => {
    const classOf = async (code: string): Promise<ProviderError> =>
      errorOf(await read([stream([...opening, { type: 'response.failed', response: response('failed', { error: { code, message: 'x' } }) }])]));
    expect(await classOf('context_length_exceeded')).toMatchObject({ errorClass: 'context_length', retryable: false });
    expect(await classOf('invalid_prompt')).toMatchObject({ errorClass: 'bad_request', retryable: false });
    expect(await classOf('image_too_large')).toMatchObject({ errorClass: 'bad_request', retryable: false });
    expect(await classOf('something_new')).toMatchObject({ errorClass: 'server', retryable: true });
  });

  it('reports a stream that ends before a terminal event as a retryable protocol error carrying what was read', async () => {
    const input = stream([...opening, ...messageEvents(['Hello', ' there'])]);
    const parts = await read([input]);
    expect(parts.map((part) => part.type)).toEqual(['chunk', 'chunk', 'error']);
    expect(errorOf(parts)).toMatchObject({ kind: 'protocol', retryable: true });
    expect(frames(parts)).toBe(input);
    const withDone = await read([stream([...opening, ...messageEvents(['Hi'])]) + 'data: [DONE]\n\n']);
    expect(errorOf(withDone)).toMatchObject({ kind: 'protocol', message: expect.stringContaining('before response.completed') });
  });

  it('reports an event that is not JSON as a protocol error', async () => {
    const parts = await read([stream(opening) + 'event: response.output_text.delta\ndata: {"type":"response.output_text.delta",\n\n']);
    expect(parts).toHaveLength(1);
    expect(errorOf(parts)).toMatchObject({ kind: 'protocol', retryable: false, message: expect.stringContaining('not JSON') });
  });

  it('reports a network failure mid-stream as one error part, never a throw', async () => {
    const parts = await read([stream(opening)], Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }));
    expect(errorOf(parts)).toMatchObject({ kind: 'connect', retryable: true });
  });
});
