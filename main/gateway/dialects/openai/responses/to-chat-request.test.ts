// Responses request → canonical ChatRequest: one case per item type and mapping rule, and the reasoning round trip.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convertItems, toChatMessages } from './convert-input.js';
import type { HostedUse } from './convert-tools.js';
import { encodeReasoningCarrier } from './reasoning-carrier.js';
import { ResponsesRequestError, validateResponsesRequest, type ResponseInputItem, type ResponsesRequest } from './schema.js';
import { toChatRequest } from './to-chat-request.js';

function translate(body: Record<string, unknown>) {
  const request: ResponsesRequest = validateResponsesRequest({ model: 'claude-sonnet-4-5', ...body });
  const items: ResponseInputItem[] = typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : (request.input ?? []);
  return toChatRequest(request, items);
}

const user = { role: 'user', content: 'hi' };

describe('toChatRequest: messages', () => {
  it('puts instructions first as a system message and maps developer to system', () => {
    const { request } = translate({
      instructions: 'Be brief.',
      input: [
        {
          role: 'developer',
          content: [
            { type: 'input_text', text: 'a' },
            { type: 'input_text', text: 'b' },
          ],
        },
        user,
      ],
    });
    expect(request.model).toBe('claude-sonnet-4-5');
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'a\nb' },
      { role: 'user', content: 'hi' },
    ]);
  });

  it('turns user parts into chat parts: text, image URL with detail, file data', () => {
    const { request, hosted } = translate({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'look' },
            { type: 'input_image', image_url: 'https://example.com/a.png', detail: 'high' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'original' },
            { type: 'input_file', file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' },
            { type: 'input_file', file_data: 'JVBE', filename: 'b.pdf' },
          ],
        },
      ],
    });
    expect(request.messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'look' },
        { type: 'image_url', image_url: { url: 'https://example.com/a.png', detail: 'high' } },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'a.pdf' } },
        { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBE', filename: 'b.pdf' } },
      ],
    });
    expect(hosted).toEqual([]);
  });

  it('lists OpenAI Files and file URLs as hosted, and leaves them out', () => {
    const { request, hosted } = translate({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'x' },
            { type: 'input_image', file_id: 'file-1' },
            { type: 'input_file', file_id: 'file-2' },
            { type: 'input_file', file_url: 'https://x/y.pdf' },
          ],
        },
      ],
    });
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'x' }] }]);
    expect(hosted).toEqual([
      { param: 'input[0].content[1]', type: 'input_image.file_id (OpenAI Files)' },
      { param: 'input[0].content[2]', type: 'input_file.file_id (OpenAI Files)' },
      { param: 'input[0].content[3]', type: 'input_file.file_url' },
    ]);
  });

  it('merges one turn of assistant items into one assistant message', () => {
    const { request } = translate({
      tools: [{ type: 'custom', name: 'apply_patch' }, { type: 'local_shell' }],
      input: [
        user,
        { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'Plan: look' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Looking.', annotations: [] }] },
        { type: 'function_call', call_id: 'call_1', name: 'read', arguments: '{"path":"a"}' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n"quoted"' },
        {
          type: 'local_shell_call',
          id: 'lsh_1',
          call_id: 'call_3',
          status: 'completed',
          action: { type: 'exec', command: ['ls', '-a'], env: { A: 'b' }, working_directory: '/tmp', timeout_ms: 5000 },
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'contents' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done!' },
        { type: 'function_call_output', call_id: 'call_3', output: 'a.txt' },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: 'Looking.',
        reasoning_content: 'Plan: look',
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
          { id: 'call_2', type: 'function', function: { name: 'apply_patch', arguments: JSON.stringify({ input: '*** Begin Patch\n"quoted"' }) } },
          {
            id: 'call_3',
            type: 'function',
            function: { name: 'local_shell', arguments: JSON.stringify({ command: ['ls', '-a'], workdir: '/tmp', timeout_ms: 5000 }) },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'contents' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Done!' },
      { role: 'tool', tool_call_id: 'call_3', content: 'a.txt' },
    ]);
  });

  it("answers a local_shell call named by id (OpenAI's local_shell_call_output shape)", () => {
    const { request } = translate({
      input: [
        user,
        { type: 'local_shell_call', id: 'call_9', status: 'completed', action: { type: 'exec', command: ['pwd'], env: {} } },
        { type: 'local_shell_call_output', id: 'call_9', output: '/home' },
      ],
    });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'local_shell', arguments: '{"command":["pwd"]}' } }],
      },
      { role: 'tool', tool_call_id: 'call_9', content: '/home' },
    ]);
  });

  it('moves images from tool outputs into a user message after the tool results', () => {
    const { request } = translate({
      input: [
        user,
        { type: 'function_call', call_id: 'c1', name: 'view_image', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'read', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [
            { type: 'input_text', text: 'here' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          ],
        },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [
            { type: 'input_text', text: 'one' },
            { type: 'input_text', text: 'two' },
          ],
        },
        { role: 'user', content: 'and?' },
      ],
    });
    expect(request.messages.slice(2)).toEqual([
      { role: 'tool', tool_call_id: 'c1', content: 'here\n[1 attachment(s) follow in the next message]' },
      { role: 'tool', tool_call_id: 'c2', content: 'one\ntwo' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Attachments from tool call c1:' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'user', content: 'and?' },
    ]);
  });

  it('drops an assistant turn that holds nothing but reasoning', () => {
    const { request } = translate({
      input: [user, { type: 'reasoning', summary: [{ type: 'summary_text', text: 'hm' }] }, { role: 'user', content: 'again' }],
    });
    expect(request.messages.map((message) => message.role)).toEqual(['user', 'user']);
  });

  it("keeps a refusal as the assistant's text", () => {
    const { request } = translate({
      input: [user, { role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot.' }] }, { role: 'user', content: 'ok' }],
    });
    expect(request.messages[1]).toEqual({ role: 'assistant', content: 'I cannot.' });
  });

  it('refuses an unresolved item_reference, naming it', () => {
    expect(() => translate({ input: [user, { type: 'item_reference', id: 'msg_gone' }] })).toThrow(ResponsesRequestError);
    expect(() => translate({ input: [user, { type: 'item_reference', id: 'msg_gone' }] })).toThrow("input[1]: item_reference 'msg_gone'");
  });

  it('refuses a request with nothing to answer', () => {
    expect(() => translate({ input: [] })).toThrow('input:');
  });

  it('lists hosted-tool items of the input and leaves them out', () => {
    const { request, hosted } = translate({
      input: [user, { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search' } }, { role: 'assistant', content: 'Sunny.' }],
    });
    expect(hosted).toEqual([{ param: 'input[1]', type: 'web_search_call' }]);
    expect(request.messages).toEqual([user, { role: 'assistant', content: 'Sunny.' }]);
  });
});

describe('toChatRequest: reasoning round trip', () => {
  const claudeDetails = [{ type: 'reasoning.text', text: 'Let me think.', signature: 'sig-1', format: 'anthropic-claude-v1', index: 0 }];

  it('gives a Switchyard carrier back as reasoning_details and reasoning_content', () => {
    const carrier = encodeReasoningCarrier({ details: claudeDetails, text: 'Let me think.' });
    const { request } = translate({
      input: [
        user,
        {
          type: 'reasoning',
          summary: [{ type: 'summary_text', text: 'Let me think.' }],
          content: [{ type: 'reasoning_text', text: 'Let me think.' }],
          encrypted_content: carrier,
        },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      ],
    });
    expect(request.messages[1]).toMatchObject({ role: 'assistant', reasoning_content: 'Let me think.', reasoning_details: claudeDetails });
  });

  it("drops OpenAI's own encrypted_content (only OpenAI can read it) and keeps the summary as text", () => {
    const { request } = translate({
      input: [
        user,
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'Summary.' }], encrypted_content: 'gAAAAABopaque' },
        { role: 'assistant', content: 'Hi.' },
      ],
    });
    expect(request.messages[1]).toEqual({ role: 'assistant', content: 'Hi.', reasoning_content: 'Summary.' });
  });

  it('renumbers details of two carriers in one turn so that their blocks stay apart', () => {
    const first = encodeReasoningCarrier({ details: claudeDetails });
    const second = encodeReasoningCarrier({
      details: [
        { ...claudeDetails[0], text: 'More.', signature: 'sig-2' },
        { type: 'reasoning.encrypted', data: 'g', format: 'google-gemini-v1', id: 'c1' },
      ],
    });
    const { request } = translate({
      input: [user, { type: 'reasoning', encrypted_content: first }, { type: 'reasoning', encrypted_content: second }, { role: 'assistant', content: 'x' }],
    });
    expect(request.messages[1]?.['reasoning_details']).toEqual([
      claudeDetails[0],
      { ...claudeDetails[0], text: 'More.', signature: 'sig-2', index: 1 },
      { type: 'reasoning.encrypted', data: 'g', format: 'google-gemini-v1', id: 'c1' },
    ]);
  });
});

