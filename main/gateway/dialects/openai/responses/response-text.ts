// JSON.stringify of a complete (non-stream) Response, written field by field. A translated non-stream answer is
// ~1 KB of JSON built from ~40 small values, most of them the request's settings echoed or OpenAI's defaults;
// JSON.stringify walked it in ~3 µs warm and ~10 µs in the gateway's profile (4.5% of a Responses request's CPU at
// c=16, where chat hands back the upstream's bytes). Here the keys are constant text, strings go through jsonString
// (json-text.ts) and the values that are usually a default (null, [], {}, {"type":"text"}, "auto") are written as
// such; what is not the usual value — a tool list, a json_schema format, metadata, a reasoning or tool-call item —
// goes to JSON.stringify as before. The fields and their order are responseObject()'s (response-object.ts) and
// messageItem()'s / outputText()'s (output-items.ts); the property test beside response-object.ts holds the result to
// JSON.stringify's, byte for byte, for any settings, items and usage.
import { jsonString } from './json-text.js';
import type { MessageItem, ResponseOutputItem } from './output-items.js';
import type { ResponseObject, ResponseUsage } from './response-object.js';

/** A value this writer does not handle (undefined, a function…): the whole response goes to JSON.stringify. */
class Unusual extends Error {}

/** JSON.stringify(response) for a Response made by responseObject(). */
export function responseText(response: ResponseObject): string {
  try {
    return write(response);
  } catch (error) {
    if (error instanceof Unusual) return JSON.stringify(response);
    throw error;
  }
}

function write(r: ResponseObject): string {
  return (
    `{"id":${scalar(r.id)},"object":${scalar(r.object)},"created_at":${scalar(r.created_at)},"status":${scalar(r.status)}` +
    `,"background":${scalar(r.background)},"error":${nullOr(r.error)},"incomplete_details":${nullOr(r.incomplete_details)}` +
    `,"instructions":${scalar(r.instructions)},"max_output_tokens":${scalar(r.max_output_tokens)},"max_tool_calls":${scalar(r.max_tool_calls)}` +
    `,"model":${scalar(r.model)},"output":${outputText(r.output)},"parallel_tool_calls":${scalar(r.parallel_tool_calls)}` +
    `,"previous_response_id":${scalar(r.previous_response_id)},"prompt_cache_key":${scalar(r.prompt_cache_key)}` +
    `,"reasoning":{"effort":${scalar(r.reasoning.effort)},"summary":${scalar(r.reasoning.summary)}}` +
    `,"safety_identifier":${scalar(r.safety_identifier)},"service_tier":${scalar(r.service_tier)},"store":${scalar(r.store)}` +
    `,"temperature":${scalar(r.temperature)},"text":{"format":${format(r.text.format)},"verbosity":${scalar(r.text.verbosity)}}` +
    `,"tool_choice":${typeof r.tool_choice === 'string' ? jsonString(r.tool_choice) : value(r.tool_choice)}` +
    `,"tools":${r.tools.length === 0 ? '[]' : value(r.tools)},"top_logprobs":${scalar(r.top_logprobs)},"top_p":${scalar(r.top_p)}` +
    `,"truncation":${scalar(r.truncation)},"usage":${usageText(r.usage)},"user":${scalar(r.user)},"metadata":${isEmpty(r.metadata) ? '{}' : value(r.metadata)}}`
  );
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

function format(v: Record<string, unknown>): string {
  if (v['type'] === 'text' && onlyKey(v, 'type')) return '{"type":"text"}';
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
function usageText(usage: ResponseUsage | null): string {
  if (usage === null) return 'null';
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
