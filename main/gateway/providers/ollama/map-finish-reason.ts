// Ollama's done_reason → OpenAI's finish_reason, keeping Ollama's own value beside it for the ledger.
// Ollama says "stop" even when the model called tools, so tool calls decide "tool_calls" themselves.
// "load" and "unload" answer requests with no messages (load/unload a model): nothing was cut short.
import type { FinishReason } from '../../../../shared/openai-types.js';

export interface MappedFinishReason {
  readonly unified: Exclude<FinishReason, null>;
  readonly raw: string | null;
}

export function mapFinishReason(doneReason: string | undefined, hasToolCalls: boolean): MappedFinishReason {
  const raw = doneReason ?? null;
  if (hasToolCalls) return { unified: 'tool_calls', raw };
  if (doneReason === 'length') return { unified: 'length', raw };
  return { unified: 'stop', raw };
}
