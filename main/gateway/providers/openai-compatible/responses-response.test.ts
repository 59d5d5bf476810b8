// A non-streamed Response read as a ChatCompletion: text, refusal, reasoning, tool calls, finish and usage.
import { describe, expect, it } from 'vitest';
import { responseFailure, responseToChatCompletion } from './responses-response.js';

const base = { id: 'resp_1', object: 'response', created_at: 1749604427, model: 'gpt-4.1-nano-2025-04-14', error: null, incomplete_details: null };
const usage = {
  input_tokens: 35,
  input_tokens_details: { cached_tokens: 5 },
  output_tokens: 9,
  output_tokens_details: { reasoning_tokens: 4 },
  total_tokens: 44,
};

describe('responseToChatCompletion', () => {
  it('reads message text, reasoning summaries and usage', () => {
    const completion = responseToChatCompletion({
      ...base,
      status: 'completed',
      output: [
        {
          id: 'rs_1',
          type: 'reasoning',
          summary: [
            { type: 'summary_text', text: 'First.' },
            { type: 'summary_text', text: 'Second.' },
          ],
        },
        {
          id: 'msg_1',
          type: 'message',
          status: 'completed',
          content: [
            { type: 'output_text', annotations: [], text: 'Hello' },
            { type: 'output_text', annotations: [], text: ' World' },
          ],
          role: 'assistant',
        },
      ],
      usage,
    });
    expect(completion).toEqual({
      id: 'resp_1',
      object: 'chat.completion',
      created: 1749604427,
      model: 'gpt-4.1-nano-2025-04-14',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello World', reasoning_content: 'First.\n\nSecond.' },
          finish_reason: 'stop',
          native_finish_reason: 'completed',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 35,
        completion_tokens: 9,
        total_tokens: 44,
        prompt_tokens_details: { cached_tokens: 5 },
        completion_tokens_details: { reasoning_tokens: 4 },
      },
    });
  });

  it('reads function and custom tool calls as tool_calls (content null, finish tool_calls)', () => {
    const completion = responseToChatCompletion({
      ...base,
      status: 'completed',
      output: [
        { id: 'fc_1', type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: 'call_a', name: 'get_weather' },
        { id: 'ctc_1', type: 'custom_tool_call', call_id: 'call_b', name: 'write_sql', input: 'SELECT 1' },
        { id: 'ws_1', type: 'web_search_call', status: 'completed' },
      ],
      usage,
    });
    expect(completion.choices[0]).toMatchObject({
      message: {
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'write_sql', arguments: 'SELECT 1' } },
        ],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('maps an incomplete Response to length or content_filter, and a refusal to refusal', () => {
    const cut = responseToChatCompletion({ ...base, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [] });
    expect(cut.choices[0]).toMatchObject({ finish_reason: 'length', native_finish_reason: 'max_output_tokens' });
    expect(cut.usage).toBeUndefined();
    const refused = responseToChatCompletion({
      ...base,
      status: 'incomplete',
      incomplete_details: { reason: 'content_filter' },
      output: [{ id: 'msg_1', type: 'message', status: 'incomplete', content: [{ type: 'refusal', refusal: "I can't help with that." }], role: 'assistant' }],
    });
    expect(refused.choices[0]).toMatchObject({ message: { content: null, refusal: "I can't help with that." }, finish_reason: 'content_filter' });
  });

  it('reports a failed Response as its in-band error', () => {
    expect(responseFailure('openai', { ...base, status: 'completed', output: [] })).toBeUndefined();
    expect(responseFailure('openai', { ...base, status: 'failed', error: { code: 'server_error', message: 'The model failed.' }, output: [] })).toMatchObject({
      errorClass: 'server',
      retryable: true,
      message: 'The model failed.',
    });
  });
});
