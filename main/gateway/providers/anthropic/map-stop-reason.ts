// Anthropic's stop_reason → OpenAI's finish_reason, keeping Anthropic's own value beside it (the ledger stores
// both, and clients see it as `native_finish_reason`, OpenRouter's convention).
import type { FinishReason } from '../../../../shared/openai-types.js';

export interface MappedStopReason {
  readonly unified: Exclude<FinishReason, null>;
  readonly raw: string | null;
}

/** `answeredWithJsonTool`: the tool_use was our JSON-output fallback, so for the client the answer simply ended. */
export function mapStopReason(stopReason: string | null | undefined, answeredWithJsonTool = false): MappedStopReason {
  const raw = stopReason ?? null;
  switch (stopReason) {
    case 'tool_use':
      return { unified: answeredWithJsonTool ? 'stop' : 'tool_calls', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded': // the output was cut short because the context filled up
      return { unified: 'length', raw };
    case 'refusal':
      return { unified: 'content_filter', raw };
    default:
      // end_turn, stop_sequence, pause_turn (a server tool paused a long turn: what came so far is complete) and
      // values newer than this adapter
      return { unified: 'stop', raw };
  }
}
