import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { MemorySink } from '../../pipeline/memory-sink.js';
import { ProviderError } from '../../providers/errors.js';
import type { StreamPart } from '../../providers/types.js';
import { decodeReasoningCarrier } from '../openai/responses/reasoning-carrier.js';
import { toChatMessages } from './convert-contents.js';
import { geminiErrorBody } from './gemini-errors.js';
import { writeGeminiStream } from './gemini-stream-writer.js';
import { contentSchema } from './request-schema.js';
import { GeminiFrameTranslator } from './stream-frames.js';
import { toGeminiResponse } from './to-gemini-response.js';

const usage = {
  prompt_tokens: 10,
  completion_tokens: 7,
  total_tokens: 17,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: 3 },
};

function completion(
  message: Record<string, unknown>,
  finish: ChatCompletion['choices'][number]['finish_reason'] = 'stop',
  extra: Record<string, unknown> = {},
): ChatCompletion {
  return {
    id: 'chatcmpl-abc',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finish, ...extra }],
    usage,
  };
}

function chunk(delta: Record<string, unknown>, finish: ChatCompletionChunk['choices'][number]['finish_reason'] = null): ChatCompletionChunk {
  return { id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'x', choices: [{ index: 0, delta, finish_reason: finish }] };
}

describe('canonical answer → Gemini GenerateContentResponse', () => {
  it('text, thought and usage; modelVersion is what the client asked for', () => {
    expect(toGeminiResponse(completion({ content: 'Hello.', reasoning_content: 'Greeting.' }), 'fast')).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Greeting.', thought: true }, { text: 'Hello.' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 17, cachedContentTokenCount: 4, thoughtsTokenCount: 3 },
      modelVersion: 'fast',
      responseId: 'abc',
    });
  });

  it("function calls with Gemini's signatures on their parts; the text signature on the last text part", () => {
    const response = toGeminiResponse(
      completion(
        {
          content: 'Let me look.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'ls', arguments: '{"dir":"."}' },
              extra_content: { google: { thought_signature: 'sig-call' } },
            },
          ],
          reasoning_details: [{ type: 'reasoning.encrypted', data: 'sig-text', format: 'google-gemini-v1', index: 0 }],
        },
        'tool_calls',
        { native_finish_reason: 'STOP' },
      ),
      'models/gemini-3-pro-preview',
    );
    expect(response.modelVersion).toBe('gemini-3-pro-preview');
    expect(response.candidates?.[0]?.content.parts).toEqual([
      { text: 'Let me look.', thoughtSignature: 'sig-text' },
      { functionCall: { id: 'call_1', name: 'ls', args: { dir: '.' } }, thoughtSignature: 'sig-call' },
    ]);
  });

  it("another provider's reasoning rides on the first function call and comes back as it was", () => {
    const details = [{ type: 'reasoning.text', text: 'think', signature: 'claude-sig', format: 'anthropic-claude-v1', index: 0 }];
    const response = toGeminiResponse(
      completion(
        {
          reasoning_content: 'think',
          reasoning_details: details,
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
        },
        'tool_calls',
      ),
      'm',
    );
    const parts = response.candidates?.[0]?.content.parts ?? [];
    const signature = parts[1]?.thoughtSignature ?? '';
    expect(decodeReasoningCarrier(signature)?.details).toEqual(details);
    // the client sends the model turn back: the canonical message has the details again
    const messages = toChatMessages([contentSchema.parse({ role: 'model', parts })], []);
    expect(messages[0]).toMatchObject({ role: 'assistant', reasoning_content: 'think', reasoning_details: details, tool_calls: [{ id: 'toolu_1' }] });
  });

  it.each([
    ['length', undefined, 'MAX_TOKENS'],
    ['content_filter', undefined, 'SAFETY'],
    ['stop', 'RECITATION', 'RECITATION'],
    ['tool_calls', 'tool_calls', 'STOP'],
  ] as const)('finish %s (native %s) → %s', (finish, native, expected) => {
    expect(toGeminiResponse(completion({ content: 'x' }, finish, native ? { native_finish_reason: native } : {}), 'm').candidates?.[0]?.finishReason).toBe(
      expected,
    );
  });
});

