// Gemini stream frames → OpenAI chunks, as pure functions: the order of role, deltas, finish and usage, whole tool
// calls, signatures, blocked prompts and several candidates.
import { describe, expect, it } from 'vitest';
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { GeminiStreamConverter } from './convert-stream.js';
import { geminiResponseSchema } from './gemini-api.js';

function run(frames: unknown[], expectedCandidates = 1): { chunks: ChatCompletionChunk[]; doneAt: number } {
  const converter = new GeminiStreamConverter('gemini-3-pro-preview', expectedCandidates);
  const chunks: ChatCompletionChunk[] = [];
  let doneAt = -1;
  frames.forEach((frame, position) => {
    const converted = converter.convert(geminiResponseSchema.parse(frame));
    chunks.push(...converted.chunks);
    if (converted.done && doneAt === -1) doneAt = position;
  });
  return { chunks, doneAt };
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.map((chunk) => chunk.choices[0]?.delta ?? { usage: chunk.usage });

describe('GeminiStreamConverter', () => {
  it('streams role, text and thought deltas, then finish and usage when the finishReason arrives', () => {
    const usage = { promptTokenCount: 5, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 10 };
    const { chunks, doneAt } = run([
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'Hmm.', thought: true }] }, index: 0 }],
        usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 },
        responseId: 'r1',
      },
      { candidates: [{ content: { role: 'model', parts: [{ text: 'Hello' }] }, index: 0 }], responseId: 'r1' },
      { candidates: [{ content: { role: 'model', parts: [{ text: ' there' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: usage, responseId: 'r1' },
    ]);
    expect(doneAt).toBe(2);
    expect(deltas(chunks)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Hmm.' },
      { content: 'Hello' },
      { content: ' there' },
      {},
      {
        usage: {
          prompt_tokens: 5,
          completion_tokens: 5,
          total_tokens: 10,
          prompt_tokens_details: { cached_tokens: 0 },
          completion_tokens_details: { reasoning_tokens: 3 },
        },
      },
    ]);
    expect(chunks[4]?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'STOP' });
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(new Set(chunks.map((chunk) => chunk.id))).toEqual(new Set(['chatcmpl-r1']));
  });

  it('emits each function call whole, with its index, id, arguments and signature, and finishes with tool_calls', () => {
    // the shape of a Gemini 3 tool-call stream: the call with its signature, then an empty text part with STOP
    const { chunks } = run([
      {
        candidates: [
          {
            content: { role: 'model', parts: [{ functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'EpEg' }] },
            index: 0,
          },
        ],
        responseId: 'x',
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
        usageMetadata: { promptTokenCount: 29, candidatesTokenCount: 15, thoughtsTokenCount: 804, totalTokenCount: 848 },
        responseId: 'x',
      },
    ]);
    expect(chunks[1]?.choices[0]?.delta.tool_calls).toEqual([
      {
        index: 0,
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
        extra_content: { google: { thought_signature: 'EpEg' } },
      },
    ]);
    expect(chunks[2]?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks[3]?.usage).toMatchObject({ prompt_tokens: 29, completion_tokens: 819, total_tokens: 848 });
  });

  it('streams a bare signature on an empty text part as a reasoning_details delta', () => {
    const { chunks } = run([
      { candidates: [{ content: { parts: [{ text: 'Hi' }] }, index: 0 }] },
      { candidates: [{ content: { parts: [{ text: '', thoughtSignature: 'sig-end' }] }, finishReason: 'STOP', index: 0 }] },
    ]);
    expect(chunks[2]?.choices[0]?.delta).toEqual({
      reasoning_details: [{ type: 'reasoning.encrypted', data: 'sig-end', format: 'google-gemini-v1', index: 0 }],
    });
  });

  it("finishes a blocked prompt with content_filter and Gemini's block reason", () => {
    const { chunks, doneAt } = run([{ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } }]);
    expect(doneAt).toBe(0);
    expect(chunks[1]?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'content_filter', native_finish_reason: 'SAFETY' });
    expect(chunks[2]?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0 });
  });

  it('waits for every candidate to finish when several were asked for', () => {
    const { chunks, doneAt } = run(
      [
        {
          candidates: [
            { content: { parts: [{ text: 'A' }] }, index: 0 },
            { content: { parts: [{ text: 'B' }] }, index: 1 },
          ],
        },
        { candidates: [{ content: { parts: [{ text: '!' }] }, finishReason: 'STOP', index: 0 }] },
        { candidates: [{ content: { parts: [{ text: '?' }] }, finishReason: 'MAX_TOKENS', index: 1 }] },
      ],
      2,
    );
    expect(doneAt).toBe(2);
    const finishes = chunks.flatMap((chunk) =>
      chunk.choices.filter((choice) => choice.finish_reason !== null).map((choice) => [choice.index, choice.finish_reason]),
    );
    expect(finishes).toEqual([
      [0, 'stop'],
      [1, 'length'],
    ]);
  });

  it('completes at the end of the body when fewer candidates came than were asked for, all of them finished', () => {
    const converter = new GeminiStreamConverter('gemini-2.5-flash', 2);
    expect(converter.finishAtEnd()).toBeUndefined();
    const frame = geminiResponseSchema.parse({
      candidates: [{ content: { parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 1 },
    });
    expect(converter.convert(frame).done).toBe(false);
    expect(converter.finishAtEnd()).toEqual([expect.objectContaining({ choices: [], usage: expect.objectContaining({ total_tokens: 2 }) })]);
  });
});
