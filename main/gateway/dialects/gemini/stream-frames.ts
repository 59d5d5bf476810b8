// Canonical chat chunks → Gemini stream elements (each a whole GenerateContentResponse holding the next parts).
// Text and thought text go out as they come; function calls, which OpenAI streams in fragments and Gemini sends
// whole, are held until the choice finishes; the last element carries every finishReason and the usageMetadata (in
// OpenAI streams usage comes after the finish chunk, so the end is written when the upstream's stream is done).
import { append } from '../../../../shared/append.js';
import type { ChatCompletionChunk, ToolCall, Usage } from '../../../../shared/openai-types.js';
import { encodeReasoningCarrier, mergeReasoningDetails } from '../openai/responses/reasoning-carrier.js';
import {
  functionCallPart,
  splitDetails,
  toFinishReason,
  toUsageMetadata,
  type GeminiOutCandidate,
  type GeminiOutPart,
  type GeminiOutResponse,
} from './to-gemini-response.js';

interface PendingCall {
  id: string;
  name: string;
  arguments: string;
  extra_content?: unknown;
}

interface ChoiceState {
  readonly calls: Map<number, PendingCall>;
  /** another provider's reasoning details, for the carrier at the end */
  readonly otherDetails: Record<string, unknown>[];
  reasoning: string;
  finishReason: string | null;
  native: unknown;
}

export class GeminiFrameTranslator {
  private readonly choices = new Map<number, ChoiceState>();
  private usage: Usage | undefined;
  private responseId: string | undefined;

  constructor(private readonly modelVersion: string) {}

  /** The element for one chunk, or undefined when it holds nothing to send yet. */
  chunk(chunk: ChatCompletionChunk): GeminiOutResponse | undefined {
    this.responseId ??= chunk.id.startsWith('chatcmpl-') ? chunk.id.slice('chatcmpl-'.length) : chunk.id;
    if (chunk.usage) this.usage = chunk.usage;
    const candidates: GeminiOutCandidate[] = [];
    for (const choice of chunk.choices) {
      const state = this.state(choice.index);
      if (choice.finish_reason) state.finishReason = choice.finish_reason;
      if (choice['native_finish_reason'] !== undefined) state.native = choice['native_finish_reason'];
      const delta = choice.delta ?? {};
      const parts: GeminiOutPart[] = [];
      if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') {
        state.reasoning += delta.reasoning_content;
        parts.push({ text: delta.reasoning_content, thought: true });
      }
      if (typeof delta.content === 'string' && delta.content !== '') parts.push({ text: delta.content });
      for (const call of delta.tool_calls ?? []) {
        const pending = state.calls.get(call.index);
        if (pending) {
          pending.arguments += call.function?.arguments ?? '';
          if (call.function?.name) pending.name = call.function.name;
        } else {
          const extra = (call as { extra_content?: unknown }).extra_content;
          state.calls.set(call.index, {
            id: call.id ?? '',
            name: call.function?.name ?? '',
            arguments: call.function?.arguments ?? '',
            ...(extra !== undefined ? { extra_content: extra } : {}),
          });
        }
      }
      const details = Array.isArray(delta['reasoning_details']) ? (delta['reasoning_details'] as unknown[]).filter(isObject) : [];
      if (details.length > 0) {
        const { gemini, other } = splitDetails(details);
        append(state.otherDetails, other);
        for (const signature of gemini) {
          const last = parts.at(-1);
          if (last && last.thoughtSignature === undefined) last.thoughtSignature = signature;
          else parts.push({ text: '', thoughtSignature: signature });
        }
      }
      if (parts.length > 0) candidates.push({ content: { role: 'model', parts }, index: choice.index });
    }
    return candidates.length === 0 ? undefined : this.response(candidates, false);
  }

  /** The last element: held function calls, every finishReason, and the usage. */
  finish(): GeminiOutResponse {
    if (this.choices.size === 0) this.state(0);
    const candidates: GeminiOutCandidate[] = [];
    for (const [index, state] of [...this.choices.entries()].sort(([left], [right]) => left - right)) {
      const calls = [...state.calls.entries()].sort(([left], [right]) => left - right).map(([, call]) => functionCallPart(toToolCall(call)));
      const parts: GeminiOutPart[] = [];
      const other = mergeReasoningDetails(state.otherDetails);
      if (other.length > 0) {
        const carrier = encodeReasoningCarrier({ details: other, ...(state.reasoning !== '' ? { text: state.reasoning } : {}) });
        const [first] = calls;
        if (first && first.thoughtSignature === undefined) first.thoughtSignature = carrier;
        else parts.push({ text: '', thought: true, thoughtSignature: carrier });
      }
      append(parts, calls);
      candidates.push({ content: { role: 'model', parts }, finishReason: toFinishReason(state.finishReason, state.native), index });
    }
    return this.response(candidates, true);
  }

  private response(candidates: GeminiOutCandidate[], last: boolean): GeminiOutResponse {
    return {
      candidates,
      ...(last && this.usage ? { usageMetadata: toUsageMetadata(this.usage) } : {}),
      modelVersion: this.modelVersion,
      ...(this.responseId ? { responseId: this.responseId } : {}),
    };
  }

  private state(index: number): ChoiceState {
    let state = this.choices.get(index);
    if (!state) {
      state = { calls: new Map(), otherDetails: [], reasoning: '', finishReason: null, native: undefined };
      this.choices.set(index, state);
    }
    return state;
  }
}

function toToolCall(call: PendingCall): ToolCall & { extra_content?: unknown } {
  return {
    id: call.id,
    type: 'function',
    function: { name: call.name, arguments: call.arguments },
    ...(call.extra_content !== undefined ? { extra_content: call.extra_content } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
