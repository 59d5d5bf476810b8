// The SSE text of Responses stream events, and the templates the encoder (stream-events.ts) writes its usual frames
// from. eventFrame is the definition: any event as `event: <type>` and its JSON. The others write exactly what
// eventFrame makes of the same event, with the parts that are already JSON — a Response (response-text.ts), a closed
// item — or fixed for an item — its ids and indexes — put in as text, so a delta costs a sequence number and its
// escaped text. stream-events.test.ts holds the frames to eventFrame for any sequence of chunks.
import { jsonString } from './json-text.js';

export interface ResponsesEvent {
  readonly type: string;
  readonly sequence_number: number;
  readonly [field: string]: unknown;
}

export function eventFrame(event: ResponsesEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** eventFrame of `{type, sequence_number, response}`, with the response already serialised. */
export function responseFrame(type: string, sequence: number, response: string): string {
  return `event: ${type}\ndata: {"type":${jsonString(type)},"sequence_number":${sequence},"response":${response}}\n\n`;
}

/** eventFrame of `{type: 'response.output_item.done', sequence_number, output_index, item}`, with the item already serialised. */
export function itemDoneFrame(sequence: number, outputIndex: number, item: string): string {
  return `event: response.output_item.done\ndata: {"type":"response.output_item.done","sequence_number":${sequence},"output_index":${outputIndex},"item":${item}}\n\n`;
}

/**
 * eventFrame of the two events that open a message with a text part, numbered from `sequence`: output_item.added with
 * messageItem(id, [], 'in_progress') and content_part.added with outputText('') at content index 0.
 */
export function messageOpenFrames(sequence: number, id: string, outputIndex: number): string {
  const itemId = jsonString(id);
  return (
    `event: response.output_item.added\ndata: {"type":"response.output_item.added","sequence_number":${sequence},"output_index":${outputIndex}` +
    `,"item":{"id":${itemId},"type":"message","status":"in_progress","role":"assistant","content":[]}}\n\n` +
    `event: response.content_part.added\ndata: {"type":"response.content_part.added","sequence_number":${sequence + 1},"item_id":${itemId}` +
    `,"output_index":${outputIndex},"content_index":0,"part":{"type":"output_text","text":"","annotations":[],"logprobs":[]}}\n\n`
  );
}

/**
 * eventFrame of the events that close a text part, as closePart makes them — output_text.done
 * `{type, sequence_number, item_id, output_index, content_index, text, logprobs: []}` and content_part.done
 * `{type, sequence_number, item_id, output_index, content_index, part: outputText(text)}` — with the text escaped by
 * jsonString; undefined for an event of any other shape (eventFrame writes it).
 */
export function textDoneFrame(event: ResponsesEvent): string | undefined {
  const { type, sequence_number: sequence, item_id: itemId, output_index: outputIndex, content_index: contentIndex } = event;
  const text = type === 'response.output_text.done';
  if (typeof itemId !== 'string' || typeof outputIndex !== 'number' || typeof contentIndex !== 'number' || !hasKeys(event, text ? 7 : 6)) return undefined;
  const at = `"sequence_number":${sequence},"item_id":${jsonString(itemId)},"output_index":${outputIndex},"content_index":${contentIndex}`;
  if (text) {
    const { text: whole, logprobs } = event;
    if (typeof whole !== 'string' || !isEmptyArray(logprobs)) return undefined;
    return `event: ${type}\ndata: {"type":"${type}",${at},"text":${jsonString(whole)},"logprobs":[]}\n\n`;
  }
  const part = event['part'] as Record<string, unknown> | undefined;
  if (type !== 'response.content_part.done' || typeof part !== 'object' || part === null || !hasKeys(part, 4)) return undefined;
  const { type: partType, text: whole, annotations, logprobs } = part;
  if (partType !== 'output_text' || typeof whole !== 'string' || !isEmptyArray(annotations) || !isEmptyArray(logprobs)) return undefined;
  return `event: ${type}\ndata: {"type":"${type}",${at},"part":{"type":"output_text","text":${jsonString(whole)},"annotations":[],"logprobs":[]}}\n\n`;
}

function hasKeys(object: object, count: number): boolean {
  let seen = 0;
  for (const _key in object) seen += 1;
  return seen === count;
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

/**
 * eventFrame of `{type, sequence_number, ...fields, delta, ...}` in three pieces around the sequence number and the
 * delta: head + sequence + middle + jsonString(delta) + tail.
 */
export interface DeltaTemplate {
  readonly head: string;
  readonly middle: string;
  readonly tail: string;
}

export function deltaTemplate(type: string, fields: Record<string, string | number>, tail: string): DeltaTemplate {
  const serialised = JSON.stringify(fields);
  return { head: `event: ${type}\ndata: {"type":${JSON.stringify(type)},"sequence_number":`, middle: `,${serialised.slice(1, -1)},"delta":`, tail };
}

export function deltaFrame(template: DeltaTemplate, sequence: number, text: string): string {
  return template.head + sequence + template.middle + jsonString(text) + template.tail;
}
