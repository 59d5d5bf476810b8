// What a request needs from a target: tool calling, image input, JSON-schema output, and roughly how many tokens
// of context. The estimate is deliberately cheap (characters / 4) and only used to skip targets that clearly
// cannot fit; a provider's own context-length error remains the authority.
import type { ChatRequest } from '../../../shared/openai-types.js';

export interface Requirements {
  readonly tools: boolean;
  readonly vision: boolean;
  readonly jsonSchema: boolean;
  /** input tokens (estimated) plus room for an answer: what the request reserves, up to minimumAnswerRoom */
  readonly contextTokens: number;
}

/**
 * How much of a request's max_tokens counts against a target's window when skipping targets. max_tokens is a cap,
 * not a need: Claude Code asks for 32 000–128 000 on every request, which would rule out every local model although
 * Ollama caps the answer at what its window leaves (and an upstream that refuses instead is a context-length error,
 * which falls back to a larger window). So a target qualifies when the input and a useful answer fit.
 */
export const minimumAnswerRoom = 4_096;

export function requirementsOf(request: ChatRequest): Requirements {
  let vision = false;
  let characters = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (Array.isArray(content)) {
      for (const part of content) {
        if (part.type === 'text') characters += part.text.length;
        else if (part.type === 'image_url') vision = true;
      }
    }
    if (message.role === 'assistant' && message.tool_calls) {
      for (const call of message.tool_calls) characters += call.function.arguments.length + call.function.name.length;
    }
  }
  const tools = (request.tools?.length ?? 0) > 0 && request.tool_choice !== 'none';
  if (request.tools) characters += JSON.stringify(request.tools).length;
  // Images are counted at a flat rate rather than by their base64 size.
  const inputTokens = Math.ceil(characters / 4) + (vision ? 1_000 : 0);
  const reserved = Math.min(request.max_completion_tokens ?? request.max_tokens ?? 0, minimumAnswerRoom);
  return {
    tools,
    vision,
    jsonSchema: request.response_format?.type === 'json_schema',
    contextTokens: inputTokens + reserved,
  };
}
