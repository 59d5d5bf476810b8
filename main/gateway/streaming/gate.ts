// The first-chunk gate: a stream is committed to the client only when its first real content arrives, so a
// failure before that point can still be retried or fall back without the client seeing anything.
import type { ChatCompletionChunk } from '../../../shared/openai-types.js';
import type { ProviderError } from '../providers/errors.js';
import type { StreamPart } from '../providers/types.js';

export type GateResult =
  { readonly kind: 'open'; readonly head: StreamPart[]; readonly rest: AsyncIterator<StreamPart> } | { readonly kind: 'failed'; readonly error: ProviderError };

/**
 * Content: text, reasoning, a tool call, a refusal, a finish reason, or the usage-only chunk. A bare role delta is
 * not, even when it carries usage (vLLM's continuous usage stats put usage on every chunk).
 */
export function isContentChunk(chunk: ChatCompletionChunk): boolean {
  if (chunk.usage && chunk.choices.length === 0) return true;
  for (const choice of chunk.choices) {
    if (choice.finish_reason) return true;
    const delta = choice.delta;
    if (!delta) continue;
    if (typeof delta.content === 'string' && delta.content.length > 0) return true;
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) return true;
    if (typeof delta['reasoning'] === 'string' && (delta['reasoning'] as string).length > 0) return true;
    if (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0) return true;
    if (typeof delta.refusal === 'string' && delta.refusal.length > 0) return true;
    if (delta['function_call'] !== undefined && delta['function_call'] !== null) return true;
  }
  return false;
}

/** Pulls parts until the first content chunk (or the end); an error before it means the stream never opened. */
export async function openGate(parts: AsyncIterable<StreamPart>): Promise<GateResult> {
  const iterator = parts[Symbol.asyncIterator]();
  const head: StreamPart[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return { kind: 'open', head, rest: iterator };
    const part = next.value;
    if (part.type === 'error') {
      await iterator.return?.();
      return { kind: 'failed', error: part.error };
    }
    head.push(part);
    if (part.type === 'done' || isContentChunk(part.chunk)) return { kind: 'open', head, rest: iterator };
  }
}
