// Responses API stream events → chat.completion.chunk objects, the view the gateway's gate, metering and ledger read
// beside a passthrough stream. Stateful: response.created gives the id, model and time; text, refusal and reasoning
// deltas become content, refusal and reasoning_content; a function_call or custom_tool_call item becomes one tool call
// (index counted among tool calls, call_id and name first, then argument or input fragments); a terminal event becomes
// the finish chunk with usage. Events that carry nothing for chat become no chunk, so a stream never opens the gate
// on bookkeeping alone.
import type { ChatCompletionChunk, ChunkDelta, FinishReason, Usage } from '../../../../shared/openai-types.js';

export type ResponsesEvent = Readonly<Record<string, unknown>>;

/** What one event means for the reader: chunks to hand on, and whether it ended the response. */
export interface Converted {
  readonly chunks: ChatCompletionChunk[];
  readonly terminal?: 'done' | 'failed' | 'error';
}

interface ToolState {
  readonly index: number;
  /** argument (or input) text streamed so far, so a `.done` event fills in only what never came as deltas */
  streamed: string;
}

const none: Converted = { chunks: [] };

export class ResponsesStreamConverter {
  private id = '';
  private model: string;
  private created: number;
  private readonly tools = new Map<string, ToolState>();
  /** item_id:content_index (text, refusal) or item_id:summary|content:index (reasoning) parts that had deltas */
  private readonly streamedParts = new Set<string>();
  private roleSent = false;

  constructor(upstreamModel: string, now = Date.now()) {
    this.model = upstreamModel;
    this.created = Math.floor(now / 1000);
  }

  get toolCallCount(): number {
    return this.tools.size;
  }

  convert(event: ResponsesEvent): Converted {
    switch (event['type']) {
      case 'response.created':
      case 'response.in_progress':
      case 'response.queued':
        this.noteResponse(asRecord(event['response']));
        return none;
      case 'response.output_item.added':
        return this.itemAdded(asRecord(event['item']));
      case 'response.output_text.delta':
        return this.text(event, 'content', `${str(event['item_id'])}:${num(event['content_index'])}`);
      case 'response.output_text.done':
        return this.textDone('content', `${str(event['item_id'])}:${num(event['content_index'])}`, event['text']);
      case 'response.refusal.delta':
        return this.text(event, 'refusal', `${str(event['item_id'])}:${num(event['content_index'])}`);
      case 'response.refusal.done':
        return this.textDone('refusal', `${str(event['item_id'])}:${num(event['content_index'])}`, event['refusal']);
      case 'response.reasoning_summary_text.delta':
        return this.reasoning(event, `${str(event['item_id'])}:summary:${num(event['summary_index'])}`, num(event['summary_index']));
      case 'response.reasoning_summary_text.done':
        return this.reasoningDone(event, `${str(event['item_id'])}:summary:${num(event['summary_index'])}`, num(event['summary_index']));
      case 'response.reasoning_text.delta':
        return this.reasoning(event, `${str(event['item_id'])}:content:${num(event['content_index'])}`, 0);
      case 'response.reasoning_text.done':
        return this.reasoningDone(event, `${str(event['item_id'])}:content:${num(event['content_index'])}`, 0);
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta':
        return this.toolDelta(str(event['item_id']), event['delta']);
      case 'response.function_call_arguments.done':
        return this.toolDone(str(event['item_id']), event['arguments']);
      case 'response.custom_tool_call_input.done':
        return this.toolDone(str(event['item_id']), event['input']);
      case 'response.output_item.done':
        return this.itemDone(asRecord(event['item']));
      case 'response.completed':
      case 'response.incomplete':
        return { chunks: [this.finish(asRecord(event['response']))], terminal: 'done' };
      case 'response.failed':
        return { chunks: [], terminal: 'failed' };
      case 'error':
        return { chunks: [], terminal: 'error' };
      default:
        return none; // content_part.*, summary_part.*, annotations, hosted-tool progress, and types newer than this
    }
  }

  private noteResponse(response: Record<string, unknown>): void {
    if (typeof response['id'] === 'string') this.id = response['id'];
    if (typeof response['model'] === 'string') this.model = response['model'];
    if (typeof response['created_at'] === 'number') this.created = response['created_at'];
  }

  private itemAdded(item: Record<string, unknown>): Converted {
    const type = item['type'];
    if (type !== 'function_call' && type !== 'custom_tool_call') return none;
    const itemId = str(item['id']) || str(item['call_id']);
    if (this.tools.has(itemId)) return none;
    const state: ToolState = { index: this.tools.size, streamed: '' };
    this.tools.set(itemId, state);
    const initial = str(type === 'function_call' ? item['arguments'] : item['input']);
    state.streamed = initial;
    const opening = {
      index: state.index,
      id: str(item['call_id']) || itemId,
      type: 'function' as const,
      function: { name: str(item['name']), arguments: initial },
    };
    return { chunks: [this.chunk({ tool_calls: [opening] })] };
  }

