// chat.completion.chunk objects → Responses stream events, for a Responses client served by a translated target.
// Stateful, like the Anthropic translator beside it: one output item is open at a time (reasoning, message or one
// tool call); a change of kind closes it and opens the next, so the client sees reasoning → message → calls in the
// order OpenAI sends them. Every event carries the next sequence_number; usage, which a chat stream sends last in a
// chunk without choices, is kept for response.completed.
//
// The gateway writes frames, not events (the *Frames methods; the templates are in stream-frames.ts): the delta that
// nearly every chunk of an answer is — text, reasoning or function-call arguments for the item already open — is
// written from a template made once per item (its type, ids and indexes serialised), so only the sequence number and
// the delta's text are new per event. The Response the start and end events carry is written by response-text.ts
// without building the object, and each closed item is serialised once for its output_item.done and the final
// response. The frames are byte for byte what eventFrame makes of the same events (stream-events.test.ts holds the
// two to it); every other chunk takes the event path.
import type { ChatCompletionChunk, ChunkDelta, ToolCallDelta, Usage } from '../../../../../shared/openai-types.js';
import type { ToolKind } from './convert-tools.js';
import {
  customInput,
  detailsOf,
  messageItem,
  outputText,
  reasoningItem,
  toolCallItem,
  toolCallSignatureDetail,
  wantsSummary,
  type ItemStatus,
  type MessageItem,
  type ResponseOutputItem,
} from './output-items.js';
import { mergeReasoningDetails } from './reasoning-carrier.js';
import { finishStatus, newId, responseObject, toResponsesUsage, type ResponseContext, type ResponseObject } from './response-object.js';
import { outputItemText, responseText } from './response-text.js';
import {
  deltaFrame,
  deltaTemplate,
  eventFrame,
  itemDoneFrame,
  messageOpenFrames,
  responseFrame,
  textDoneFrame,
  type DeltaTemplate,
  type ResponsesEvent,
} from './stream-frames.js';
import { append } from '../../../../../shared/append.js';

export { eventFrame, type ResponsesEvent } from './stream-frames.js';

interface OpenReasoning {
  readonly kind: 'reasoning';
  readonly id: string;
  readonly outputIndex: number;
  text: string;
  readonly details: Record<string, unknown>[];
  partOpen: boolean;
  /** the delta template, made by the first delta written as a frame */
  template?: DeltaTemplate;
}

interface OpenMessage {
  readonly kind: 'message';
  readonly id: string;
  readonly outputIndex: number;
  readonly content: MessageItem['content'];
  part: { readonly type: 'text' | 'refusal'; readonly index: number; text: string; template?: DeltaTemplate } | undefined;
}

/** One chat tool call, by its chat index. `pending` until its name is known, since the name decides its item type. */
interface ToolSlot {
  readonly kind: 'tool';
  state: 'pending' | 'open' | 'closed';
  callId: string | undefined;
  name: string | undefined;
  args: string;
  toolKind: ToolKind;
  id: string;
  outputIndex: number;
  /** the last delta that carried extra fields (Gemini's thought signature rides there) */
  extra: Record<string, unknown> | undefined;
  template?: DeltaTemplate;
}

type OpenItem = OpenReasoning | OpenMessage | ToolSlot;

export class ResponsesEventEncoder {
  private sequence = 0;
  private readonly output: ResponseOutputItem[] = [];
  private open: OpenItem | undefined;
  private readonly tools = new Map<number, ToolSlot>();
  /** reasoning details that came while no reasoning item was open: they go out in a reasoning item at the end */
  private readonly lateDetails: Record<string, unknown>[] = [];
  private finishReason: string | null = null;
  private usage: Usage | undefined;
  private final: ResponseObject | undefined;
  /** the final response's JSON as its frame carried it (finishFrames/failFrames), for the store */
  private finalJson: string | undefined;
  /** for the frames: each closed item's JSON */
  private readonly itemJson = new Map<ResponseOutputItem, string>();

  constructor(private readonly context: ResponseContext) {}

  start(): ResponsesEvent[] {
    return [this.event('response.created', { response: this.snapshot() }), this.event('response.in_progress', { response: this.snapshot() })];
  }

