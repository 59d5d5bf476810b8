// The inbound translation, Anthropic request → OpenAI ChatRequest: system, every content block, tools and tool
// choice, sampling, thinking → effort, what gets reported as unsupported, and that thinking signatures survive the
// round trip through the outbound Anthropic adapter's converter.
import { describe, expect, it } from 'vitest';
import { toAnthropicMessages } from '../../providers/anthropic/chat-to-anthropic-messages.js';
import { GatewayError } from '../../http/errors.js';
import { validateInbound } from './inbound.js';
import { countTokensRequestSchema, messagesRequestSchema } from './messages-schema.js';
import { reasoningEffort, toChatRequest, toCountTokensChatRequest } from './to-chat-request.js';

const translate = (body: Record<string, unknown>): ReturnType<typeof toChatRequest> =>
  toChatRequest(messagesRequestSchema.parse({ model: 'claude-sonnet-4-5', max_tokens: 100, messages: [{ role: 'user', content: 'Hi' }], ...body }));

describe('toChatRequest', () => {
  it("leaves out Claude Code's billing-header system block, whose changing suffix would break another model's prompt cache", () => {
    const { request } = translate({
      system: [
        { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.337.be9; cc_entrypoint=sdk-cli;' },
        { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
      ],
    });
    expect(request.messages[0]).toEqual({ role: 'system', content: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }] });
    expect(translate({ system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1' }] }).request.messages[0]?.role).toBe('user');
  });

  it("keeps a system entry among the messages (Claude Code's, for a model name it does not know) as a system message where it stands", () => {
    const { request } = translate({
      system: [{ type: 'text', text: 'You are Claude Code.' }],
      messages: [
        { role: 'system', content: 'The model is not a Claude model.' },
        { role: 'user', content: 'Hi' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Reminder: ' },
            { type: 'text', text: 'be brief.' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'You are Claude Code.' }] },
      { role: 'system', content: 'The model is not a Claude model.' },
      { role: 'user', content: 'Hi' },
      {
        role: 'system',
        content: [
          { type: 'text', text: 'Reminder: ' },
          { type: 'text', text: 'be brief.' },
        ],
      },
    ]);
  });

  it('maps the settings one to one', () => {
    const { request, unsupported } = translate({
      system: 'Be brief.',
      stream: true,
      stop_sequences: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      metadata: { user_id: 'user-1' },
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 100,
      stream: true,
      stop: ['END'],
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      user: 'user-1',
    });
    expect(unsupported).toEqual([]);
  });

  it('keeps system blocks and cache_control as content parts', () => {
    const { request } = translate({
      system: [
        { type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral' } },
        { type: 'text', text: 'More.' },
      ],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Long doc', cache_control: { type: 'ephemeral', ttl: '1h' } }] }],
    });
    expect(request.messages).toEqual([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'Rules.', cache_control: { type: 'ephemeral' } },
          { type: 'text', text: 'More.' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Long doc', cache_control: { type: 'ephemeral', ttl: '1h' } }] },
    ]);
  });

  it('turns images into image_url parts and documents into file or text parts', () => {
    const { request, unsupported } = translate({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' }, title: 'spec.pdf' },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'Plain notes' }, title: 'Notes' },
            { type: 'text', text: 'What are these?' },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
        { type: 'file', file: { filename: 'spec.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
        { type: 'text', text: 'Notes\n\nPlain notes' },
        { type: 'text', text: 'What are these?' },
      ],
    });
    expect(unsupported).toEqual([]);
  });

  it('turns tool_use into tool_calls and each tool_result into a tool message, in order, before the rest of the turn', () => {
    const { request } = translate({
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '18°C' },
            { type: 'tool_result', tool_use_id: 'toolu_2', is_error: true, content: [{ type: 'text', text: 'service down' }] },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'toolu_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '18°C' },
      { role: 'tool', tool_call_id: 'toolu_2', content: 'Error:\nservice down' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('moves images from a tool result into a user message after the tool messages', () => {
    const { request } = translate({
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'screenshot', input: {} }] },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'Here.' },
                { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/' } },
              ],
            },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'Here.' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } }] },
    ]);
  });

  it('carries thinking blocks as reasoning_details that the outbound Anthropic converter turns back into the same blocks', () => {
    const thinking = [
      { type: 'thinking', thinking: 'Let me think.', signature: 'EqSIGNATURE==' },
      { type: 'redacted_thinking', data: 'EmREDACTED' },
    ];
    const { request } = translate({
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: [...thinking, { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ],
    });
    const assistant = request.messages[1];
    expect(assistant?.role === 'assistant' && assistant['reasoning_details']).toEqual([
      { type: 'reasoning.text', text: 'Let me think.', signature: 'EqSIGNATURE==', format: 'anthropic-claude-v1', index: 0 },
      { type: 'reasoning.encrypted', data: 'EmREDACTED', format: 'anthropic-claude-v1', index: 1 },
    ]);
    const back = toAnthropicMessages(request.messages, 'anthropic');
    expect(back.messages[1]?.content.slice(0, 2)).toEqual(thinking);
  });

  it('maps tools and every tool_choice', () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
    const base = translate({ tools });
    expect(base.request.tools).toEqual([{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: tools[0]?.input_schema } }]);
    expect(base.request.tool_choice).toBeUndefined();
    expect(translate({ tools, tool_choice: { type: 'auto' } }).request.tool_choice).toBe('auto');
    expect(translate({ tools, tool_choice: { type: 'any', disable_parallel_tool_use: true } }).request).toMatchObject({
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(translate({ tools, tool_choice: { type: 'tool', name: 'get_weather' } }).request.tool_choice).toEqual({
      type: 'function',
      function: { name: 'get_weather' },
    });
    expect(translate({ tools, tool_choice: { type: 'none' } }).request.tool_choice).toBe('none');
  });

  it('reports what OpenAI chat cannot carry: server tools, unknown blocks, file ids, MCP servers', () => {
    const { request, unsupported } = translate({
      tools: [
        { type: 'web_search_20250305', name: 'web_search' },
        { name: 'f', input_schema: { type: 'object' } },
      ],
      mcp_servers: [{ type: 'url', url: 'https://mcp.example.com', name: 'x' }],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'file', file_id: 'file_1' } },
            { type: 'text', text: 'hi' },
          ],
        },
        { role: 'assistant', content: [{ type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} }] },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(unsupported.map((entry) => entry.param)).toEqual(['messages[0].content[0].source', 'messages[1].content[0]', 'tools[0]', 'mcp_servers']);
    expect(request.tools?.map((tool) => tool.function.name)).toEqual(['f']);
  });

  it('buckets a thinking budget into reasoning_effort and maps effort names', () => {
    expect(reasoningEffort({ thinking: { type: 'enabled', budget_tokens: 1024 } })).toBe('low');
    expect(reasoningEffort({ thinking: { type: 'enabled', budget_tokens: 10_000 } })).toBe('medium');
    expect(reasoningEffort({ thinking: { type: 'enabled', budget_tokens: 31_999 } })).toBe('high');
    expect(reasoningEffort({ thinking: { type: 'adaptive' } })).toBe('medium');
    expect(reasoningEffort({ thinking: { type: 'adaptive' }, output_config: { effort: 'max' } })).toBe('high');
    expect(reasoningEffort({ output_config: { effort: 'low' } })).toBe('low');
    expect(reasoningEffort({ thinking: { type: 'disabled' }, output_config: { effort: 'low' } })).toBeUndefined();
    expect(reasoningEffort({})).toBeUndefined();
    expect(translate({ thinking: { type: 'enabled', budget_tokens: 2048 } }).request.reasoning_effort).toBe('low');
  });

  it('turns output_config.format into a JSON-schema response format', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    expect(translate({ output_config: { format: { type: 'json_schema', schema } } }).request.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'response', schema },
    });
  });

  it('count_tokens requests translate without generation settings', () => {
    const { request } = toCountTokensChatRequest(
      countTokensRequestSchema.parse({ model: 'm', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 'ignored' }),
    );
    expect(request).toEqual({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] });
  });
});

