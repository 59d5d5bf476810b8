import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../http/errors.js';
import { toSwitchyardModel } from './names.js';
import { ollamaChatSchema, ollamaGenerateSchema, parseInbound } from './ollama-request-schema.js';
import { chatToCanonical, generateToCanonical } from './to-chat-request.js';

const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('Ollama /api/chat → canonical request', () => {
  it('keeps roles, streams by default, turns images into data URLs and options into sampling fields', () => {
    const body = parseInbound(ollamaChatSchema, {
      model: 'smart:latest',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: [png, '/9j/4AAQSkZJRg=='] },
      ],
      options: { temperature: 0.2, top_p: 0.9, top_k: 40, seed: 7, num_predict: 64, stop: ['\n\n'], num_ctx: 8192 },
      format: 'json',
      think: true,
      keep_alive: '5m',
    });
    const { request, ollamaExtras } = chatToCanonical(body);
    expect(request.model).toBe('smart');
    expect(request.stream).toBe(true);
    expect(request.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(request.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}` } },
        { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/4AAQSkZJRg==' } },
      ],
    });
    expect(request).toMatchObject({
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      max_tokens: 64,
      stop: ['\n\n'],
      response_format: { type: 'json_object' },
      reasoning_effort: 'medium',
    });
    expect(request).not.toHaveProperty('top_k');
    expect(ollamaExtras).toEqual({ options: body.options, keep_alive: '5m', think: true });
  });

  it('gives tool calls ids and pairs tool results by name; a JSON schema format becomes json_schema', () => {
    const body = parseInbound(ollamaChatSchema, {
      model: 'openai/gpt-4o-mini',
      stream: false,
      format: { type: 'object', properties: { city: { type: 'string' } } },
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
        },
      ],
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }, { function: { name: 'get_time', arguments: { city: 'Oslo' } } }],
        },
        { role: 'tool', tool_name: 'get_time', content: '12:00' },
        { role: 'tool', content: 'sunny' },
      ],
    });
    const { request } = chatToCanonical(body);
    expect(request.stream).toBe(false);
    expect(request.tools?.[0]?.function.name).toBe('get_weather');
    expect(request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema: { type: 'object', properties: { city: { type: 'string' } } } },
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'call_1_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: 'call_1_1', type: 'function', function: { name: 'get_time', arguments: '{"city":"Oslo"}' } },
      ],
    });
    expect(request.messages[2]).toEqual({ role: 'tool', content: '12:00', tool_call_id: 'call_1_1' });
    expect(request.messages[3]).toEqual({ role: 'tool', content: 'sunny', tool_call_id: 'call_1_0' });
  });

  it('refuses a bad body with a 400 naming the field', () => {
    const attempt = (value: unknown) => () => parseInbound(ollamaChatSchema, value);
    expect(attempt({ messages: [] })).toThrow(/model/);
    expect(attempt({ model: 'x', messages: [{ role: 'robot', content: 'hi' }] })).toThrow(/messages\[0\]\.role/);
    expect(attempt({ model: 'x', options: { temperature: 'hot' } })).toThrow(GatewayError);
  });
});

describe('Ollama /api/generate → canonical request', () => {
  it('is one user turn with the system prompt before it', () => {
    const { request } = generateToCanonical(
      parseInbound(ollamaGenerateSchema, { model: 'fast', prompt: 'Why is the sky blue?', system: 'Answer in one line.', stream: false, think: 'high' }),
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user', content: 'Why is the sky blue?' },
    ]);
    expect(request.stream).toBe(false);
    expect(request.reasoning_effort).toBe('high');
  });

  it('refuses fill-in-the-middle (suffix), which chat providers cannot take', () => {
    expect(() => generateToCanonical(parseInbound(ollamaGenerateSchema, { model: 'fast', prompt: 'def f(', suffix: ')' }))).toThrow(/suffix/);
  });
});

describe('model names', () => {
  it('drops a trailing :latest and keeps every other tag', () => {
    expect(toSwitchyardModel('smart:latest')).toBe('smart');
    expect(toSwitchyardModel('openai/gpt-4o:latest')).toBe('openai/gpt-4o');
    expect(toSwitchyardModel('ollama/qwen3:8b')).toBe('ollama/qwen3:8b');
    expect(toSwitchyardModel(':latest')).toBe(':latest');
  });
});
