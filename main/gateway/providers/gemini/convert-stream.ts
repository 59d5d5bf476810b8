// Gemini stream frames (each a whole GenerateContentResponse holding the next parts) → OpenAI chat.completion.chunk
// objects. Stateful: a role chunk opens each choice, tool calls get running indices and stable ids, and the frame
// that gives the last candidate its finishReason (or blocks the prompt) becomes finish chunks and a usage chunk.
import type { ChatCompletionChunk, ChunkDelta, ToolCallDelta } from '../../../../shared/openai-types.js';
import type { GeminiCandidate, GeminiResponse, GeminiUsage } from './gemini-api.js';
import { blockedPrompt, mapFinishReason, type MappedFinishReason } from './map-finish-reason.js';
import { finishExtras, newCompletionId, partMeaning, toToolCall, toUsage, toolCallId } from './convert-response.js';
import { encryptedDetail, type EncryptedReasoningDetail } from './thought-signatures.js';

export interface ConvertedFrame {
  readonly chunks: ChatCompletionChunk[];
  /** the stream is complete: every expected candidate has finished, or the prompt was blocked */
  readonly done: boolean;
}

export class GeminiStreamConverter {
  private id: string | undefined;
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly opened = new Set<number>();
  private readonly finished = new Set<number>();
  private readonly toolCalls = new Map<number, number>();
  private readonly details = new Map<number, number>();
  private usage: GeminiUsage | undefined;

  constructor(
    private readonly upstreamModel: string,
    /** candidateCount (n): the stream is complete when this many candidates have finished */
    private readonly expectedCandidates = 1,
  ) {}

  convert(frame: GeminiResponse): ConvertedFrame {
    this.id ??= newCompletionId(frame.responseId);
    if (frame.usageMetadata) this.usage = frame.usageMetadata; // counts are cumulative: the last frame's are the totals
    const chunks: ChatCompletionChunk[] = [];
    const candidates = frame.candidates ?? [];
    const blockReason = frame.promptFeedback?.blockReason;
    if (candidates.length === 0 && blockReason) {
      this.open(0, chunks);
      chunks.push(this.finishChunk(0, blockedPrompt(blockReason), frame.promptFeedback?.blockReasonMessage));
      return { chunks: this.withUsage(chunks), done: true };
    }
    for (const candidate of candidates) this.candidate(candidate, chunks);
    const done = this.finished.size >= this.expectedCandidates;
    return { chunks: done ? this.withUsage(chunks) : chunks, done };
  }

  /**
   * At the end of the body: when every candidate that appeared has finished, the stream is complete even if fewer
   * came than were asked for (Gemini may drop one); the usage chunk is still owed then.
   */
  finishAtEnd(): ChatCompletionChunk[] | undefined {
    if (this.finished.size === 0 || this.finished.size >= this.expectedCandidates) return undefined;
    for (const index of this.opened) if (!this.finished.has(index)) return undefined;
    return this.withUsage([]);
  }

  private candidate(candidate: GeminiCandidate, chunks: ChatCompletionChunk[]): void {
    const index = candidate.index ?? 0;
    if (this.finished.has(index)) return;
    this.open(index, chunks);
    const delta = this.delta(index, candidate);
    if (delta) chunks.push(this.chunk(index, delta));
    if (candidate.finishReason) {
      this.finished.add(index);
      chunks.push(this.finishChunk(index, mapFinishReason(candidate.finishReason, (this.toolCalls.get(index) ?? 0) > 0), candidate.finishMessage));
    }
  }

  private delta(index: number, candidate: GeminiCandidate): ChunkDelta | undefined {
    let content = '';
    let reasoning = '';
    const calls: ToolCallDelta[] = [];
    const details: EncryptedReasoningDetail[] = [];
    for (const part of candidate.content?.parts ?? []) {
      const meaning = partMeaning(part);
      if (meaning.kind === 'call') {
        // Gemini sends each call whole: one delta carries its index, id, name and complete arguments
        const callIndex = this.toolCalls.get(index) ?? 0;
        this.toolCalls.set(index, callIndex + 1);
        const call = toToolCall(meaning.call, toolCallId(this.id ?? '', index, callIndex), meaning.signature);
        calls.push({ index: callIndex, ...call });
        continue;
      }
      if (meaning.kind === 'text') content += meaning.text;
      if (meaning.kind === 'reasoning') reasoning += meaning.text;
      if ((meaning.kind === 'text' || meaning.kind === 'reasoning' || meaning.kind === 'signature') && meaning.signature) {
        const detailIndex = this.details.get(index) ?? 0;
        this.details.set(index, detailIndex + 1);
        details.push(encryptedDetail(meaning.signature, detailIndex));
      }
    }
    if (content === '' && reasoning === '' && calls.length === 0 && details.length === 0) return undefined;
    const delta: ChunkDelta = {};
    if (content !== '') delta.content = content;
    if (reasoning !== '') delta.reasoning_content = reasoning;
    if (calls.length > 0) delta.tool_calls = calls;
    if (details.length > 0) delta['reasoning_details'] = details;
    return delta;
  }

  private open(index: number, chunks: ChatCompletionChunk[]): void {
    if (this.opened.has(index)) return;
    this.opened.add(index);
    chunks.push(this.chunk(index, { role: 'assistant', content: '' }));
  }

  private finishChunk(index: number, mapped: MappedFinishReason, finishMessage: string | undefined): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index, delta: {}, finish_reason: mapped.unified, ...finishExtras(mapped, finishMessage) }] };
  }

  /** Always sent when Gemini reported usage; the server drops it when the client did not ask for usage. */
  private withUsage(chunks: ChatCompletionChunk[]): ChatCompletionChunk[] {
    if (this.usage) chunks.push({ ...this.base(), choices: [], usage: toUsage(this.usage) });
    return chunks;
  }

  private chunk(index: number, delta: ChunkDelta): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index, delta, finish_reason: null }] };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.id ?? newCompletionId(), object: 'chat.completion.chunk', created: this.created, model: this.upstreamModel };
  }
}
