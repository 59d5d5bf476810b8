// ESTIMATE for count_tokens when the target cannot count (every provider but Anthropic): about four characters a
// token over the translated request's text, tool calls and tool definitions, plus a flat 1,600 tokens per image or
// file (Anthropic's figure for a ~1.15-megapixel image). The response says it is an estimate (x-switchyard-estimate).
import type { ChatRequest } from '../../../../shared/openai-types.js';

const charactersPerToken = 4;
const tokensPerImage = 1_600;

export function estimateInputTokens(request: ChatRequest): number {
  let characters = 0;
  let media = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') characters += part.text.length;
        else if (part.type === 'refusal') characters += part.refusal.length;
        else media += 1;
      }
    }
    if (message.role === 'assistant') {
      for (const call of message.tool_calls ?? []) characters += call.function.name.length + call.function.arguments.length;
    }
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  return Math.ceil(characters / charactersPerToken) + media * tokensPerImage;
}