  private text(event: ResponsesEvent, field: 'content' | 'refusal', key: string): Converted {
    const delta = event['delta'];
    if (typeof delta !== 'string' || delta === '') return none;
    this.streamedParts.add(key);
    return { chunks: [this.chunk({ [field]: delta })] };
  }

  /** A server that sends only the `.done` event (no deltas) still delivers its text once. */
  private textDone(field: 'content' | 'refusal', key: string, text: unknown): Converted {
    if (this.streamedParts.has(key) || typeof text !== 'string' || text === '') return none;
    this.streamedParts.add(key);
    return { chunks: [this.chunk({ [field]: text })] };
  }

  private reasoning(event: ResponsesEvent, key: string, summaryIndex: number): Converted {
    const delta = event['delta'];
    if (typeof delta !== 'string' || delta === '') return none;
    // summary parts after the first are separated as the non-streamed answer joins them
    const first = !this.streamedParts.has(key);
    this.streamedParts.add(key);
    return { chunks: [this.chunk({ reasoning_content: first && summaryIndex > 0 ? `\n\n${delta}` : delta })] };
  }

  private reasoningDone(event: ResponsesEvent, key: string, summaryIndex: number): Converted {
    const text = event['text'];
    if (this.streamedParts.has(key) || typeof text !== 'string' || text === '') return none;
    this.streamedParts.add(key);
    return { chunks: [this.chunk({ reasoning_content: summaryIndex > 0 ? `\n\n${text}` : text })] };
  }

  private toolDelta(itemId: string, delta: unknown): Converted {
    if (typeof delta !== 'string' || delta === '') return none;
    const state = this.tools.get(itemId);
    if (!state) return none; // arguments for an item never announced: nothing to attach them to
    state.streamed += delta;
    return { chunks: [this.chunk({ tool_calls: [{ index: state.index, function: { arguments: delta } }] })] };
  }

  private toolDone(itemId: string, complete: unknown): Converted {
    const state = this.tools.get(itemId);
    if (!state || typeof complete !== 'string' || state.streamed !== '' || complete === '') return none;
    state.streamed = complete;
    return { chunks: [this.chunk({ tool_calls: [{ index: state.index, function: { arguments: complete } }] })] };
  }

  /** A tool call whose output_item.added never came (or came without arguments) is completed from the item. */
  private itemDone(item: Record<string, unknown>): Converted {
    const type = item['type'];
    if (type !== 'function_call' && type !== 'custom_tool_call') return none;
    const itemId = str(item['id']) || str(item['call_id']);
    if (!this.tools.has(itemId)) return this.itemAdded(item);
    return this.toolDone(itemId, type === 'function_call' ? item['arguments'] : item['input']);
  }

  private finish(response: Record<string, unknown>): ChatCompletionChunk {
    this.noteResponse(response);
    const finish = finishReasonOf(response, this.tools.size > 0);
    const usage = chatUsage(response['usage']);
    return {
      ...this.base(),
      choices: [{ index: 0, delta: {}, finish_reason: finish.unified, native_finish_reason: finish.raw }],
      ...(usage ? { usage } : {}),
    };
  }

  private chunk(delta: ChunkDelta): ChatCompletionChunk {
    // the role rides on the first chunk that has content: a role-only chunk would be a part without content
    const withRole = this.roleSent ? delta : { role: 'assistant' as const, ...delta };
    this.roleSent = true;
    return { ...this.base(), choices: [{ index: 0, delta: withRole, finish_reason: null }] };
  }

  private base(): Pick<ChatCompletionChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model };
  }
}

/** The chat finish reason of a finished Response (unified), beside the Response's own status or reason (raw). */
export function finishReasonOf(response: Readonly<Record<string, unknown>>, hasToolCalls: boolean): { unified: FinishReason; raw: string } {
  const status = typeof response['status'] === 'string' ? response['status'] : 'completed';
  if (status === 'incomplete') {
    const reason = asRecord(response['incomplete_details'])['reason'];
    const raw = typeof reason === 'string' ? reason : 'incomplete';
    return { unified: raw === 'content_filter' ? 'content_filter' : 'length', raw };
  }
  return { unified: hasToolCalls ? 'tool_calls' : 'stop', raw: status };
}

/** Responses usage (input/output tokens) in chat's shape; undefined when the upstream reported none. */
export function chatUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  const input = usage['input_tokens'];
  const output = usage['output_tokens'];
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  const total = typeof usage['total_tokens'] === 'number' ? usage['total_tokens'] : input + output;
  const inputDetails = asRecord(usage['input_tokens_details']);
  const outputDetails = asRecord(usage['output_tokens_details']);
  const result: Usage = { prompt_tokens: input, completion_tokens: output, total_tokens: total };
  if (typeof inputDetails['cached_tokens'] === 'number') result.prompt_tokens_details = { cached_tokens: inputDetails['cached_tokens'] };
  if (typeof outputDetails['reasoning_tokens'] === 'number') result.completion_tokens_details = { reasoning_tokens: outputDetails['reasoning_tokens'] };
  return result;
}

export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}
