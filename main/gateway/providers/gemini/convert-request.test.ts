// OpenAI request → Gemini generateContent body, as pure functions: tools, tool_choice, generationConfig, response
// formats and reasoning effort.
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import { toGeminiRequest, toThinkingConfig } from './convert-request.js';

const convert = (request: Record<string, unknown>, model = 'gemini-2.5-flash') =>
  toGeminiRequest(chatRequestSchema.parse({ model: 'gemini/x', messages: [{ role: 'user', content: 'Hi' }], ...request }), model, 'gemini');

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

describe('toGeminiRequest', () => {
  it('sends a bare prompt without empty sections', () => {
    expect(convert({})).toEqual({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('declares tools with their JSON Schema as parametersJsonSchema ($schema dropped, the rest kept)', () => {
    const body = convert({ tools: [weatherTool, { type: 'function', function: { name: 'now' } }] });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather',
            parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(body.toolConfig).toBeUndefined();
  });

  it('maps tool_choice to functionCallingConfig', () => {
    expect(convert({ tools: [weatherTool], tool_choice: 'auto' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(convert({ tools: [weatherTool], tool_choice: 'none' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(convert({ tools: [weatherTool], tool_choice: 'required' }).toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(convert({ tools: [weatherTool], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] },
    });
    expect(convert({ tool_choice: 'required' }).toolConfig).toBeUndefined();
  });

  it('fills generationConfig from the sampling settings', () => {
    const body = convert({
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 100,
      stop: 'END',
      n: 2,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: -0.5,
    });
    expect(body.generationConfig).toEqual({
      temperature: 0.2,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 100,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: -0.5,
    });
    expect(convert({ max_tokens: 100, max_completion_tokens: 50, stop: ['a', 'b'] }).generationConfig).toEqual({
      maxOutputTokens: 50,
      stopSequences: ['a', 'b'],
    });
  });

  it('asks for JSON with responseMimeType, and for a schema with responseJsonSchema', () => {
    expect(convert({ response_format: { type: 'json_object' } }).generationConfig).toEqual({ responseMimeType: 'application/json' });
    const schema = { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] };
    expect(convert({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema, strict: true } } }).generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseJsonSchema: schema,
    });
    expect(convert({ response_format: { type: 'text' } }).generationConfig).toBeUndefined();
  });

  it('turns reasoning_effort into a thinking budget for Gemini 2.5 and a thinking level for Gemini 3', () => {
    expect(convert({ reasoning_effort: 'medium' }).generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(convert({ reasoning_effort: 'high' }, 'gemini-3-pro-preview').generationConfig).toEqual({
      thinkingConfig: { thinkingLevel: 'high', includeThoughts: true },
    });
  });
});

describe('toThinkingConfig', () => {
  it.each([
    ['none', 'gemini-2.5-flash', { thinkingBudget: 0 }],
    ['none', 'gemini-2.5-pro', { thinkingBudget: 128 }],
    ['minimal', 'gemini-2.5-flash', { thinkingBudget: 1024, includeThoughts: true }],
    ['low', 'gemini-2.5-flash', { thinkingBudget: 1024, includeThoughts: true }],
    ['high', 'models/gemini-2.5-flash', { thinkingBudget: 24576, includeThoughts: true }],
    ['none', 'gemini-3-flash-preview', { thinkingLevel: 'low', includeThoughts: false }],
    ['minimal', 'gemini-3-flash-preview', { thinkingLevel: 'low', includeThoughts: true }],
    ['medium', 'gemini-3-flash-preview', { thinkingLevel: 'medium', includeThoughts: true }],
    ['medium', 'gemini-3-pro-preview', { thinkingLevel: 'high', includeThoughts: true }],
    ['xhigh', 'gemini-3.1-pro-preview', { thinkingLevel: 'high', includeThoughts: true }],
  ])('%s on %s', (effort, model, expected) => {
    expect(toThinkingConfig(effort, model)).toEqual(expected);
  });

  it('leaves thinking alone when no effort is given', () => {
    expect(toThinkingConfig(undefined, 'gemini-2.5-flash')).toBeUndefined();
  });
});