  chunk(chunk: ChatCompletionChunk): ResponsesEvent[] {
    if (this.final) return [];
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return [];
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    const delta = choice.delta ?? {};
    const events: ResponsesEvent[] = [];
    const reasoning = delta.reasoning_content ?? delta['reasoning'];
    if (typeof reasoning === 'string' && reasoning !== '') append(events, this.reasoningText(reasoning));
    const details = detailsOf(delta['reasoning_details']);
    if (details.length > 0) append(events, this.reasoningDetails(details));
    if (typeof delta.content === 'string' && delta.content !== '') append(events, this.messageText('text', delta.content));
    if (typeof delta.refusal === 'string' && delta.refusal !== '') append(events, this.messageText('refusal', delta.refusal));
    for (const call of delta.tool_calls ?? []) append(events, this.toolDelta(call));
    return events;
  }

  /** The end of a successful stream: close what is open, then response.completed (or .incomplete). */
  finish(): ResponsesEvent[] {
    if (this.final) return [];
    const events: ResponsesEvent[] = [];
    // a call whose name never came still goes out, so the client sees what the model tried
    for (const slot of this.tools.values()) if (slot.state === 'pending') append(events, this.openTool(slot));
    const { status, incomplete_details } = finishStatus(this.finishReason);
    append(events, this.closeOpen(status === 'incomplete' ? 'incomplete' : 'completed'));
    if (this.lateDetails.length > 0) {
      append(events, this.openReasoning());
      append(events, this.closeOpen('completed'));
    }
    this.final = responseObject(this.context, { status, incomplete_details, output: [...this.output], usage: toResponsesUsage(this.usage) });
    events.push(this.event(status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response: this.final }));
    return events;
  }

  /** The end of a failed stream. Open items stay open: the client discards a failed response whole. */
  fail(error: { code: string; message: string }): ResponsesEvent[] {
    if (this.final) return [];
    this.final = responseObject(this.context, {
      status: 'failed',
      output: [...this.output],
      usage: toResponsesUsage(this.usage),
      error: { code: error.code, message: error.message },
    });
    return [this.event('response.failed', { response: this.final })];
  }

  /** start() as frames: the response is serialised once for both events. */
  startFrames(): string {
    const response = responseText(this.context, { status: 'in_progress', output: this.output, usage: null });
    return responseFrame('response.created', this.sequence++, response) + responseFrame('response.in_progress', this.sequence++, response);
  }

  /** chunk() as frames. A chunk that only continues the open item's text, reasoning or arguments is written from its template. */
  chunkFrames(chunk: ChatCompletionChunk): string {
    const choice = chunk.choices[0];
    if (this.final || !choice) return this.frames(this.chunk(chunk));
    const frame = this.continuation(choice.delta ?? {});
    if (frame === undefined) return this.frames(this.chunk(chunk));
    if (chunk.usage) this.usage = chunk.usage;
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
    return frame;
  }

  /**
   * The frame for a delta that adds to what is open and does nothing else, with the same effect on the state as
   * chunk() would have; undefined for any other delta (chunk() handles it).
   */
  private continuation(delta: ChunkDelta): string | undefined {
    const open = this.open;
    if (isText(delta.refusal) || !noDetails(delta['reasoning_details'])) return undefined;
    const content = delta.content;
    const reasoning = delta.reasoning_content ?? delta['reasoning'];
    const calls = delta.tool_calls;
    if (open === undefined) return isText(content) && !isText(reasoning) && noCalls(calls) ? this.openMessageFrames(content) : undefined;
    if (open.kind === 'message') {
      const part = open.part;
      if (part?.type !== 'text' || !isText(content) || isText(reasoning) || !noCalls(calls)) return undefined;
      part.text += content;
      part.template ??= deltaTemplate(
        'response.output_text.delta',
        { item_id: open.id, output_index: open.outputIndex, content_index: part.index },
        ',"logprobs":[]}\n\n',
      );
      return this.deltaFrame(part.template, content);
    }
    if (open.kind === 'reasoning') {
      if (!open.partOpen || !isText(reasoning) || isText(content) || !noCalls(calls)) return undefined;
      open.text += reasoning;
      const at = { item_id: open.id, output_index: open.outputIndex };
      open.template ??= wantsSummary(this.context)
        ? deltaTemplate('response.reasoning_summary_text.delta', { ...at, summary_index: 0 }, '}\n\n')
        : deltaTemplate('response.reasoning_text.delta', { ...at, content_index: 0 }, '}\n\n');
      return this.deltaFrame(open.template, reasoning);
    }
    const call = calls?.length === 1 ? calls[0] : undefined;
    if (call === undefined || isText(content) || isText(reasoning) || open.toolKind !== 'function' || this.tools.get(call.index) !== open) return undefined;
    const fragment = call.function?.arguments;
    if (!isText(fragment) || 'extra_content' in call || (call.function?.name && !open.name)) return undefined;
    open.args += fragment;
    open.template ??= deltaTemplate('response.function_call_arguments.delta', { item_id: open.id, output_index: open.outputIndex }, '}\n\n');
    return this.deltaFrame(open.template, fragment);
  }

  /** What messageText('text', content) writes when nothing is open: the message and its text part opened, the first delta. */
  private openMessageFrames(content: string): string {
    const part: NonNullable<OpenMessage['part']> = { type: 'text', index: 0, text: content };
    const item: OpenMessage = { kind: 'message', id: newId('msg'), outputIndex: this.output.length, content: [], part };
    this.open = item;
    const frames = messageOpenFrames(this.sequence, item.id, item.outputIndex);
    this.sequence += 2;
    part.template = deltaTemplate('response.output_text.delta', { item_id: item.id, output_index: item.outputIndex, content_index: 0 }, ',"logprobs":[]}\n\n');
    return frames + this.deltaFrame(part.template, content);
  }

  private deltaFrame(template: DeltaTemplate, text: string): string {
    return deltaFrame(template, this.sequence++, text);
  }

  /** finish() as frames. */
  finishFrames(): string {
    return this.frames(this.finish());
  }

  /** fail() as frames. */
  failFrames(error: { code: string; message: string }): string {
    return this.frames(this.fail(error));
  }

  /**
   * eventFrame of each event, with each closed item serialised once — for its output_item.done, then again inside
   * the final response.
   */
  private frames(events: readonly ResponsesEvent[]): string {
    let frames = '';
    for (const event of events) {
      if (event.type === 'response.output_item.done') {
        const item = event['item'] as ResponseOutputItem;
        const json = outputItemText(item);
        this.itemJson.set(item, json);
        frames += itemDoneFrame(event.sequence_number, event['output_index'] as number, json);
      } else if (event.type === 'response.output_text.done' || event.type === 'response.content_part.done') {
        frames += textDoneFrame(event) ?? eventFrame(event);
      } else if (this.final !== undefined && event['response'] === this.final) {
        let output = '';
        for (const item of this.final.output) output += `${output === '' ? '' : ','}${this.itemJson.get(item) ?? JSON.stringify(item)}`;
        this.finalJson = responseText(this.context, this.final, `[${output}]`);
        frames += responseFrame(event.type, event.sequence_number, this.finalJson);
      } else {
        frames += eventFrame(event);
      }
    }
    return frames;
  }

  /** The final response once the stream ended (for storage); before that, the response so far. */
  get response(): ResponseObject {
    return this.final ?? this.snapshot();
  }

  /** JSON.stringify(this.response) — once the stream ended, the very text its last frame carried (not made again). */
  get responseJson(): string {
    return this.finalJson ?? JSON.stringify(this.response);
  }

  private snapshot(): ResponseObject {
    return responseObject(this.context, { status: 'in_progress', output: [...this.output], usage: null });
  }

  private event(type: string, fields: Record<string, unknown>): ResponsesEvent {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private reasoningText(text: string): ResponsesEvent[] {
    const events = this.open?.kind === 'reasoning' ? [] : this.openReasoning();
    const item = this.open as OpenReasoning;
    const at = { item_id: item.id, output_index: item.outputIndex };
    const summary = wantsSummary(this.context);
    // one readable channel per stream: clients show summary and reasoning_text deltas alike, so both would double it
    if (!item.partOpen) {
      item.partOpen = true;
      events.push(
        summary
          ? this.event('response.reasoning_summary_part.added', { ...at, summary_index: 0, part: { type: 'summary_text', text: '' } })
          : this.event('response.content_part.added', { ...at, content_index: 0, part: { type: 'reasoning_text', text: '' } }),
      );
    }
    item.text += text;
    events.push(
      summary
        ? this.event('response.reasoning_summary_text.delta', { ...at, summary_index: 0, delta: text })
        : this.event('response.reasoning_text.delta', { ...at, content_index: 0, delta: text }),
    );
    return events;
  }

  /** Details join the open reasoning item, or open one when nothing came before them; otherwise they wait for the end. */
  private reasoningDetails(details: Record<string, unknown>[]): ResponsesEvent[] {
    if (this.open?.kind === 'reasoning') {
      append(this.open.details, details);
      return [];
    }
    if (this.open || this.output.length > 0) {
      append(this.lateDetails, details);
      return [];
    }
    const events = this.openReasoning();
    const open = this.open as OpenReasoning | undefined;
    if (open) append(open.details, details);
    return events;
  }

  private openReasoning(): ResponsesEvent[] {
    const events = this.closeOpen('completed');
    const item: OpenReasoning = {
      kind: 'reasoning',
      id: newId('rs'),
      outputIndex: this.output.length,
      text: '',
      details: this.lateDetails.splice(0),
      partOpen: false,
    };
    this.open = item;
    events.push(this.event('response.output_item.added', { output_index: item.outputIndex, item: { id: item.id, type: 'reasoning', summary: [] } }));
    return events;
  }

  private messageText(type: 'text' | 'refusal', text: string): ResponsesEvent[] {
    const events: ResponsesEvent[] = [];
    if (this.open?.kind !== 'message') {
      append(events, this.closeOpen('completed'));
      const opened: OpenMessage = { kind: 'message', id: newId('msg'), outputIndex: this.output.length, content: [], part: undefined };
      this.open = opened;
      events.push(this.event('response.output_item.added', { output_index: opened.outputIndex, item: messageItem(opened.id, [], 'in_progress') }));
    }
    const item = this.open as OpenMessage;
    const at = { item_id: item.id, output_index: item.outputIndex };
    if (item.part?.type !== type) {
      append(events, this.closePart(item));
      item.part = { type, index: item.content.length, text: '' };
      events.push(
        this.event('response.content_part.added', {
          ...at,
          content_index: item.part.index,
          part: type === 'text' ? outputText('') : { type: 'refusal', refusal: '' },
        }),
      );
    }
    item.part.text += text;
    const content_index = item.part.index;
    events.push(
      type === 'text'
        ? this.event('response.output_text.delta', { ...at, content_index, delta: text, logprobs: [] })
        : this.event('response.refusal.delta', { ...at, content_index, delta: text }),
    );
    return events;
  }

  private closePart(item: OpenMessage): ResponsesEvent[] {
    const part = item.part;
    if (!part) return [];
    item.part = undefined;
    const at = { item_id: item.id, output_index: item.outputIndex, content_index: part.index };
    if (part.type === 'text') {
      item.content.push(outputText(part.text));
      return [
        this.event('response.output_text.done', { ...at, text: part.text, logprobs: [] }),
        this.event('response.content_part.done', { ...at, part: outputText(part.text) }),
      ];
    }
    item.content.push({ type: 'refusal', refusal: part.text });
    return [
      this.event('response.refusal.done', { ...at, refusal: part.text }),
      this.event('response.content_part.done', { ...at, part: { type: 'refusal', refusal: part.text } }),
    ];
  }

  private toolDelta(call: ToolCallDelta): ResponsesEvent[] {
    let slot = this.tools.get(call.index);
    if (!slot) {
      slot = { kind: 'tool', state: 'pending', callId: undefined, name: undefined, args: '', toolKind: 'function', id: '', outputIndex: -1, extra: undefined };
      this.tools.set(call.index, slot);
    }
    if (call.id && !slot.callId) slot.callId = call.id;
    if (call.function?.name && !slot.name) slot.name = call.function.name;
    if ('extra_content' in call) slot.extra = call as unknown as Record<string, unknown>;
    const fragment = call.function?.arguments ?? '';
    // A fragment for a call already closed cannot be added to it any more. Chat servers stream each call whole before
    // the next (OpenAI, and every adapter here), so this does not happen in practice; the fragment is dropped.
    if (slot.state === 'closed') return [];
    slot.args += fragment;
    if (slot.state === 'pending') return slot.name ? this.openTool(slot) : [];
    if (slot.toolKind === 'function' && fragment !== '')
      return [this.event('response.function_call_arguments.delta', { item_id: slot.id, output_index: slot.outputIndex, delta: fragment })];
    return [];
  }

  /** Function calls stream their arguments; custom and local_shell calls need the whole JSON to decode, at the end. */
  private openTool(slot: ToolSlot): ResponsesEvent[] {
    const events = this.closeOpen('completed');
    slot.state = 'open';
    slot.name ??= '';
    slot.callId ??= newId('call');
    slot.toolKind = this.context.tools.kindOf(slot.name);
    slot.outputIndex = this.output.length;
    this.open = slot;
    const at = { output_index: slot.outputIndex };
    if (slot.toolKind === 'function') {
      slot.id = newId('fc');
      events.push(
        this.event('response.output_item.added', {
          ...at,
          item: { id: slot.id, type: 'function_call', status: 'in_progress', arguments: '', call_id: slot.callId, name: slot.name },
        }),
      );
      if (slot.args !== '') events.push(this.event('response.function_call_arguments.delta', { item_id: slot.id, ...at, delta: slot.args }));
    } else if (slot.toolKind === 'custom') {
      slot.id = newId('ctc');
      events.push(
        this.event('response.output_item.added', {
          ...at,
          item: { id: slot.id, type: 'custom_tool_call', status: 'in_progress', call_id: slot.callId, name: slot.name, input: '' },
        }),
      );
    }
    return events;
  }

  private closeTool(slot: ToolSlot, status: ItemStatus): ResponsesEvent[] {
    slot.state = 'closed';
    const callId = slot.callId ?? '';
    const name = slot.name ?? '';
    const signature = slot.extra ? toolCallSignatureDetail(slot.extra, callId, this.lateDetails.length) : undefined;
    if (signature) this.lateDetails.push(signature);
    const at = { output_index: slot.outputIndex };
    const events: ResponsesEvent[] = [];
    const item = toolCallItem(slot.toolKind, callId, name, slot.args, status, slot.id || undefined);
    if (slot.toolKind === 'custom') {
      const input = customInput(slot.args);
      if (input !== '') events.push(this.event('response.custom_tool_call_input.delta', { item_id: slot.id, ...at, delta: input }));
      events.push(this.event('response.custom_tool_call_input.done', { item_id: slot.id, ...at, input }));
    } else if (slot.toolKind === 'local_shell') {
      events.push(
        this.event('response.output_item.added', {
          ...at,
          item: { ...item, status: 'in_progress', ...(item.type === 'function_call' ? { arguments: '' } : {}) },
        }),
      );
      if (item.type === 'function_call' && slot.args !== '')
        events.push(this.event('response.function_call_arguments.delta', { item_id: item.id, ...at, delta: slot.args }));
    }
    if (item.type === 'function_call')
      events.push(this.event('response.function_call_arguments.done', { item_id: item.id, ...at, name, arguments: slot.args }));
    events.push(this.event('response.output_item.done', { ...at, item }));
    this.output.push(item);
    return events;
  }

  private closeOpen(status: ItemStatus): ResponsesEvent[] {
    const open = this.open;
    if (!open) return [];
    this.open = undefined;
    if (open.kind === 'tool') return this.closeTool(open, status);
    const at = { item_id: open.id, output_index: open.outputIndex };
    const events: ResponsesEvent[] = [];
    let item: ResponseOutputItem;
    if (open.kind === 'message') {
      append(events, this.closePart(open));
      item = messageItem(open.id, open.content, status);
    } else {
      if (open.partOpen && wantsSummary(this.context)) {
        const part = { type: 'summary_text', text: open.text };
        events.push(
          this.event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: open.text }),
          this.event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part }),
        );
      } else if (open.partOpen) {
        const part = { type: 'reasoning_text', text: open.text };
        events.push(
          this.event('response.reasoning_text.done', { ...at, content_index: 0, text: open.text }),
          this.event('response.content_part.done', { ...at, content_index: 0, part }),
        );
      }
      item = reasoningItem(open.id, open.text, mergeReasoningDetails(open.details), this.context);
    }
    events.push(this.event('response.output_item.done', { output_index: open.outputIndex, item }));
    this.output.push(item);
    return events;
  }
}

/** The gateway's error class → the Responses error code clients act on (Codex retries rate limits, stops on quota). */
export function responsesErrorCode(errorClass: string): string {
  switch (errorClass) {
    case 'context_length':
      return 'context_length_exceeded';
    case 'quota':
      return 'insufficient_quota';
    case 'rate_limit':
    case 'overloaded':
      return 'rate_limit_exceeded';
    default:
      return 'server_error';
  }
}

/** what chunk() acts on: a non-empty string */
function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** reasoning_details that surely carry nothing (chunk() decides about any other) */
function noDetails(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function noCalls(calls: readonly ToolCallDelta[] | undefined | null): boolean {
  return calls === undefined || calls === null || calls.length === 0;
}
