// A non-streamed Response → an OpenAI ChatCompletion, for the gateway's metering and ledger beside a passthrough
// answer. Message text and refusals become content and refusal, reasoning summaries and reasoning text become
// reasoning_content, function and custom tool calls become tool_calls (a custom tool's input as its arguments).
// Hosted-tool items (web search, file search, MCP…) have no chat counterpart and are left out.
import type { AssistantMessage, ChatCompletion, ToolCall } from '../../../../shared/openai-types.js';
import type { ProviderError } from '../errors.js';
import { asRecord, chatUsage, finishReasonOf } from './responses-convert.js';
import { responseErrorFields, responsesStreamError } from './responses-error.js';

export function responseToChatCompletion(body: Readonly<Record<string, unknown>>, now = Date.now()): ChatCompletion {
  const texts: string[] = [];
  const refusals: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const value of Array.isArray(body['output']) ? (body['output'] as unknown[]) : []) {
    const item = asRecord(value);
    switch (item['type']) {
      case 'message':
        for (const part of parts(item['content'])) {
          if (part['type'] === 'output_text' && typeof part['text'] === 'string') texts.push(part['text']);
          if (part['type'] === 'refusal' && typeof part['refusal'] === 'string') refusals.push(part['refusal']);
        }
        break;
      case 'reasoning':
        for (const part of [...parts(item['summary']), ...parts(item['content'])])
          if (typeof part['text'] === 'string' && part['text'] !== '') reasoning.push(part['text']);
        break;
      case 'function_call':
      case 'custom_tool_call': {
        const input = item['type'] === 'function_call' ? item['arguments'] : item['input'];
        const id = typeof item['call_id'] === 'string' ? item['call_id'] : typeof item['id'] === 'string' ? item['id'] : `call_${toolCalls.length}`;
        toolCalls.push({
          id,
          type: 'function',
          function: { name: typeof item['name'] === 'string' ? item['name'] : '', arguments: typeof input === 'string' ? input : '' },
        });
        break;
      }
    }
  }
  const message: AssistantMessage = { role: 'assistant', content: texts.length === 0 && (toolCalls.length > 0 || refusals.length > 0) ? null : texts.join('') };
  if (refusals.length > 0) message.refusal = refusals.join('');
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('\n\n');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const finish = finishReasonOf(body, toolCalls.length > 0);
  const usage = chatUsage(body['usage']);
  return {
    id: typeof body['id'] === 'string' ? body['id'] : '',
    object: 'chat.completion',
    created: typeof body['created_at'] === 'number' ? body['created_at'] : Math.floor(now / 1000),
    model: typeof body['model'] === 'string' ? body['model'] : '',
    choices: [{ index: 0, message, finish_reason: finish.unified, native_finish_reason: finish.raw, logprobs: null }],
    ...(usage ? { usage } : {}),
  };
}

/** The failure a 200 Response reports with `status: "failed"` (a background response read back), else undefined. */
export function responseFailure(providerId: string, body: Readonly<Record<string, unknown>>): ProviderError | undefined {
  if (body['status'] !== 'failed') return undefined;
  return responsesStreamError(providerId, responseErrorFields(body));
}

function parts(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(asRecord) : [];
}