describe('canonical stream → Gemini stream elements', () => {
  it('streams text and thoughts; holds fragmented tool calls to the end, with finishReason and usage', () => {
    const translator = new GeminiFrameTranslator('fast');
    expect(translator.chunk(chunk({ role: 'assistant', content: '' }))).toBeUndefined();
    expect(translator.chunk(chunk({ reasoning_content: 'Hmm.' }))?.candidates).toEqual([
      { content: { role: 'model', parts: [{ text: 'Hmm.', thought: true }] }, index: 0 },
    ]);
    expect(translator.chunk(chunk({ content: 'Hi' }))).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }],
      modelVersion: 'fast',
      responseId: 's1',
    });
    expect(
      translator.chunk(chunk({ tool_calls: [{ index: 0, id: 'call_9', type: 'function', function: { name: 'ls', arguments: '{"di' } }] })),
    ).toBeUndefined();
    expect(translator.chunk(chunk({ tool_calls: [{ index: 0, function: { arguments: 'r":"."}' } }] }))).toBeUndefined();
    expect(translator.chunk(chunk({}, 'tool_calls'))).toBeUndefined();
    expect(translator.chunk({ ...chunk({}), choices: [], usage })).toBeUndefined();
    expect(translator.finish()).toEqual({
      candidates: [{ content: { role: 'model', parts: [{ functionCall: { id: 'call_9', name: 'ls', args: { dir: '.' } } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 17, cachedContentTokenCount: 4, thoughtsTokenCount: 3 },
      modelVersion: 'fast',
      responseId: 's1',
    });
  });

  it("puts Gemini's text signature on the part it came with", () => {
    const translator = new GeminiFrameTranslator('m');
    const element = translator.chunk(
      chunk({ content: 'Done.', reasoning_details: [{ type: 'reasoning.encrypted', data: 'sig', format: 'google-gemini-v1', index: 0 }] }),
    );
    expect(element?.candidates?.[0]?.content.parts).toEqual([{ text: 'Done.', thoughtSignature: 'sig' }]);
  });
});

async function* parts(list: readonly StreamPart[]): AsyncGenerator<StreamPart> {
  for (const part of list) yield part;
}

async function written(form: 'sse' | 'json-array', list: StreamPart[]): Promise<string> {
  const sink = new MemorySink();
  sink.writeHead(200, {});
  const [head, ...rest] = list;
  await writeGeminiStream(sink, head ? [head] : [], parts(rest), { form, modelVersion: 'm', signal: new AbortController().signal });
  return sink.writes.join('');
}

describe('Gemini stream forms', () => {
  const text: StreamPart = { type: 'chunk', chunk: chunk({ content: 'Hi' }) };
  const failure = new ProviderError({ kind: 'in-band', errorClass: 'overloaded', status: 503, message: 'overloaded', providerId: 'p', retryable: true });

  it('SSE: one data event per element, the last with finishReason', async () => {
    const events = (await written('sse', [text, { type: 'chunk', chunk: chunk({}, 'stop') }, { type: 'done' }]))
      .split('\r\n\r\n')
      .filter((event) => event !== '');
    expect(events.map((event) => JSON.parse(event.replace(/^data: /, '')) as Record<string, unknown>)).toEqual([
      { candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, index: 0 }], modelVersion: 'm', responseId: 's1' },
      { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP', index: 0 }], modelVersion: 'm', responseId: 's1' },
    ]);
  });

  it('JSON array: a well-formed array; an in-band error is its last element', async () => {
    const whole = JSON.parse(await written('json-array', [text, { type: 'done' }])) as unknown[];
    expect(whole).toHaveLength(2);
    const failed = JSON.parse(await written('json-array', [text, { type: 'error', error: failure }])) as unknown[];
    expect(failed.at(-1)).toEqual({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } });
    expect(failed).toHaveLength(2);
  });

  it('native elements go out as they came, re-framed for the client', async () => {
    const upstream = '{"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"},"index":0}],"modelVersion":"gemini-2.5-flash"}';
    const out = await written('json-array', [
      { type: 'chunk', chunk: chunk({ content: 'Hi' }), nativeFrames: [upstream] },
      { type: 'error', error: failure, nativeFrames: ['{"error":{"code":500,"message":"boom","status":"INTERNAL"}}'] },
    ]);
    expect(out).toBe(`[${upstream},\r\n{"error":{"code":500,"message":"boom","status":"INTERNAL"}}]`);
  });
});

describe('Gemini error shape', () => {
  it.each([
    [400, null, 'INVALID_ARGUMENT'],
    [401, null, 'UNAUTHENTICATED'],
    [404, 'model_not_found', 'NOT_FOUND'],
    [429, 'RESOURCE_EXHAUSTED', 'RESOURCE_EXHAUSTED'],
    [400, 'FAILED_PRECONDITION', 'FAILED_PRECONDITION'],
    [502, null, 'INTERNAL'],
    [503, null, 'UNAVAILABLE'],
  ] as const)('%i (%s) → %s', (status, code, name) => {
    expect(geminiErrorBody({ status, message: 'm', code })).toEqual({ error: { code: status, message: 'm', status: name } });
  });
});
