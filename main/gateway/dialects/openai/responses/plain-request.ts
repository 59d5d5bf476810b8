// A fast check for the common Responses request — text input (a string, or messages whose content is text) and the
// usual settings — that accepts only what responsesRequestSchema accepts and says nothing otherwise: anything it does
// not recognise as plainly valid (tools, items other than messages, images, text.format, a value out of range…) goes
// to the zod schema, which stays the authority and the source of every error message. The schema's dispatching
// unions build new objects per item; this reads the parsed JSON in place. The property test beside it holds the two
// to the same answer, as shared/chat-request-fast.ts does for chat.
import { isBoolean, isNumberIn, isObject, isString, nullable, plainFields, type Check } from '../../../../../shared/plain-fields.js';
import type { ResponsesRequest } from './schema.js';
import { responsesRequestSchema } from './schema.js';

/** The request fields this check can judge, as the schema defines them. A Map: a client's key never meets a prototype. */
const requestFields: ReadonlyMap<string, Check> = new Map(
  Object.entries({
    model: (value) => typeof value === 'string' && value.length >= 1 && value.length <= 512,
    input: (value) => typeof value === 'string' || (Array.isArray(value) && value.every(isPlainMessage)),
    instructions: nullable(isString),
    stream: nullable(isBoolean),
    store: nullable(isBoolean),
    max_output_tokens: nullable((value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0),
    temperature: nullable(isNumberIn(0, 2)),
    top_p: nullable(isNumberIn(0, 1)),
    metadata: nullable((value) => isObject(value) && Object.values(value).every(isString)),
    include: nullable((value) => Array.isArray(value) && value.every(isString)),
    prompt_cache_key: nullable(isString),
    previous_response_id: nullable(isString),
    user: nullable(isString),
    safety_identifier: nullable(isString),
    service_tier: nullable(isString),
  } satisfies Record<string, Check>),
);

const requestSchemaFields = new Set(Object.keys(responsesRequestSchema.shape));
const roles = new Set(['user', 'assistant', 'system', 'developer']);
/** the message item's own fields; any other key is one the schema does not know (kept as it is) */
const messageFields = new Set(['type', 'role', 'content', 'id', 'status']);

/** `{type?: 'message', role, content: "text" | [{type: 'input_text', text}], id?, status?}`. */
function isPlainMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    if (!messageFields.has(key)) continue;
    const field = value[key];
    if (key === 'type' && field !== 'message') return false;
    if (key === 'role' && !(typeof field === 'string' && roles.has(field))) return false;
    if (key === 'content' && !(typeof field === 'string' || (Array.isArray(field) && field.every(isInputText)))) return false;
    if ((key === 'id' || key === 'status') && !(field === null || typeof field === 'string')) return false;
  }
  return value['role'] !== undefined && value['content'] !== undefined;
}

function isInputText(part: unknown): boolean {
  return isObject(part) && part['type'] === 'input_text' && typeof part['text'] === 'string';
}

/** The request itself when it is plainly valid; undefined when the schema must decide. */
export function plainResponsesRequest(value: unknown): ResponsesRequest | undefined {
  return isObject(value) && plainFields(value, requestFields, requestSchemaFields, required) ? (value as ResponsesRequest) : undefined;
}

const required = ['model'];
