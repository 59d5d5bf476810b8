// ChatCompletion → Response object: the whole object for a text answer, then one case per item kind and status.
import { describe, expect, it } from 'vitest';
import type { AssistantMessage, ChatCompletion, FinishReason, Usage } from '../../../../../shared/openai-types.js';
import { convertTools } from './convert-tools.js';
import { decodeReasoningCarrier } from './reasoning-carrier.js';
import { validateResponsesRequest } from './schema.js';
import { newResponseId, toResponse, type ResponseContext } from './to-response.js';

const tools = [{ type: 'function', name: 'read' }, { type: 'custom', name: 'apply_patch' }, { type: 'local_shell' }];

function contextFor(body: Record<string, unknown> = {}, includeEncrypted = false): ResponseContext {
  const request = validateResponsesRequest({ model: 'my-model', input: 'x', tools, ...body });
  return { id: 'resp_test', createdAt: 1_700_000_000, model: 'my-model', request, tools: convertTools(request.tools, []).names, includeEncrypted };
}

function completion(message: Partial<AssistantMessage>, finishReason: FinishReason = 'stop', usage?: Usage): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'upstream',
    choices: [{ index: 0, message: { role: 'assistant', content: null, ...message }, finish_reason: finishReason }],
    ...(usage ? { usage } : {}),
  };
}

