// The Responses request schema: what Codex and the AI SDK send passes with unknown fields kept; a bad field gets a
// 400 naming it inside its item, as a client needs to find it.
import { describe, expect, it } from 'vitest';
import { isKnownItem, ResponsesRequestError, validateResponsesRequest } from './schema.js';

function errorOf(body: unknown): ResponsesRequestError {
  try {
    validateResponsesRequest(body);
  } catch (error) {
    if (error instanceof ResponsesRequestError) return error;
    throw error;
  }
  throw new Error('expected a ResponsesRequestError');
}

describe('validateResponsesRequest', () => {
  it('accepts a Codex-style request and keeps fields it does not know', () => {
    const body = {
      model: 'gpt-5-codex',
      instructions: 'You are Codex.',
      input: [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'sandbox: workspace-write' }] },
        {
          type: 'message',
          role: 'user',
          content: [
            { type: 'input_text', text: 'list files' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          ],
        },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }], encrypted_content: 'gAAAA' },
        { type: 'local_shell_call', call_id: 'call_1', status: 'completed', action: { type: 'exec', command: ['ls'], env: {} } },
        { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'Done' },
      ],
      tools: [
        { type: 'function', name: 'shell', description: 'run', strict: false, parameters: { type: 'object', properties: {} } },
        { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } },
        { type: 'local_shell' },
        { type: 'web_search', search_context_size: 'low' },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: false,
      reasoning: { effort: 'medium', summary: 'auto' },
      store: false,
      stream: true,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: 'conversation-1',
      text: { verbosity: 'low' },
      client_metadata: { session: 'x' },
    };
    const request = validateResponsesRequest(body);
    expect(request['client_metadata']).toEqual({ session: 'x' });
    expect(Array.isArray(request.input) && request.input).toHaveLength(7);
    expect(request.tools?.[3]).toEqual({ type: 'web_search', search_context_size: 'low' });
  });

  it('takes a message without `type`, and string input', () => {
    const request = validateResponsesRequest({ model: 'm', input: [{ role: 'user', content: 'hi' }] });
    const [item] = Array.isArray(request.input) ? request.input : [];
    expect(item && isKnownItem(item)).toBe(true);
    expect(validateResponsesRequest({ model: 'm', input: 'hello' }).input).toBe('hello');
  });

  it('keeps an item type it does not know (a hosted tool call) as it was sent', () => {
    const call = { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'weather' } };
    const request = validateResponsesRequest({ model: 'm', input: [call] });
    const [item] = Array.isArray(request.input) ? request.input : [];
    expect(item).toEqual(call);
    expect(item && isKnownItem(item)).toBe(false);
  });

  it.each([
    [
      {
        model: 'm',
        input: [
          { role: 'user', content: 'a' },
          { role: 'user', content: 'b' },
          { role: 'user', content: [{ type: 'input_text', text: 5 }] },
        ],
      },
      'input[2].content[0].text',
    ],
    [{ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f' }] }, 'input[0].arguments'],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: [{ type: 'input_text' }] }] }, 'input[0].output[0].text'],
    [{ model: 'm', input: [{ type: 'local_shell_call_output', output: 'x' }] }, 'input[0].call_id'],
    [{ model: 'm', input: [{ role: 'robot', content: 'x' }] }, 'input[0].role'],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_video' }] }] }, 'input[0].content[0].type'],
    [{ model: 'm', input: 'x', tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name'],
    [{ model: 'm', input: 'x', tool_choice: 'sometimes' }, 'tool_choice'],
    [{ model: 'm', input: 'x', temperature: 3 }, 'temperature'],
    [{ model: 'm', input: 'x', top_p: -1 }, 'top_p'],
    [{ model: 'm', input: 'x', text: { format: { type: 'json_schema', schema: {} } } }, 'text.format.name'],
    [{ model: 'm', input: 'x', reasoning: { effort: 'extreme' } }, 'reasoning.effort'],
    [{ model: '', input: 'x' }, 'model'],
    [{ model: 'm', input: 5 }, 'input'],
  ])('names the bad field: %j → %s', (body, param) => {
    const error = errorOf(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message.startsWith(`${param}: `)).toBe(true);
  });

  it('says what was expected', () => {
    expect(errorOf({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 5 }] }] }).message).toMatch(/expected string/);
  });
});
