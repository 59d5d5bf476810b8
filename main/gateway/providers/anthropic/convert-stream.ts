// Anthropic stream events → OpenAI chat.completion.chunk objects. Stateful: message_start gives the id, model and
// input counters and becomes the role chunk; each content block becomes text, reasoning, or one tool call (index
// counted among tool calls, id and name first, then argument fragments); message_delta carries the stop reason and
// the cumulative output count; message_stop becomes the finish chunk and then the usage chunk (always sent; the
// server drops it when the client did not ask for usage).
import type { ChatCompletionChunk, ChunkDelta, FinishReason } from '../../../../shared/openai-types.js';
import type { AnthropicStreamEvent, AnthropicUsage } from './anthropic-api.js';
import { jsonToolName } from './convert-request.js';
import { knownBlocks, toUsage } from './convert-response.js';
import { mapStopReason } from './map-stop-reason.js';
import { encryptedDetail, reasoningFormat } from './reasoning-details.js';

type BlockState =
  | { readonly kind: 'text' | 'ignored' }
  | { readonly kind: 'thinking'; readonly reasoningIndex: number }
  | { readonly kind: 'tool'; readonly toolIndex: number; fragments: number }
  | { readonly kind: 'json'; fragments: number };

export class AnthropicStreamConverter {
  private id = '';
  private model: string;
  private created: number;
  private usage: AnthropicUsage = {};
  private stopReason: string | null = null;
  private readonly blocks = new Map<number, BlockState>();
  private toolCalls = 0;
  private reasoningBlocks = 0;
  private usedJsonTool = false;

  constructor(
    upstreamModel: string,
    private readonly jsonTool: boolean,
    now = Date.now(),
  ) {
    this.model = upstreamModel;
    this.created = Math.floor(now / 1000);
  }

  /** The chunks one event becomes; ping, content_block_stop of a filled block and unknown blocks become none. */
  convert(event: AnthropicStreamEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.model = event.message.model;
        this.usage = { ...event.message.usage };
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.startBlock(event.index, event.content_block);
      case 'content_block_delta':
        return this.delta(event.index, event.delta);
      case 'content_block_stop':
        return this.stopBlock(event.index);
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        // counters in message_delta are cumulative; null means "unchanged"
        for (const [key, value] of Object.entries(event.usage ?? {})) if (value !== null && value !== undefined) this.usage = { ...this.usage, [key]: value };
        return [];
      case 'message_stop':
        return this.finish();
      default:
        return []; // ping; error events are handled by the reader
    }
  }

  private startBlock(index: number, block: unknown): ChatCompletionChunk[] {
    const [known] = knownBlocks([block]);
    if (!known) {
      this.blocks.set(index, { kind: 'ignored' });
      return [];
    }
    switch (known.type) {
      case 'text':
        this.blocks.set(index, { kind: 'text' });
        return known.text === '' ? [] : [this.chunk({ content: known.text })];
      case 'thinking': {
        const reasoningIndex = this.reasoningBlocks++;
        this.blocks.set(index, { kind: 'thinking', reasoningIndex });
        return known.thinking === '' ? [] : [this.chunk(this.thinkingDelta(reasoningIndex, known.thinking))];
      }
      case 'redacted_thinking':
        this.blocks.set(index, { kind: 'ignored' });
        return [this.chunk({ reasoning_details: [encryptedDetail(this.reasoningBlocks++, known.data)] })];
      case 'tool_use': {
        if (this.jsonTool && known.name === jsonToolName) {
          this.usedJsonTool = true;
          this.blocks.set(index, { kind: 'json', fragments: 0 });
          return [];
        }
        const toolIndex = this.toolCalls++;
        this.blocks.set(index, { kind: 'tool', toolIndex, fragments: 0 });
        return [this.chunk({ tool_calls: [{ index: toolIndex, id: known.id, type: 'function', function: { name: known.name, arguments: '' } }] })];
      }
    }
  }

  private delta(index: number, delta: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>['delta']): ChatCompletionChunk[] {
    const block = this.blocks.get(index);
    if (!block || block.kind === 'ignored') return [];
    if (delta.type === 'text_delta') return delta.text === '' ? [] : [this.chunk({ content: delta.text })];
    if (delta.type === 'thinking_delta' && block.kind === 'thinking') {
      return delta.thinking === '' ? [] : [this.chunk(this.thinkingDelta(block.reasoningIndex, delta.thinking))];
    }
    if (delta.type === 'signature_delta' && block.kind === 'thinking') {
      return [
        this.chunk({ reasoning_details: [{ type: 'reasoning.text', signature: delta.signature, format: reasoningFormat, index: block.reasoningIndex }] }),
      ];
    }
    if (delta.type === 'input_json_delta' && delta.partial_json !== '') {
      if (block.kind === 'json') {
        block.fragments += 1;
        return [this.chunk({ content: delta.partial_json })];
      }
      if (block.kind === 'tool') {
        block.fragments += 1;
        return [this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: delta.partial_json } }] })];
      }
    }
    return [];
  }

  /** A tool called without arguments streams no fragment at all; OpenAI clients expect "{}" to parse. */
  private stopBlock(index: number): ChatCompletionChunk[] {
    const block = this.blocks.get(index);
    if (block?.kind === 'tool' && block.fragments === 0) return [this.chunk({ tool_calls: [{ index: block.toolIndex, function: { arguments: '{}' } }] })];
    if (block?.kind === 'json' && block.fragments === 0) return [this.chunk({ content: '{}' })];
    return [];
  }

  private finish(): ChatCompletionChunk[] {
    const stop = mapStopReason(this.stopReason, this.usedJsonTool && this.toolCalls === 0);
    return [
      { ...this.base(), choices: [{ index: 0, delta: {}, finish_reason: stop.unified, native_finish_reason: stop.raw }] },
      { ...this.base(), choices: [], usage: toUsage(this.usage) },
    ];
  }

  private thinkingDelta(reasoningIndex: number, text: string): ChunkDelta {
    // both: reasoning_content for readers, reasoning_details so that a client can send the signed block back
    return { reasoning_content: text, reasoning_details: [{ type: 'reasoning.text', text, format: reasoningFormat, index: reasoningIndex }] };
  }

  private chunk(delta: ChunkDelta, finishReason: FinishReason = null): ChatCompletionChunk {
    return { ...this.base(), choices: [{ index: 0, delta, finish_reason: finishReason }] };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}
