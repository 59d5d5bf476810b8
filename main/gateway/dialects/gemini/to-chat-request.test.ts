import { describe, expect, it } from 'vitest';
import { parseModelAction } from './model-action.js';
import { generateContentRequestSchema } from './request-schema.js';
import { reasoningEffort, toChatRequest } from './to-chat-request.js';
import { encodeReasoningCarrier } from '../openai/responses/reasoning-carrier.js';

const parse = (body: unknown) => generateContentRequestSchema.parse(body);

describe('Gemini path: model and method', () => {
  it.each([
    ['gemini-2.5-flash:generateContent', 'gemini-2.5-flash', 'generateContent'],
    ['models/fast:streamGenerateContent', 'fast', 'streamGenerateContent'],
    ['openai/gpt-4o:countTokens', 'openai/gpt-4o', 'countTokens'],
    ['ollama/llama3.2:3b:generateContent', 'ollama/llama3.2:3b', 'generateContent'],
    ['ollama/llama3.2:3b', 'ollama/llama3.2:3b', undefined],
    ['gemini-2.5-flash', 'gemini-2.5-flash', undefined],
  ])('%s → %s, %s', (rest, model, method) => {
    expect(parseModelAction(rest)).toEqual({ model, method });
  });
});

describe('Gemini generateContent → canonical chat request', () => {
  it('maps system instruction, contents, tools, tool config and generation config', () => {
    const { request, unsupported } = toChatRequest(
      parse({
        systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Be kind.' }] },
        contents: [{ role: 'user', parts: [{ text: 'Weather in Paris?' }] }],
        tools: [
          {
            functionDeclarations: [
              {
                name: 'get_weather',
                description: 'Weather now',
                parameters: { type: 'OBJECT', properties: { city: { type: 'STRING', nullable: true } }, required: ['city'] },
              },
              { name: 'list_files', parametersJsonSchema: { type: 'object', properties: { dir: { type: 'string' } } } },
            ],
          },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
        generationConfig: {
          temperature: 0.2,
          topP: 0.9,
          topK: 40,
          maxOutputTokens: 256,
          stopSequences: ['END'],
          seed: 7,
          thinkingConfig: { thinkingBudget: 8192, includeThoughts: true },
        },
      }),
      'fast',
      true,
    );
    expect(unsupported).toEqual([]);
    expect(request).toEqual({
      model: 'fast',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.\nBe kind.' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather now',
            parameters: { type: 'object', properties: { city: { type: ['string', 'null'] } }, required: ['city'] },
          },
        },
        { type: 'function', function: { name: 'list_files', parameters: { type: 'object', properties: { dir: { type: 'string' } } } } },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      max_tokens: 256,
      stop: ['END'],
      seed: 7,
      reasoning_effort: 'medium',
    });
  });

  it('turns a function call round into assistant tool_calls and tool messages, signatures kept', () => {
    const { request } = toChatRequest(
      parse({
        contents: [
          { role: 'user', parts: [{ text: 'List files' }] },
          {
            role: 'model',
            parts: [
              { text: 'Thinking about it', thought: true },
              { functionCall: { name: 'ls', args: { dir: '.' } }, thoughtSignature: 'sig-call' },
              { functionCall: { id: 'own-id', name: 'cat', args: { file: 'a' } } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'ls', response: { output: 'a b' } } },
              { functionResponse: { id: 'own-id', name: 'cat', response: { content: 'x' } } },
            ],
          },
          { role: 'model', parts: [{ text: 'Done.', thoughtSignature: 'sig-text' }] },
        ],
      }),
      'fast',
      false,
    );
    expect(request.messages).toEqual([
      { role: 'user', content: 'List files' },
      {
        role: 'assistant',
        content: null,
        reasoning_content: 'Thinking about it',
        tool_calls: [
          {
            id: 'call_g1_1',
            type: 'function',
            function: { name: 'ls', arguments: '{"dir":"."}' },
            extra_content: { google: { thought_signature: 'sig-call' } },
          },
          { id: 'own-id', type: 'function', function: { name: 'cat', arguments: '{"file":"a"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_g1_1', content: 'a b' },
      { role: 'tool', tool_call_id: 'own-id', content: '{"content":"x"}' },
      { role: 'assistant', content: 'Done.', reasoning_details: [{ type: 'reasoning.encrypted', data: 'sig-text', format: 'google-gemini-v1', index: 0 }] },
    ]);
  });

  it("unpacks another provider's reasoning carried in a thoughtSignature", () => {
    const details = [{ type: 'reasoning.text', text: 'hmm', signature: 'claude-sig', format: 'anthropic-claude-v1', index: 0 }];
    const carrier = encodeReasoningCarrier({ details, text: 'hmm' });
    const { request } = toChatRequest(
      parse({
        contents: [
          { role: 'user', parts: [{ text: 'q' }] },
          { role: 'model', parts: [{ functionCall: { id: 'toolu_1', name: 'ls', args: {} }, thoughtSignature: carrier }] },
        ],
      }),
      'm',
      false,
    );
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
      reasoning_details: details,
    });
  });

  it('carries images, PDFs and audio; lists what only Gemini can do', () => {
    const { request, unsupported } = toChatRequest(
      parse({
        contents: [
          {
            parts: [
              { text: 'Look' },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
              { inlineData: { mimeType: 'application/pdf', data: 'BBBB' } },
              { inlineData: { mimeType: 'audio/wav', data: 'CCCC' } },
              { fileData: { mimeType: 'video/mp4', fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc' } },
            ],
          },
        ],
        tools: [{ googleSearch: {} }],
        generationConfig: { responseModalities: ['TEXT', 'IMAGE'] },
      }),
      'm',
      false,
    );
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'Look' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        { type: 'file', file: { filename: 'document.pdf', file_data: 'data:application/pdf;base64,BBBB' } },
        { type: 'input_audio', input_audio: { data: 'CCCC', format: 'wav' } },
      ],
    });
    expect(unsupported.map((entry) => entry.param)).toEqual(['contents[0].parts[4].fileData', 'tools[0].googleSearch', 'generationConfig.responseModalities']);
  });

  it('maps JSON output with a schema to response_format', () => {
    const { request } = toChatRequest(
      parse({
        contents: [{ parts: [{ text: 'q' }] }],
        generationConfig: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { ok: { type: 'BOOLEAN' } } } },
      }),
      'm',
      false,
    );
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { ok: { type: 'boolean' } } } },
    });
  });

  it.each([
    [{ thinkingBudget: 0 }, undefined],
    [{ thinkingBudget: -1 }, 'medium'],
    [{ thinkingBudget: 512 }, 'low'],
    [{ thinkingBudget: 24576 }, 'high'],
    [{ thinkingLevel: 'HIGH' }, 'high'],
    [{ thinkingLevel: 'low', includeThoughts: true }, 'low'],
    [{ includeThoughts: true }, 'medium'],
  ])('thinkingConfig %j → reasoning_effort %s', (config, effort) => {
    expect(reasoningEffort(config)).toBe(effort);
  });
});
