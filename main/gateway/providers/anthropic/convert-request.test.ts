// OpenAI request → Anthropic body, as pure functions: system hoisting, alternation, tool results, images, cache
// control, tools and tool_choice, max_tokens defaults, thinking per model family, sampling rules and JSON output.
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../shared/openai-schema.js';
import { ProviderError } from '../errors.js';
import { toAnthropicRequest } from './convert-request.js';

function convert(request: Record<string, unknown>, model = 'claude-sonnet-4-5-20250929') {
  const parsed = chatRequestSchema.parse({ model: `anthropic/${model}`, messages: [{ role: 'user', content: 'Hi' }], ...request });
  return toAnthropicRequest(parsed, model, 'anthropic');
}

function failure(request: Record<string, unknown>, model?: string): ProviderError {
  try {
    convert(request, model);
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

describe('messages', () => {
  it('hoists system and developer messages into `system` and merges same-role turns', () => {
    const { body } = convert({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'developer', content: [{ type: 'text', text: 'Answer in French.' }] },
        { role: 'user', content: 'Again' },
      ],
    });
    expect(body.system).toEqual([
      { type: 'text', text: 'Be brief.' },
      { type: 'text', text: 'Answer in French.' },
    ]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'Again' },
        ],
      },
    ]);
  });

  it('sends a single plain system message as a string, and a cache_control one as blocks', () => {
    expect(
      convert({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
      }).body.system,
    ).toBe('Be brief.');
    const cached = convert({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(cached.body.system).toEqual([{ type: 'text', text: 'Long manual', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
  });

  it('turns tool calls into tool_use blocks and consecutive tool results into one user turn', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Sunny' },
        {
          role: 'tool',
          tool_call_id: 'toolu_2',
          content: [
            { type: 'text', text: 'Rain' },
            { type: 'text', text: '12 °C' },
          ],
        },
        { role: 'user', content: 'Thanks' },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: {} },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' },
          {
            type: 'tool_result',
            tool_use_id: 'toolu_2',
            content: [
              { type: 'text', text: 'Rain' },
              { type: 'text', text: '12 °C' },
            ],
          },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('drops empty text (Anthropic rejects empty blocks) and an assistant turn left empty', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'Hello?' },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'Hello?' },
        ],
      },
    ]);
  });

  it('converts data: images to base64 sources and https images to url sources, keeping cache_control', () => {
    const { body } = convert({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' }, cache_control: { type: 'ephemeral' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ],
    });
    expect(body.messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' }, cache_control: { type: 'ephemeral' } },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'a.pdf' },
    ]);
  });

  it('refuses unsupported images, audio and bad tool arguments with a 400 naming the field', () => {
    expect(failure({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/bmp;base64,Qk0=' } }] }] })).toMatchObject({
      status: 400,
      errorClass: 'bad_request',
      param: 'messages[0].content[0].image_url.url',
    });
    expect(failure({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } }] }] }).param).toBe(
      'messages[0].content[0]',
    );
    const badArguments = {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{not json' } }],
    };
    expect(failure({ messages: [{ role: 'user', content: 'Hi' }, badArguments] }).param).toBe('messages[1].tool_calls[0].function.arguments');
    expect(failure({ n: 2 }).param).toBe('n');
  });

  it('puts thinking blocks from reasoning_details back before the text and tool_use blocks', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: 'Hello',
          reasoning_content: 'Let me think.',
          reasoning_details: [
            { type: 'reasoning.text', text: 'Let me ', format: 'anthropic-claude-v1', index: 0 },
            { type: 'reasoning.text', text: 'think.', format: 'anthropic-claude-v1', index: 0 },
            { type: 'reasoning.text', signature: 'EqSig==', format: 'anthropic-claude-v1', index: 0 },
            { type: 'reasoning.encrypted', data: 'EmRedacted', format: 'anthropic-claude-v1', index: 1 },
            { type: 'reasoning.text', text: 'from another provider', signature: 'x', format: 'openai-responses-v1', index: 2 },
            { type: 'reasoning.text', text: 'unsigned', index: 3 },
          ],
        },
        { role: 'user', content: 'More' },
      ],
    });
    expect(body.messages[1]?.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'EqSig==' },
      { type: 'redacted_thinking', data: 'EmRedacted' },
      { type: 'text', text: 'Hello' },
    ]);
  });

  it('takes the thinking text from reasoning_content when the details kept only the signature', () => {
    const { body } = convert({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello', reasoning_content: 'Thought.', reasoning_details: [{ type: 'reasoning.text', signature: 'EqSig==', index: 0 }] },
      ],
    });
    expect(body.messages[1]?.content[0]).toEqual({ type: 'thinking', thinking: 'Thought.', signature: 'EqSig==' });
  });
});