describe('toChatRequest: tools and settings', () => {
  it('maps function, custom and local_shell tools; lists hosted ones', () => {
    const { request, tools, hosted } = translate({
      input: 'x',
      tools: [
        { type: 'function', name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true },
        { type: 'function', name: 'now', parameters: null },
        { type: 'custom', name: 'apply_patch', description: 'Edit files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch' } },
        { type: 'local_shell' },
        { type: 'web_search_preview' },
        { type: 'mcp', server_label: 'x' },
      ],
    });
    expect(request.tools?.[0]).toEqual({
      type: 'function',
      function: { name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } }, strict: true },
    });
    expect(request.tools?.[1]).toEqual({ type: 'function', function: { name: 'now', parameters: { type: 'object', properties: {} } } });
    const custom = request.tools?.[2]?.function;
    expect(custom?.parameters).toEqual({
      type: 'object',
      properties: { input: { type: 'string', description: 'The complete free-form input.' } },
      required: ['input'],
      additionalProperties: false,
    });
    expect(custom?.description).toContain('Edit files.');
    expect(custom?.description).toContain('"input"');
    expect(custom?.description).toContain('lark grammar:\nstart: begin_patch');
    expect(request.tools?.[3]?.function.name).toBe('local_shell');
    expect(request.tools?.[3]?.function.parameters).toMatchObject({ required: ['command'] });
    expect(request.tools).toHaveLength(4);
    expect(hosted).toEqual([
      { param: 'tools[4]', type: 'web_search_preview' },
      { param: 'tools[5]', type: 'mcp' },
    ]);
    expect([tools.kindOf('read'), tools.kindOf('apply_patch'), tools.kindOf('local_shell'), tools.kindOf('unknown')]).toEqual([
      'function',
      'custom',
      'local_shell',
      'function',
    ]);
  });

  it.each([
    ['required', 'required'],
    [
      { type: 'function', name: 'read' },
      { type: 'function', function: { name: 'read' } },
    ],
    [
      { type: 'custom', name: 'apply_patch' },
      { type: 'function', function: { name: 'apply_patch' } },
    ],
    [{ type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'read' }] }, 'auto'],
    [{ type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'read' }] }, 'required'],
  ])('maps tool_choice %j', (choice, expected) => {
    const { request } = translate({
      input: 'x',
      tools: [
        { type: 'function', name: 'read' },
        { type: 'custom', name: 'apply_patch' },
      ],
      tool_choice: choice,
      parallel_tool_calls: false,
    });
    expect(request.tool_choice).toEqual(expected);
    expect(request.parallel_tool_calls).toBe(false);
  });

  it('lists a hosted tool_choice and leaves parallel_tool_calls off a request without tools', () => {
    const { request, hosted } = translate({ input: 'x', tool_choice: { type: 'file_search' }, parallel_tool_calls: true });
    expect(hosted).toEqual([{ param: 'tool_choice', type: 'file_search' }]);
    expect(request.tool_choice).toBeUndefined();
    expect(request.parallel_tool_calls).toBeUndefined();
  });

  it('maps text.format, reasoning, limits, sampling and streaming', () => {
    const { request } = translate({
      input: 'x',
      text: { format: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true, description: 'The answer' }, verbosity: 'low' },
      reasoning: { effort: 'high', summary: 'auto' },
      max_output_tokens: 1000,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
      user: 'u1',
      prompt_cache_key: 'k1',
      safety_identifier: 's1',
      metadata: { a: 'b' },
      store: false,
      service_tier: 'flex',
    });
    expect(request).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'x' }],
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, description: 'The answer', strict: true } },
      reasoning_effort: 'high',
      max_completion_tokens: 1000,
      temperature: 0.2,
      top_p: 0.9,
      stream: true,
      stream_options: { include_usage: true },
      user: 'u1',
      prompt_cache_key: 'k1',
      safety_identifier: 's1',
    });
    expect(translate({ input: 'x', text: { format: { type: 'json_object' } } }).request.response_format).toEqual({ type: 'json_object' });
    expect(translate({ input: 'x', text: { format: { type: 'text' } }, stream: false }).request).toEqual({
      model: 'claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'x' }],
    });
  });

  it('lists background runs and stored conversations as hosted', () => {
    expect(translate({ input: 'x', background: true, conversation: 'conv_1' }).hosted).toEqual([
      { param: 'background', type: 'background' },
      { param: 'conversation', type: 'conversation' },
    ]);
  });
});

describe('toChatMessages: text messages', () => {
  it('maps messages with string content as the full conversion does, and leaves every other list to it', () => {
    const message = fc.record(
      {
        type: fc.constantFrom('message', undefined),
        role: fc.constantFrom('user', 'system', 'developer', 'assistant'),
        content: fc.oneof(fc.string({ maxLength: 6 }), fc.constant([{ type: 'input_text', text: 'part' }])),
      },
      { requiredKeys: ['role', 'content'] },
    );
    const other = fc.constantFrom<ResponseInputItem>(
      { type: 'function_call', call_id: 'c1', name: 'read', arguments: '{}' } as ResponseInputItem,
      { type: 'function_call_output', call_id: 'c1', output: 'done' } as ResponseInputItem,
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(message, message, other), { maxLength: 5 }), (items) => {
        const input = items as ResponseInputItem[];
        const fast: HostedUse[] = [];
        const full: HostedUse[] = [];
        expect(toChatMessages(input, fast)).toEqual(convertItems(input, full));
        expect(fast).toEqual(full);
      }),
      { numRuns: 300 },
    );
  });
});
