// JSON.stringify(responseObject(context, state)) for a complete (non-stream) Response, written field by field from
// the request and the answer's state without building the object: a translated non-stream answer is ~1 KB of JSON
// built from ~40 small values, most of them the request's settings echoed or OpenAI's defaults, and chat hands back
// the upstream's bytes instead. JSON.stringify walked the built object in ~3 µs warm and ~10 µs in the gateway's
// profile; the object itself (30 fields, their defaults applied) was another allocation per request that only a
// stored response needs (create.ts builds it then). Here the keys are constant text, strings go through jsonString
// (json-text.ts), a setting the request left out is written as its default directly, and the values that are usually
// a default (null, [], {}, {"type":"text"}, "auto") are written as such; what is not the usual value — a tool list, a
// json_schema format, metadata, a reasoning or tool-call item — goes to JSON.stringify as before. The fields, their
// order and their defaults are responseObject()'s (response-object.ts), the message items messageItem()'s /
// outputText()'s (output-items.ts); the property test beside response-object.ts holds the result to JSON.stringify's,
// byte for byte, for any settings, items and usage.
import { jsonString } from './json-text.js';
import type { MessageItem, ResponseOutputItem } from './output-items.js';
import { responseObject, type ResponseContext, type ResponseState, type ResponseUsage } from './response-object.js';

/** A value this writer does not handle (undefined, a function…): the whole response goes to JSON.stringify. */
class Unusual extends Error {}

/** JSON.stringify(responseObject(context, state)); `output`, when given, is JSON.stringify(state.output). */
export function responseText(context: ResponseContext, state: ResponseState, output?: string): string {
  try {
    return write(context, state, output);
  } catch (error) {
    if (error instanceof Unusual) return JSON.stringify(responseObject(context, state));
    throw error;
  }
}

/** JSON.stringify(item) for an output item (a message is written field by field). */
export function outputItemText(item: ResponseOutputItem): string {
  try {
    return item.type === 'message' ? messageText(item) : value(item);
  } catch (error) {
    if (error instanceof Unusual) return JSON.stringify(item);
    throw error;
  }
}

/** The settings nobody sets on a plain request, as responseObject() defaults them (reasoning … tools). */
const defaultReasoning = '{"effort":null,"summary":null}';
const defaultText = '{"format":{"type":"text"},"verbosity":"medium"}';

function write(c: ResponseContext, s: ResponseState, output: string | undefined): string {
  const q = c.request;
  const reasoning = q.reasoning;
  const text = q.text;
  return (
    `{"id":${scalar(c.id)},"object":"response","created_at":${scalar(c.createdAt)},"status":${scalar(s.status)},"background":false` +
    `,"error":${nullOr(s.error ?? null)},"incomplete_details":${nullOr(s.incomplete_details ?? null)}` +
    `,"instructions":${or(q.instructions, 'null')},"max_output_tokens":${or(q.max_output_tokens, 'null')},"max_tool_calls":${or(q.max_tool_calls, 'null')}` +
    `,"model":${scalar(c.model)},"output":${output ?? outputText(s.output)},"parallel_tool_calls":${or(q.parallel_tool_calls, 'true')}` +
    `,"previous_response_id":${or(q.previous_response_id, 'null')},"prompt_cache_key":${or(q.prompt_cache_key, 'null')}` +
    `,"reasoning":${reasoning == null ? defaultReasoning : `{"effort":${or(reasoning.effort, 'null')},"summary":${or(reasoning.summary, 'null')}}`}` +
    `,"safety_identifier":${or(q.safety_identifier, 'null')},"service_tier":${or(q.service_tier, '"default"')},"store":${or(q.store, 'true')}` +
    `,"temperature":${or(q.temperature, '1')},"text":${text == null ? defaultText : `{"format":${format(text.format)},"verbosity":${or(text.verbosity, '"medium"')}}`}` +
    `,"tool_choice":${q.tool_choice == null ? '"auto"' : typeof q.tool_choice === 'string' ? jsonString(q.tool_choice) : value(q.tool_choice)}` +
    `,"tools":${q.tools == null || q.tools.length === 0 ? '[]' : value(q.tools)},"top_logprobs":${or(q.top_logprobs, '0')},"top_p":${or(q.top_p, '1')}` +
    `,"truncation":${or(q.truncation, '"disabled"')},"usage":${usageText(s.usage)},"user":${or(q.user, 'null')}` +
    `,"metadata":${q.metadata == null || isEmpty(q.metadata) ? '{}' : value(q.metadata)}}`
  );
}