describe('messagesRequestSchema', () => {
  it('names the first bad field, however deep (a 400 in the handler)', () => {
    const body = {
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'ok' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png' } },
          ],
        },
      ],
    };
    const error = (() => {
      try {
        validateInbound(messagesRequestSchema, body);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 400, param: 'messages[0].content[1].source.data' });
    expect((error as GatewayError).message).toMatch(/^messages\[0\]\.content\[1\]\.source\.data: /);
  });

  it('requires max_tokens and a known role, and keeps blocks it does not know as unsupported', () => {
    expect(messagesRequestSchema.safeParse({ model: 'm', messages: [{ role: 'user', content: 'x' }] }).error?.issues[0]?.path).toEqual(['max_tokens']);
    expect(messagesRequestSchema.safeParse({ model: 'm', max_tokens: 1, messages: [{ role: 'tool', content: 'x' }] }).error?.issues[0]?.path).toEqual([
      'messages',
      0,
      'role',
    ]);
    const parsed = messagesRequestSchema.parse({
      model: 'm',
      max_tokens: 1,
      messages: [{ role: 'user', content: [{ type: 'container_upload', file_id: 'f' }] }],
    });
    expect(parsed.messages[0]?.content).toEqual([{ type: 'unsupported', originalType: 'container_upload' }]);
  });
});