describe('toResponse', () => {
  it('a text answer: the whole Response object, with the request echoed and OpenAI defaults', () => {
    const usage: Usage = {
      prompt_tokens: 30,
      completion_tokens: 5,
      total_tokens: 35,
      prompt_tokens_details: { cached_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 2 },
      cost: 0.001,
    };
    const response = toResponse(
      completion({ content: 'Hello.' }, 'stop', usage),
      contextFor({ tools: undefined, metadata: { a: 'b' }, instructions: 'Be kind.' }),
    );
    expect(response).toEqual({
      id: 'resp_test',
      object: 'response',
      created_at: 1_700_000_000,
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: 'Be kind.',
      max_output_tokens: null,
      max_tool_calls: null,
      model: 'my-model',
      output: [
        {
          id: expect.stringMatching(/^msg_[0-9a-f]{48}$/),
          type: 'message',
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Hello.', annotations: [], logprobs: [] }],
        },
      ],
      parallel_tool_calls: true,
      previous_response_id: null,
      prompt_cache_key: null,
      reasoning: { effort: null, summary: null },
      safety_identifier: null,
      service_tier: 'default',
      store: true,
      temperature: 1,
      text: { format: { type: 'text' }, verbosity: 'medium' },
      tool_choice: 'auto',
      tools: [],
      top_logprobs: 0,
      top_p: 1,
      truncation: 'disabled',
      usage: {
        input_tokens: 30,
        input_tokens_details: { cached_tokens: 20 },
        output_tokens: 5,
        output_tokens_details: { reasoning_tokens: 2 },
        total_tokens: 35,
        cost: 0.001,
      },
      user: null,
      metadata: { a: 'b' },
    });
    expect(response).not.toHaveProperty('output_text');
  });

  it('echoes what the request set', () => {
    const response = toResponse(
      completion({ content: 'x' }),
      contextFor({
        temperature: 0.3,
        top_p: 0.5,
        store: false,
        tool_choice: 'required',
        max_output_tokens: 99,
        reasoning: { effort: 'low', summary: 'auto' },
        previous_response_id: 'resp_prev',
        user: 'u',
        text: { format: { type: 'json_object' } },
      }),
    );
    expect(response).toMatchObject({
      temperature: 0.3,
      top_p: 0.5,
      store: false,
      tool_choice: 'required',
      max_output_tokens: 99,
      reasoning: { effort: 'low', summary: 'auto' },
      previous_response_id: 'resp_prev',
      user: 'u',
      text: { format: { type: 'json_object' } },
    });
    expect(response.tools).toEqual(tools);
  });

  it('reasoning comes first: text in content, a summary when asked, details in a decodable encrypted_content', () => {
    const details = [{ type: 'reasoning.text', text: 'Think.', signature: 'sig', format: 'anthropic-claude-v1', index: 0 }];
    const response = toResponse(
      completion({ content: 'Done.', reasoning_content: 'Think.', reasoning_details: details }),
      contextFor({ reasoning: { summary: 'auto' } }),
    );
    const [reasoning, message] = response.output;
    expect(reasoning).toEqual({
      id: expect.stringMatching(/^rs_/),
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'Think.' }],
      content: [{ type: 'reasoning_text', text: 'Think.' }],
      encrypted_content: expect.stringMatching(/^sy1\./),
    });
    expect(decodeReasoningCarrier(String(reasoning && 'encrypted_content' in reasoning ? reasoning.encrypted_content : ''))).toEqual({
      details,
      text: 'Think.',
    });
    expect(message?.type).toBe('message');
  });

  it('reasoning text alone: no summary unless asked, no encrypted_content unless asked', () => {
    const plain = toResponse(completion({ content: 'x', reasoning_content: 'Hm.' }), contextFor());
    expect(plain.output[0]).toEqual({ id: expect.any(String), type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Hm.' }] });
    const asked = toResponse(completion({ content: 'x', reasoning: 'Hm.' }), contextFor({}, true));
    expect(decodeReasoningCarrier(String((asked.output[0] as { encrypted_content?: string }).encrypted_content))).toEqual({ details: [], text: 'Hm.' });
  });

  it('one item per tool call, in the type its tool was declared with', () => {
    const response = toResponse(
      completion(
        {
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
            { id: 'call_2', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch\\n"}' } },
            { id: 'call_3', type: 'function', function: { name: 'local_shell', arguments: '{"command":["ls","-a"],"workdir":"/tmp","timeout_ms":1000}' } },
          ],
        },
        'tool_calls',
      ),
      contextFor(),
    );
    expect(response.output).toEqual([
      { id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', arguments: '{"path":"a"}', call_id: 'call_1', name: 'read' },
      { id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch\n' },
      {
        id: expect.stringMatching(/^lsh_/),
        type: 'local_shell_call',
        status: 'completed',
        call_id: 'call_3',
        action: { type: 'exec', command: ['ls', '-a'], env: {}, working_directory: '/tmp', timeout_ms: 1000 },
      },
    ]);
  });

  it('a custom call whose arguments are not {"input": string} gives the raw text; a shell line becomes bash -lc', () => {
    const response = toResponse(
      completion({
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: 'not json' } },
          { id: 'c2', type: 'function', function: { name: 'local_shell', arguments: '{"command":"ls -a"}' } },
          { id: 'c3', type: 'function', function: { name: 'local_shell', arguments: '{"cmd":1}' } },
        ],
      }),
      contextFor(),
    );
    expect(response.output[0]).toMatchObject({ type: 'custom_tool_call', input: 'not json' });
    expect(response.output[1]).toMatchObject({
      type: 'local_shell_call',
      action: { command: ['bash', '-lc', 'ls -a'], working_directory: null, timeout_ms: null },
    });
    expect(response.output[2]).toMatchObject({ type: 'function_call', id: expect.stringMatching(/^fc_/), name: 'local_shell', arguments: '{"cmd":1}' });
  });

  it("keeps Gemini's tool-call thought signature in the reasoning carrier, by call id", () => {
    const call = {
      id: 'c1',
      type: 'function' as const,
      function: { name: 'read', arguments: '{}' },
      extra_content: { google: { thought_signature: 'sig-g' } },
    };
    const response = toResponse(completion({ tool_calls: [call] }), contextFor());
    const reasoning = response.output[0] as { type: string; encrypted_content?: string };
    expect(reasoning.type).toBe('reasoning');
    expect(decodeReasoningCarrier(reasoning.encrypted_content ?? '')?.details).toEqual([
      { type: 'reasoning.encrypted', data: 'sig-g', format: 'google-gemini-v1', index: 0, id: 'c1' },
    ]);
  });

  it('a refusal is a refusal part of the message', () => {
    const response = toResponse(completion({ content: null, refusal: 'I cannot help.' }), contextFor());
    expect(response.output).toEqual([
      { id: expect.any(String), type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'refusal', refusal: 'I cannot help.' }] },
    ]);
  });

  it.each([
    ['length', 'max_output_tokens'],
    ['content_filter', 'content_filter'],
  ] as const)('finish_reason %s → incomplete (%s), the last item incomplete', (finishReason, reason) => {
    const response = toResponse(completion({ content: 'Cut o' }, finishReason), contextFor());
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason });
    expect(response.output[0]).toMatchObject({ type: 'message', status: 'incomplete' });
  });

  it('usage without details, and no usage at all', () => {
    expect(toResponse(completion({ content: 'x' }, 'stop', { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 }), contextFor()).usage).toEqual({
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 7,
    });
    expect(toResponse(completion({ content: 'x' }), contextFor()).usage).toBeNull();
  });

  it("newResponseId looks like OpenAI's", () => {
    expect(newResponseId()).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(newResponseId()).not.toBe(newResponseId());
  });
});
