// A non-streamed Anthropic message → an OpenAI ChatCompletion, plus the usage arithmetic the stream converter
// shares. Anthropic's input_tokens excludes cached tokens, so OpenAI's prompt_tokens is the sum of the three input
// counters, with the cache read and write shares reported in prompt_tokens_details.
import type { AssistantMessage, ChatCompletion, ToolCall, Usage } from '../../../../shared/openai-types.js';
import { anthropicResponseBlockSchema, type AnthropicMessageResponse, type AnthropicResponseBlock, type AnthropicUsage } from './anthropic-api.js';
import { jsonToolName } from './convert-request.js';
import { mapStopReason } from './map-stop-reason.js';
import { encryptedDetail, textDetail, type ReasoningDetail } from './reasoning-details.js';

export function toChatCompletion(message: AnthropicMessageResponse, jsonTool: boolean, now = Date.now()): ChatCompletion {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const details: ReasoningDetail[] = [];
  const toolCalls: ToolCall[] = [];
  let answeredWithJsonTool = false;
  for (const block of knownBlocks(message.content)) {
    switch (block.type) {
      case 'text':
        texts.push(block.text);
        break;
      case 'thinking':
        reasoning.push(block.thinking);
        details.push(textDetail(details.length, block.thinking, block.signature));
        break;
      case 'redacted_thinking':
        details.push(encryptedDetail(details.length, block.data));
        break;
      case 'tool_use':
        if (jsonTool && block.name === jsonToolName) {
          texts.push(JSON.stringify(block.input ?? {}));
          answeredWithJsonTool = true;
        } else {
          toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
        }
        break;
    }
  }
  const assistant: AssistantMessage = { role: 'assistant', content: texts.length === 0 && toolCalls.length > 0 ? null : texts.join('') };
  if (reasoning.length > 0) assistant.reasoning_content = reasoning.join('');
  if (details.length > 0) assistant['reasoning_details'] = details;
  if (toolCalls.length > 0) assistant.tool_calls = toolCalls;
  const stop = mapStopReason(message.stop_reason, answeredWithJsonTool && toolCalls.length === 0);
  return {
    id: message.id,
    object: 'chat.completion',
    created: Math.floor(now / 1000),
    model: message.model,
    choices: [{ index: 0, message: assistant, finish_reason: stop.unified, native_finish_reason: stop.raw, logprobs: null }],
    usage: toUsage(message.usage),
  };
}

/** Blocks this adapter understands; server-tool blocks and types newer than it are left out. */
export function knownBlocks(blocks: readonly unknown[]): AnthropicResponseBlock[] {
  return blocks.flatMap((block) => {
    const parsed = anthropicResponseBlockSchema.safeParse(block);
    return parsed.success ? [parsed.data] : [];
  });
}

export function toUsage(usage: AnthropicUsage): Usage {
  const input = usage.input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? 0;
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const output = usage.output_tokens ?? 0;
  const promptTokens = input + cacheWrite + cacheRead;
  const converted: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: output,
    total_tokens: promptTokens + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinkingTokens = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinkingTokens === 'number') converted.completion_tokens_details = { reasoning_tokens: thinkingTokens };
  return converted;
}
