// OpenAI messages → Gemini contents, as pure functions: roles, systemInstruction, merging, tool results named from
// the id map, images, and thought signatures put back on the parts they came from.
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import type { ChatMessage } from '../../../../shared/openai-types.js';
import { ProviderError } from '../errors.js';
import { toGeminiPrompt } from './convert-messages.js';

const messages = (list: unknown[]): ChatMessage[] => chatRequestSchema.parse({ model: 'm', messages: list }).messages;
const convert = (list: unknown[], model = 'gemini-2.5-flash') => toGeminiPrompt(messages(list), model, 'gemini');

function failure(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

const weatherCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

describe('toGeminiPrompt', () => {
  it('maps roles, moves system and developer text to systemInstruction, and merges same-role neighbours', () => {
    expect(
      convert([
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Hi' },
        { role: 'user', content: [{ type: 'text', text: 'Still there?' }] },
        { role: 'assistant', content: 'Bonjour' },
        { role: 'assistant', content: [{ type: 'text', text: 'Oui.' }] },
        { role: 'user', content: '' },
      ]),
    ).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }, { text: 'Still there?' }] },
        { role: 'model', parts: [{ text: 'Bonjour' }, { text: 'Oui.' }] },
      ],
    });
  });

  it('turns tool calls into functionCall parts and tool results into one user turn of named functionResponses', () => {
    const converted = convert([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [weatherCall, { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '' } }],
      },
      { role: 'tool', tool_call_id: 'call_2', content: '12:00' },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":21}' },
      { role: 'user', content: 'Thanks' },
    ]);
    expect(converted.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Rome?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_time', args: {} } }] },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_time', response: { output: '12:00' } } },
          { functionResponse: { name: 'get_weather', response: { temperature: 21 } } },
          { text: 'Thanks' },
        ],
      },
    ]);
  });

  it("keeps Gemini's own call ids on the call and its response, but not ids this gateway made up", () => {
    const converted = convert([
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, tool_calls: [{ ...weatherCall, id: 'fc_gemini_7' }] },
      { role: 'tool', tool_call_id: 'fc_gemini_7', content: 'sunny' },
    ]);
    expect(converted.contents[1]?.parts[0]?.functionCall?.id).toBe('fc_gemini_7');
    expect(converted.contents[2]?.parts[0]?.functionResponse).toEqual({ id: 'fc_gemini_7', name: 'get_weather', response: { output: 'sunny' } });
  });

  it('refuses a tool result whose id matches no earlier call, naming the field', () => {
    const error = failure(() =>
      convert([
        { role: 'user', content: 'Go' },
        { role: 'tool', tool_call_id: 'call_zzz', content: 'x' },
      ]),
    );
    expect(error).toMatchObject({ status: 400, errorClass: 'bad_request', param: 'messages[1].tool_call_id' });
  });

  it('refuses tool-call arguments that are not a JSON object', () => {
    const error = failure(() => convert([{ role: 'assistant', content: null, tool_calls: [{ ...weatherCall, function: { name: 'f', arguments: '[1]' } }] }]));
    expect(error).toMatchObject({ status: 400, param: 'messages[0].tool_calls[0].function.arguments' });
  });

  it('sends data: images inline and https images as fileData; anything else is a 400', () => {
    const converted = convert([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.webp?size=2' } },
          { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
        ],
      },
    ]);
    expect(converted.contents[0]?.parts).toEqual([
      { text: 'What is this?' },
      { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
      { fileData: { mimeType: 'image/webp', fileUri: 'https://example.com/cat.webp?size=2' } },
      { inlineData: { mimeType: 'audio/wav', data: 'UklGRg==' } },
    ]);
    const error = failure(() => convert([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/cat.png' } }] }]));
    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url.url' });
  });

  it('puts thought signatures back: on tool calls from extra_content, on the text part from reasoning_details', () => {
    const converted = convert([
      { role: 'user', content: 'Go' },
      {
        role: 'assistant',
        content: 'Let me check.',
        reasoning_details: [
          { type: 'reasoning.encrypted', data: 'sig-text', format: 'google-gemini-v1', index: 0 },
          { type: 'reasoning.encrypted', data: 'not-ours', format: 'anthropic-claude-v1', index: 1 },
        ],
        tool_calls: [
          { ...weatherCall, extra_content: { google: { thought_signature: 'sig-call' } } },
          { ...weatherCall, id: 'call_b', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
    ]);
    expect(converted.contents[1]?.parts).toEqual([
      { text: 'Let me check.', thoughtSignature: 'sig-text' },
      { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-call' },
      { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
    ]);
  });

  it("accepts OpenRouter's form too: a call's signature in reasoning_details under the call id", () => {
    const converted = convert([
      {
        role: 'assistant',
        content: null,
        tool_calls: [weatherCall],
        reasoning_details: [{ type: 'reasoning.encrypted', data: 'sig-or', id: 'call_1', format: 'google-gemini-v1', index: 0 }],
      },
    ]);
    expect(converted.contents[0]?.parts[0]?.thoughtSignature).toBe('sig-or');
  });

  it('gives Gemini 3 a placeholder signature where a function call lost its own (history from another model)', () => {
    const history = [
      { role: 'user', content: 'Go' },
      { role: 'assistant', content: null, tool_calls: [weatherCall, { ...weatherCall, id: 'call_2' }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      { role: 'tool', tool_call_id: 'call_2', content: 'sunny' },
    ];
    const gemini3 = convert(history, 'gemini-3-pro-preview').contents[1]?.parts ?? [];
    expect(gemini3.map((part) => part.thoughtSignature)).toEqual(['skip_thought_signature_validator', undefined]);
    const gemini25 = convert(history, 'gemini-2.5-flash').contents[1]?.parts ?? [];
    expect(gemini25.map((part) => part.thoughtSignature)).toEqual([undefined, undefined]);
  });
});
