// Gemini response → OpenAI completion, as pure functions: text, thoughts, function calls, signatures, finish
// reasons, blocked prompts and usage (thinking billed as output, cached tokens inside the prompt count).
import { describe, expect, it } from 'vitest';
import { geminiResponseSchema } from './gemini-api.js';
import { toChatCompletion, toUsage, toolCallId } from './convert-response.js';
import { mapFinishReason } from './map-finish-reason.js';

const complete = (body: unknown) => toChatCompletion(geminiResponseSchema.parse(body), 'gemini-2.5-flash');

describe('toChatCompletion', () => {
  it("joins text parts, puts thought parts into reasoning_content, and keeps Gemini's finish reason beside OpenAI's", () => {
    const completion = complete({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Counting the letters.', thought: true }, { text: 'There are ' }, { text: '3.' }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 9, candidatesTokenCount: 29, thoughtsTokenCount: 258, totalTokenCount: 296 },
      modelVersion: 'gemini-2.5-flash',
      responseId: 'DniLab2dFPe',
    });
    expect(completion).toMatchObject({
      id: 'chatcmpl-DniLab2dFPe',
      object: 'chat.completion',
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'There are 3.', reasoning_content: 'Counting the letters.' },
          finish_reason: 'stop',
          native_finish_reason: 'STOP',
        },
      ],
    });
    // thinking is billed as output: 29 visible + 258 thought tokens
    expect(completion.usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 287,
      total_tokens: 296,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 258 },
    });
  });

  it('turns function calls into tool_calls with stable ids, JSON arguments and their thought signatures', () => {
    const body = {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { name: 'weather', args: { location: 'San Francisco' } }, thoughtSignature: 'EpEgCo4g' },
              { functionCall: { name: 'weather', args: { location: 'Oslo' } } },
              { functionCall: { id: 'fc-7', name: 'now' } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      responseId: 'QHiLaa6L',
    };
    const first = complete(body);
    expect(first.choices[0]?.message).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: toolCallId('chatcmpl-QHiLaa6L', 0, 0),
          type: 'function',
          function: { name: 'weather', arguments: '{"location":"San Francisco"}' },
          extra_content: { google: { thought_signature: 'EpEgCo4g' } },
        },
        { id: toolCallId('chatcmpl-QHiLaa6L', 0, 1), type: 'function', function: { name: 'weather', arguments: '{"location":"Oslo"}' } },
        { id: 'fc-7', type: 'function', function: { name: 'now', arguments: '{}' } },
      ],
    });
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.tool_calls?.[0]?.id).toMatch(/^call_[A-Za-z0-9_-]{24}$/);
    expect(complete(body).choices[0]?.message.tool_calls?.map((call) => call.id)).toEqual(first.choices[0]?.message.tool_calls?.map((call) => call.id));
  });

  it("files a text part's signature (also a bare one on an empty part) under reasoning_details", () => {
    const completion = complete({
      candidates: [
        {
          content: {
            parts: [
              { text: 'Hello!', thoughtSignature: 'sig-1' },
              { text: '', thoughtSignature: 'sig-2' },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    });
    expect(completion.choices[0]?.message['reasoning_details']).toEqual([
      { type: 'reasoning.encrypted', data: 'sig-1', format: 'google-gemini-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'sig-2', format: 'google-gemini-v1', index: 1 },
    ]);
  });

  it('answers a blocked prompt with an empty, filtered completion rather than an error', () => {
    const completion = complete({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
      responseId: 'EXCPaojy',
    });
    expect(completion.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'content_filter', logprobs: null, native_finish_reason: 'PROHIBITED_CONTENT' },
    ]);
    expect(completion.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0, total_tokens: 9 });
  });

  it('marks a malformed function call with a note instead of inventing a tool call', () => {
    const completion = complete({ candidates: [{ content: { parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 }] });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'stop', native_finish_reason: 'MALFORMED_FUNCTION_CALL', message: { content: '' } });
    expect(completion.choices[0]?.['finish_note']).toMatch(/MALFORMED_FUNCTION_CALL/);
  });

  it('returns every candidate when several were asked for', () => {
    const completion = complete({
      candidates: [
        { content: { parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 },
        { content: { parts: [{ text: 'B' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
    });
    expect(completion.choices.map((choice) => [choice.index, choice.message.content, choice.finish_reason])).toEqual([
      [0, 'A', 'stop'],
      [1, 'B', 'length'],
    ]);
  });
});

describe('toUsage', () => {
  it('counts cached tokens inside the prompt, thinking and built-in tool results where they are billed', () => {
    // a live Gemini frame (vercel/ai __fixtures__/google-usage-raw-live): 12 + 71 + 89 + 65 = 237
    expect(
      toUsage({
        promptTokenCount: 12,
        candidatesTokenCount: 71,
        totalTokenCount: 237,
        cachedContentTokenCount: 4,
        toolUsePromptTokenCount: 65,
        thoughtsTokenCount: 89,
      }),
    ).toEqual({
      prompt_tokens: 77,
      completion_tokens: 160,
      total_tokens: 237,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 89 },
    });
  });
});

describe('mapFinishReason', () => {
  it.each([
    ['STOP', false, 'stop'],
    ['STOP', true, 'tool_calls'],
    ['MAX_TOKENS', false, 'length'],
    ['SAFETY', false, 'content_filter'],
    ['RECITATION', false, 'content_filter'],
    ['BLOCKLIST', false, 'content_filter'],
    ['PROHIBITED_CONTENT', false, 'content_filter'],
    ['SPII', false, 'content_filter'],
    ['IMAGE_SAFETY', false, 'content_filter'],
    ['SAFETY', true, 'content_filter'],
    ['MALFORMED_FUNCTION_CALL', false, 'stop'],
    ['OTHER', false, 'stop'],
    [undefined, false, 'stop'],
  ])('%s (tool calls: %s) → %s', (raw, hasToolCalls, unified) => {
    expect(mapFinishReason(raw, hasToolCalls)).toMatchObject({ unified, raw: raw ?? null });
  });
});
