// A fast check for the common chat request — text messages and the usual sampling fields — that accepts only what
// chatRequestSchema accepts, and says nothing otherwise: anything it does not recognise as plainly valid (tools,
// content parts, response_format, a value out of range, …) goes to the zod schema, which stays the authority and
// the source of every error message. Zod builds a new object per field (~1 µs warm, ~8 µs per request with the
// gateway's cold caches); this reads the parsed JSON in place and returns it as it is.
// The property test beside it holds the two to the same answer.
import { chatMessageSchema, chatRequestSchema, type ChatRequest } from './openai-schema.js';
import { isBoolean, isNumberIn, isObject, isString, nullable, plainFields, type Check } from './plain-fields.js';

const isPositiveInteger: Check = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/** The request fields this check can judge, as the schema defines them (see chatRequestSchema). A Map, not an
 *  object: a client's key (`__proto__`, `constructor`) must never find something on a prototype. */
const requestFields: ReadonlyMap<string, Check> = new Map(
  Object.entries({
    model: (value) => typeof value === 'string' && value.length >= 1 && value.length <= 512,
    messages: (value) => Array.isArray(value) && value.length >= 1 && value.every(isPlainMessage),
    stream: nullable(isBoolean),
    stream_options: nullable(isStreamOptions),
    temperature: nullable(isNumberIn(0, 2)),
    top_p: nullable(isNumberIn(0, 1)),
    max_tokens: nullable(isPositiveInteger),
    max_completion_tokens: nullable(isPositiveInteger),
    n: nullable((value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1 && value <= 128),
    seed: nullable((value) => typeof value === 'number' && Number.isSafeInteger(value)),
    presence_penalty: nullable(isNumberIn(-2, 2)),
    frequency_penalty: nullable(isNumberIn(-2, 2)),
    stop: nullable((value) => typeof value === 'string' || (Array.isArray(value) && value.length <= 16 && value.every(isString))),
    user: isString,
  } satisfies Record<string, Check>),
);

/** Every field some message shape of the schema knows: a message using one this check does not judge goes to zod. */
const messageSchemaFields = new Set(chatMessageSchema.options.flatMap((option) => Object.keys(option.shape)));
const requestSchemaFields = new Set(Object.keys(chatRequestSchema.shape));
const plainRoles = new Set(['system', 'developer', 'user', 'assistant']);

function isStreamOptions(value: unknown): boolean {
  if (!isObject(value)) return false;
  const includeUsage = value['include_usage'];
  return includeUsage === undefined || typeof includeUsage === 'boolean';
}

/** `{role: system|developer|user|assistant, content: "text", name?: "…"}`, plus fields the schema does not know. */
function isPlainMessage(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key in value) {
    const field = value[key];
    if (key === 'role') {
      if (typeof field !== 'string' || !plainRoles.has(field)) return false;
    } else if (key === 'content' || key === 'name') {
      if (typeof field !== 'string') return false;
    } else if (messageSchemaFields.has(key)) {
      return false;
    }
  }
  return typeof value['role'] === 'string' && typeof value['content'] === 'string';
}

/** The request itself when it is plainly valid; undefined when the schema must decide. */
export function plainChatRequest(value: unknown): ChatRequest | undefined {
  return isObject(value) && plainFields(value, requestFields, requestSchemaFields, required) ? (value as ChatRequest) : undefined;
}

const required = ['model', 'messages'];