/** `setting ?? default` as JSON: the default's text when the request left the setting out (or null). */
function or(v: unknown, fallback: string): string {
  return v === undefined || v === null ? fallback : scalar(v);
}

/** A string, number, boolean or null, as JSON.stringify writes it. */
function scalar(v: unknown): string {
  if (typeof v === 'string') return jsonString(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return value(v);
}

function nullOr(v: unknown): string {
  return v === null ? 'null' : value(v);
}

/** Anything else: JSON.stringify, unless it would leave the key out (undefined) — then the response is unusual. */
function value(v: unknown): string {
  const json = JSON.stringify(v) as string | undefined;
  if (json === undefined) throw new Unusual();
  return json;
}

function format(v: Record<string, unknown> | null | undefined): string {
  if (v === undefined || v === null || (v['type'] === 'text' && onlyKey(v, 'type'))) return '{"type":"text"}';
  return value(v);
}

function outputText(items: readonly ResponseOutputItem[]): string {
  let json = '[';
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as ResponseOutputItem;
    json += (index === 0 ? '' : ',') + (item.type === 'message' ? messageText(item) : value(item));
  }
  return `${json}]`;
}

/** A message item as messageItem() makes it, its text parts as outputText() makes them (no annotations or logprobs). */
function messageText(item: MessageItem): string {
  if (!onlyKeys(item, 5)) return value(item);
  let content = '';
  for (let index = 0; index < item.content.length; index += 1) {
    const part = item.content[index] as MessageItem['content'][number];
    const plain = part.type === 'output_text' && onlyKeys(part, 4) && isEmptyArray(part.annotations) && isEmptyArray(part.logprobs);
    content += (index === 0 ? '' : ',') + (plain ? `{"type":"output_text","text":${scalar(part.text)},"annotations":[],"logprobs":[]}` : value(part));
  }
  return `{"id":${scalar(item.id)},"type":"message","status":${scalar(item.status)},"role":${scalar(item.role)},"content":[${content}]}`;
}

/** toResponsesUsage()'s object; one with a value of another kind (a missing count) goes to JSON.stringify. */
function usageText(usage: ResponseUsage | null | undefined): string {
  if (usage === null) return 'null';
  if (usage === undefined) throw new Unusual(); // JSON.stringify leaves the key out
  const input = usage.input_tokens_details as ResponseUsage['input_tokens_details'] | undefined;
  const output = usage.output_tokens_details as ResponseUsage['output_tokens_details'] | undefined;
  if (typeof input !== 'object' || input === null || typeof output !== 'object' || output === null) return value(usage);
  const write = input.cache_write_tokens;
  const plain =
    typeof usage.input_tokens === 'number' &&
    typeof input.cached_tokens === 'number' &&
    (write === undefined || typeof write === 'number') &&
    typeof usage.output_tokens === 'number' &&
    typeof output.reasoning_tokens === 'number' &&
    typeof usage.total_tokens === 'number' &&
    (usage.cost === undefined || typeof usage.cost === 'number') &&
    onlyKeys(input, write === undefined ? 1 : 2) &&
    onlyKeys(output, 1) &&
    onlyKeys(usage, usage.cost === undefined ? 5 : 6);
  if (!plain) return value(usage);
  return (
    `{"input_tokens":${scalar(usage.input_tokens)},"input_tokens_details":{"cached_tokens":${scalar(input.cached_tokens)}` +
    `${write === undefined ? '' : `,"cache_write_tokens":${scalar(write)}`}},"output_tokens":${scalar(usage.output_tokens)}` +
    `,"output_tokens_details":{"reasoning_tokens":${scalar(output.reasoning_tokens)}},"total_tokens":${scalar(usage.total_tokens)}` +
    `${usage.cost === undefined ? '' : `,"cost":${scalar(usage.cost)}`}}`
  );
}

function isEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length === 0;
}

function isEmpty(object: Record<string, unknown>): boolean {
  for (const _key in object) return false;
  return true;
}

function onlyKey(object: Record<string, unknown>, key: string): boolean {
  for (const other in object) if (other !== key) return false;
  return true;
}

function onlyKeys(object: object, count: number): boolean {
  let seen = 0;
  for (const _key in object) seen += 1;
  return seen === count;
}
