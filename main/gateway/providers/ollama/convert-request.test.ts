import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import { ProviderError } from '../errors.js';
import { toOllamaChatRequest } from './convert-request.js';

const convert = (request: Record<string, unknown>, upstreamModel = 'llama3.2:3b') =>
  toOllamaChatRequest(chatRequestSchema.parse({ model: 'ollama/x', ...request }), upstreamModel, 'ollama');

const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

function conversionError(action: () => unknown): ProviderError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('toOllamaChatRequest', () => {
  it('sends the upstream model, stream flag and roles Ollama knows', () => {
    const body = convert({
      stream: true,
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'One' },
            { type: 'text', text: 'Two' },
          ],
        },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: null, reasoning_content: 'hm' },
      ],
    });
    expect(body).toEqual({
      model: 'llama3.2:3b',
      stream: true,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'system', content: 'One\nTwo' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '', thinking: 'hm' },
      ],
    });
    expect(convert(user('Hi')).stream).toBe(false);
  });

  it('moves images out of the content into bare base64', () => {
    const body = convert(
      user([
        { type: 'text', text: 'What is this?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%2F%3E' } },
      ]),
    );
    expect(body.messages[0]).toEqual({
      role: 'user',
      content: 'What is this?',
      images: ['iVBORw0KGgo=', Buffer.from('<svg/>').toString('base64')],
    });
  });

  it('refuses remote image URLs with a 400 that says what to send instead', () => {
    const error = conversionError(() => convert(user([{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }])));
    expect(error).toMatchObject({ status: 400, errorClass: 'bad_request', kind: 'http', retryable: false, param: 'messages[0].content[0].image_url.url' });
    expect(error.message).toMatch(/cannot fetch remote images.*data: URL/);
  });

  it('refuses audio parts and n > 1', () => {
    expect(conversionError(() => convert(user([{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }]))).status).toBe(400);
    expect(conversionError(() => convert({ ...user('Hi'), n: 2 }))).toMatchObject({ status: 400, param: 'n' });
  });

  it('turns tool calls into objects and names each tool result after its call', () => {
    const body = convert({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_b', content: '12:00' },
        { role: 'tool', tool_call_id: 'call_a', content: [{ type: 'text', text: '21°C' }] },
      ],
    });
    expect(body.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { index: 0, name: 'get_weather', arguments: { city: 'Paris' } } },
          { id: 'call_b', type: 'function', function: { index: 1, name: 'get_time', arguments: {} } },
        ],
      },
      { role: 'tool', content: '12:00', tool_name: 'get_time', tool_call_id: 'call_b' },
      { role: 'tool', content: '21°C', tool_name: 'get_weather', tool_call_id: 'call_a' },
    ]);
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ]);
  });

  it('refuses tool call arguments that are not a JSON object', () => {
    const call = (args: string) => ({
      messages: [{ role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }] }],
    });
    expect(conversionError(() => convert(call('{oops'))).param).toBe('messages[0].tool_calls[0].function.arguments');
    expect(conversionError(() => convert(call('[1,2]'))).message).toMatch(/JSON object/);
  });

  it('honours tool_choice: none drops the tools, a named function keeps only that one', () => {
    const tools = [
      { type: 'function', function: { name: 'a' } },
      { type: 'function', function: { name: 'b' } },
    ];
    expect(convert({ ...user('x'), tools, tool_choice: 'none' }).tools).toBeUndefined();
    expect(convert({ ...user('x'), tools, tool_choice: { type: 'function', function: { name: 'b' } } }).tools).toEqual([tools[1]]);
    expect(convert({ ...user('x'), tools, tool_choice: 'required' }).tools).toEqual(tools);
  });

  it('maps sampling settings into options, Ollama-specific extras last', () => {
    const body = convert({
      ...user('x'),
      temperature: 0.2,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      max_tokens: 100,
      max_completion_tokens: 50,
      stop: 'END',
      top_k: 40,
      num_ctx: 8192,
      keep_alive: '10m',
      options: { temperature: 0.3, repeat_penalty: 1.1 },
    });
    expect(body.options).toEqual({
      temperature: 0.3,
      top_p: 0.9,
      seed: 7,
      presence_penalty: 0.5,
      frequency_penalty: 0.25,
      num_predict: 50,
      stop: ['END'],
      top_k: 40,
      num_ctx: 8192,
      repeat_penalty: 1.1,
    });
    expect(body.keep_alive).toBe('10m');
    expect(convert({ ...user('x'), stop: ['a', 'b'], max_tokens: 9 }).options).toEqual({ stop: ['a', 'b'], num_predict: 9 });
    expect(convert({ ...user('x'), temperature: null }).options).toBeUndefined();
  });

  it('maps response_format to format: "json" or the schema itself', () => {
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    expect(convert({ ...user('x'), response_format: { type: 'json_object' } }).format).toBe('json');
    expect(convert({ ...user('x'), response_format: { type: 'json_schema', json_schema: { name: 'person', schema } } }).format).toEqual(schema);
    expect(convert({ ...user('x'), response_format: { type: 'text' } }).format).toBeUndefined();
  });

  it('maps reasoning_effort to think: levels for gpt-oss, a switch for other models', () => {
    expect(convert({ ...user('x'), reasoning_effort: 'high' }, 'qwen3:8b').think).toBe(true);
    expect(convert({ ...user('x'), reasoning_effort: 'none' }, 'qwen3:8b').think).toBe(false);
    expect(convert({ ...user('x'), reasoning_effort: 'high' }, 'gpt-oss:20b').think).toBe('high');
    expect(convert({ ...user('x'), reasoning_effort: 'minimal' }, 'gpt-oss:20b').think).toBe('low');
    expect(convert({ ...user('x'), reasoning_effort: 'medium' }, 'gpt-oss:120b').think).toBe('medium');
    expect(convert({ ...user('x'), reasoning_effort: 'high', think: false }, 'qwen3:8b').think).toBe(false);
    expect(convert(user('x')).think).toBeUndefined();
  });
});