describe('settings', () => {
  it('always sends max_tokens: the client value, else the model default', () => {
    expect(convert({ max_completion_tokens: 300, max_tokens: 100 }).body.max_tokens).toBe(300);
    expect(convert({ max_tokens: 100 }).body.max_tokens).toBe(100);
    expect(convert({}, 'claude-3-haiku-20240307').body.max_tokens).toBe(4096);
    expect(convert({}, 'claude-3-5-sonnet-20241022').body.max_tokens).toBe(8192);
    expect(convert({}, 'claude-3-7-sonnet-20250219').body.max_tokens).toBe(16384);
    expect(convert({}, 'claude-opus-4-1-20250805').body.max_tokens).toBe(16384);
    expect(convert({}, 'some-proxy-model').body.max_tokens).toBe(4096);
  });

  it('maps temperature (clamped to 1), top_p, stop, user and top_k', () => {
    const { body } = convert({ temperature: 1.6, stop: 'END', user: 'user-42', top_k: 40 }, 'claude-3-5-haiku-20241022');
    expect(body).toMatchObject({ temperature: 1, stop_sequences: ['END'], metadata: { user_id: 'user-42' }, top_k: 40 });
    expect(convert({ top_p: 0.9, stop: ['a', 'b'] }, 'claude-3-5-haiku-20241022').body).toMatchObject({ top_p: 0.9, stop_sequences: ['a', 'b'] });
  });

  it('sends only temperature to Claude 4.5 when both are set, and no sampling settings to Opus 4.7', () => {
    const both = convert({ temperature: 0.3, top_p: 0.9 }).body;
    expect([both.temperature, both.top_p]).toEqual([0.3, undefined]);
    const opus = convert({ temperature: 0.3, top_p: 0.9, top_k: 5 }, 'claude-opus-4-7').body;
    expect([opus.temperature, opus.top_p, opus.top_k]).toEqual([undefined, undefined, undefined]);
  });

  it('maps tools, tool_choice and parallel_tool_calls', () => {
    const { body } = convert({ tools: [{ ...weatherTool, cache_control: { type: 'ephemeral' } }] });
    expect(body.tools).toEqual([
      { name: 'get_weather', description: 'Weather for a city', input_schema: weatherTool.function.parameters, cache_control: { type: 'ephemeral' } },
    ]);
    expect(body.tool_choice).toBeUndefined();
    const choice = (tool_choice: unknown, parallel?: boolean) =>
      convert({ tools: [weatherTool], tool_choice, ...(parallel === undefined ? {} : { parallel_tool_calls: parallel }) }).body.tool_choice;
    expect(choice('auto')).toEqual({ type: 'auto' });
    expect(choice('required')).toEqual({ type: 'any' });
    expect(choice('none')).toEqual({ type: 'none' });
    expect(choice({ type: 'function', function: { name: 'get_weather' } })).toEqual({ type: 'tool', name: 'get_weather' });
    expect(choice(undefined, false)).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(choice('required', false)).toEqual({ type: 'any', disable_parallel_tool_use: true });
    expect(convert({ tools: [{ type: 'function', function: { name: 'ping' } }] }).body.tools?.[0]?.input_schema).toEqual({ type: 'object', properties: {} });
  });
});

describe('thinking', () => {
  it('turns reasoning_effort into a budget on budget models, adding room to max_tokens', () => {
    const { body } = convert({ reasoning_effort: 'high', max_tokens: 1000, temperature: 0.5, top_p: 0.97 }, 'claude-sonnet-4-5-20250929');
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    expect(body.max_tokens).toBe(17384);
    expect([body.temperature, body.top_p]).toEqual([undefined, 0.97]); // thinking allows only top_p ≥ 0.95
    expect(convert({ reasoning_effort: 'low' }, 'claude-3-7-sonnet-20250219').body).toMatchObject({
      thinking: { type: 'enabled', budget_tokens: 2048 },
      max_tokens: 18432,
    });
  });

  it('keeps the budget below the model output limit', () => {
    const { body } = convert({ reasoning_effort: 'xhigh', max_tokens: 30000 }, 'claude-opus-4-1-20250805');
    expect(body.max_tokens).toBe(32000);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 31999 });
  });

  it('uses adaptive thinking with an effort on 4.6 and later, none on models that cannot think', () => {
    expect(convert({ reasoning_effort: 'medium' }, 'claude-opus-4-6').body).toMatchObject({
      thinking: { type: 'adaptive' },
      output_config: { effort: 'medium' },
      max_tokens: 16384,
    });
    expect(convert({ reasoning_effort: 'xhigh' }, 'claude-opus-4-7').body.output_config).toEqual({ effort: 'xhigh' });
    expect(convert({ reasoning_effort: 'xhigh' }, 'claude-sonnet-4-6').body.output_config).toEqual({ effort: 'high' });
    expect(convert({ reasoning_effort: 'high' }, 'claude-3-5-haiku-20241022').body.thinking).toBeUndefined();
    expect(convert({ reasoning_effort: 'none' }).body.thinking).toBeUndefined();
  });

  it('passes an explicit Anthropic `thinking` object through, making room for its budget', () => {
    const { body } = convert({ thinking: { type: 'enabled', budget_tokens: 5000 }, max_tokens: 2000 });
    expect(body).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 5000 }, max_tokens: 7000 });
  });
});

describe('JSON output', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };

  it('uses native structured outputs where the model has them', () => {
    const converted = convert({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } }, 'claude-sonnet-4-5-20250929');
    expect(converted.jsonTool).toBe(false);
    expect(converted.body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(converted.body.tools).toBeUndefined();
  });

  it('falls back to a forced "json" tool on older models and for json_object', () => {
    const old = convert({ response_format: { type: 'json_schema', json_schema: { name: 'place', schema } } }, 'claude-3-5-haiku-20241022');
    expect(old.jsonTool).toBe(true);
    expect(old.body.tools).toEqual([{ name: 'json', description: 'Respond with a JSON object.', input_schema: schema }]);
    expect(old.body.tool_choice).toEqual({ type: 'tool', name: 'json' });
    const object = convert({ response_format: { type: 'json_object' } });
    expect(object.body.tools?.[0]?.input_schema).toEqual({ type: 'object' });
  });

  it('does not force the tool while thinking (Anthropic forbids it) or when the client has tools of its own', () => {
    expect(convert({ response_format: { type: 'json_object' }, reasoning_effort: 'low' }).body.tool_choice).toBeUndefined();
    const withTools = convert({ response_format: { type: 'json_object' }, tools: [weatherTool] });
    expect(withTools.body.tools?.map((tool) => tool.name)).toEqual(['get_weather', 'json']);
    expect(withTools.body.tool_choice).toBeUndefined();
  });
});