describe('num_ctx for long requests', () => {
  const request = (characters: number, extra: Record<string, unknown> = {}) =>
    chatRequestSchema.parse({ model: 'ollama/x', messages: [{ role: 'user', content: 'x'.repeat(characters) }], ...extra });
  const context = (needed: number, window?: number) => ({ window, needed: () => needed });

  it("leaves a request that fits Ollama's default context alone (no reload of the model)", () => {
    expect(toOllamaChatRequest(request(100), 'qwen3:8b', 'ollama', context(1_200)).options).toBeUndefined();
    expect(toOllamaChatRequest(request(100), 'qwen3:8b', 'ollama').options).toBeUndefined();
  });

  it("asks for the next power of two that holds the request, within the model's window", () => {
    // Claude Code's first request: ~12k tokens of system prompt and tools, 4k of answer room
    expect(toOllamaChatRequest(request(100), 'qwen3:8b', 'ollama', context(16_500, 40_960)).options).toEqual({ num_ctx: 32_768 });
    expect(toOllamaChatRequest(request(100), 'qwen3:8b', 'ollama', context(5_000)).options).toEqual({ num_ctx: 8_192 });
    expect(toOllamaChatRequest(request(100), 'llama3.2:3b', 'ollama', context(40_000, 32_768)).options).toEqual({ num_ctx: 32_768 });
  });

  it("never overrides the client's own num_ctx", () => {
    expect(toOllamaChatRequest(request(100, { num_ctx: 2_048 }), 'qwen3:8b', 'ollama', context(50_000)).options).toEqual({ num_ctx: 2_048 });
    expect(toOllamaChatRequest(request(100, { options: { num_ctx: 65_536 } }), 'qwen3:8b', 'ollama', context(9_000)).options).toEqual({ num_ctx: 65_536 });
  });
});
