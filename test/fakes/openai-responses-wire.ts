// Exact Responses API wire shapes for the fake OpenAI upstream: Response objects and output items in the key order
// api.openai.com sends, the full event sequence of a streamed answer (response.created … response.completed, numbered
// by sequence_number), in-band failures, and the error bodies of /v1/responses. Shapes follow openai-node's
// src/resources/responses/responses.ts and streams recorded from api.openai.com (vercel/ai's __fixtures__).
import { openAIErrorBody, splitText, type ErrorReply, type ToolCallSpec, type UsageNumbers } from './openai-wire.js';

// ---------------------------------------------------------------------------------------------------------
// Identifiers: resp_/msg_/fc_/rs_/ctc_ + 50 hex digits, deterministic per process

let identifierCounter = 0;

function hexIdentifier(prefix: string): string {
  identifierCounter += 1;
  let state = (identifierCounter * 2654435761) >>> 0 || 1;
  let text = '';
  for (let position = 0; position < 50; position += 1) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += (state % 16).toString(16);
  }
  return `${prefix}_${text}`;
}

export const newResponseId = (): string => hexIdentifier('resp');
export const newMessageItemId = (): string => hexIdentifier('msg');
export const newFunctionCallItemId = (): string => hexIdentifier('fc');
export const newReasoningItemId = (): string => hexIdentifier('rs');

// ---------------------------------------------------------------------------------------------------------
// Response objects

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseParts {
  readonly id: string;
  readonly createdAt: number;
  readonly model: string;
  readonly status: ResponseStatus;
  readonly output: readonly Record<string, unknown>[];
  readonly usage?: UsageNumbers | undefined;
  readonly error?: { readonly code: string; readonly message: string } | undefined;
  readonly incompleteReason?: 'max_output_tokens' | 'content_filter' | undefined;
  /** the request body, whose settings a Response echoes (instructions, tools, store, previous_response_id…) */
  readonly request: Readonly<Record<string, unknown>>;
}

/** A `response` object, keys in api.openai.com's order; usage is null until the response is finished. */
export function responseObject(parts: ResponseParts): Record<string, unknown> {
  const request = parts.request;
  const echo = (key: string, fallback: unknown): unknown => (request[key] === undefined ? fallback : request[key]);
  const finished = parts.status !== 'in_progress';
  return {
    id: parts.id,
    object: 'response',
    created_at: parts.createdAt,
    status: parts.status,
    background: echo('background', false),
    completed_at: parts.status === 'completed' ? parts.createdAt + 1 : null,
    error: parts.error ? { code: parts.error.code, message: parts.error.message } : null,
    incomplete_details: parts.incompleteReason ? { reason: parts.incompleteReason } : null,
    instructions: echo('instructions', null),
    max_output_tokens: echo('max_output_tokens', null),
    max_tool_calls: echo('max_tool_calls', null),
    model: parts.model,
    output: parts.output,
    parallel_tool_calls: echo('parallel_tool_calls', true),
    previous_response_id: echo('previous_response_id', null),
    prompt_cache_key: echo('prompt_cache_key', null),
    prompt_cache_retention: null,
    reasoning: echo('reasoning', { effort: null, summary: null }),
    safety_identifier: echo('safety_identifier', null),
    service_tier: finished ? 'default' : 'auto',
    store: echo('store', true),
    temperature: echo('temperature', 1.0),
    text: echo('text', { format: { type: 'text' }, verbosity: 'medium' }),
    tool_choice: echo('tool_choice', 'auto'),
    tools: echo('tools', []),
    top_logprobs: echo('top_logprobs', 0),
    top_p: echo('top_p', 1.0),
    truncation: echo('truncation', 'disabled'),
    usage: finished && parts.usage ? responsesUsage(parts.usage) : null,
    user: echo('user', null),
    metadata: echo('metadata', {}),
  };
}

export function responsesUsage(usage: UsageNumbers): Record<string, unknown> {
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: usage.cachedTokens ?? 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}

const outputText = (text: string): Record<string, unknown> => ({ type: 'output_text', annotations: [], logprobs: [], text });

export function messageItem(
  id: string,
  status: 'in_progress' | 'completed' | 'incomplete',
  text: string | undefined,
  refusal?: string,
): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (text !== undefined) content.push(outputText(text));
  if (refusal !== undefined) content.push({ type: 'refusal', refusal });
  return { id, type: 'message', status, content, role: 'assistant' };
}

export function functionCallItem(
  id: string,
  status: 'in_progress' | 'completed',
  call: ToolCallSpec & { readonly id: string },
  argumentsText: string,
): Record<string, unknown> {
  return { id, type: 'function_call', status, arguments: argumentsText, call_id: call.id, name: call.name };
}

export function reasoningItem(id: string, summary: readonly string[]): Record<string, unknown> {
  return { id, type: 'reasoning', summary: summary.map((text) => ({ type: 'summary_text', text })) };
}

// ---------------------------------------------------------------------------------------------------------
// The event sequence of a streamed answer

export interface AnswerParts {
  /** reasoning summary pieces (one summary part), streamed before the message */
  readonly reasoningPieces?: readonly string[];
  readonly textPieces: readonly string[];
  readonly refusal?: string;
  readonly toolCalls?: readonly (ToolCallSpec & { readonly id: string })[];
  /** pieces each tool call's arguments are split into (default 3) */
  readonly argumentPieces?: number;
  readonly usage: UsageNumbers;
  readonly incompleteReason?: 'max_output_tokens' | 'content_filter';
}

export interface AnswerEvents {
  /** every event, response.created first and response.completed (or .incomplete) last, without sequence numbers */
  readonly events: Record<string, unknown>[];
  /** positions in `events` of the delta events (text, refusal, reasoning, arguments) */
  readonly deltaPositions: number[];
  /** the finished Response, as response.completed carries it (and GET /v1/responses/{id} returns it) */
  readonly response: Record<string, unknown>;
}

/**
 * The events of one answer in OpenAI's order: created, in_progress; per output item output_item.added, its parts
 * (reasoning_summary_part / content_part .added, the deltas, the .done events), output_item.done; then the terminal
 * event. A function call has no content part: its argument deltas come between its output_item events.
 */
export function answerEvents(base: Omit<ResponseParts, 'status' | 'output' | 'usage' | 'error' | 'incompleteReason'>, parts: AnswerParts): AnswerEvents {
  const events: Record<string, unknown>[] = [];
  const deltaPositions: number[] = [];
  const output: Record<string, unknown>[] = [];
  const delta = (event: Record<string, unknown>): void => {
    deltaPositions.push(events.length);
    events.push(event);
  };
  const inProgress = responseObject({ ...base, status: 'in_progress', output: [] });
  events.push({ type: 'response.created', response: inProgress }, { type: 'response.in_progress', response: inProgress });
  if (parts.reasoningPieces && parts.reasoningPieces.length > 0) {
    const id = newReasoningItemId();
    const outputIndex = output.length;
    const text = parts.reasoningPieces.join('');
    const at = { item_id: id, output_index: outputIndex, summary_index: 0 };
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: reasoningItem(id, []) });
    events.push({ type: 'response.reasoning_summary_part.added', ...at, part: { type: 'summary_text', text: '' } });
    for (const piece of parts.reasoningPieces) delta({ type: 'response.reasoning_summary_text.delta', ...at, delta: piece, obfuscation: obfuscation(piece) });
    events.push({ type: 'response.reasoning_summary_text.done', ...at, text });
    events.push({ type: 'response.reasoning_summary_part.done', ...at, part: { type: 'summary_text', text } });
    const item = reasoningItem(id, [text]);
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
    output.push(item);
  }
  if (parts.textPieces.length > 0 || parts.refusal !== undefined) {
    const id = newMessageItemId();
    const outputIndex = output.length;
    const itemStatus = parts.incompleteReason ? 'incomplete' : 'completed';
    const text = parts.textPieces.length > 0 ? parts.textPieces.join('') : undefined;
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: messageItem(id, 'in_progress', undefined) });
    let contentIndex = 0;
    if (text !== undefined) {
      const at = { item_id: id, output_index: outputIndex, content_index: contentIndex };
      events.push({ type: 'response.content_part.added', ...at, part: outputText('') });
      for (const piece of parts.textPieces) delta({ type: 'response.output_text.delta', ...at, delta: piece, logprobs: [], obfuscation: obfuscation(piece) });
      events.push({ type: 'response.output_text.done', ...at, text, logprobs: [] });
      events.push({ type: 'response.content_part.done', ...at, part: outputText(text) });
      contentIndex += 1;
    }
    if (parts.refusal !== undefined) {
      const at = { item_id: id, output_index: outputIndex, content_index: contentIndex };
      events.push({ type: 'response.content_part.added', ...at, part: { type: 'refusal', refusal: '' } });
      delta({ type: 'response.refusal.delta', ...at, delta: parts.refusal });
      events.push({ type: 'response.refusal.done', ...at, refusal: parts.refusal });
      events.push({ type: 'response.content_part.done', ...at, part: { type: 'refusal', refusal: parts.refusal } });
    }
    const item = messageItem(id, itemStatus, text, parts.refusal);
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
    output.push(item);
  }
  for (const call of parts.toolCalls ?? []) {
    const id = newFunctionCallItemId();
    const outputIndex = output.length;
    events.push({ type: 'response.output_item.added', output_index: outputIndex, item: functionCallItem(id, 'in_progress', call, '') });
    for (const piece of splitText(call.arguments, parts.argumentPieces ?? 3)) {
      delta({ type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta: piece, obfuscation: obfuscation(piece) });
    }
    events.push({ type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: call.arguments });
    const item = functionCallItem(id, 'completed', call, call.arguments);
    events.push({ type: 'response.output_item.done', output_index: outputIndex, item });
    output.push(item);
  }
  const status = parts.incompleteReason ? 'incomplete' : 'completed';
  const response = responseObject({ ...base, status, output, usage: parts.usage, incompleteReason: parts.incompleteReason });
  events.push({ type: parts.incompleteReason ? 'response.incomplete' : 'response.completed', response });
  return { events, deltaPositions, response };
}

/** `response.failed` for a response that had produced `output` so far. */
export function failedEvent(
  base: Omit<ResponseParts, 'status' | 'output' | 'usage' | 'error' | 'incompleteReason'>,
  error: { code: string; message: string },
  output: readonly Record<string, unknown>[] = [],
): Record<string, unknown> {
  return { type: 'response.failed', response: responseObject({ ...base, status: 'failed', output, error }) };
}

/**
 * An `error` event. api.openai.com nests the error ({"type":"error","sequence_number":2,"error":{type, code, message,
 * param}}); OpenAI's reference documents it flat ({type, code, message, param, sequence_number}).
 */
export function errorEvent(error: { code: string | null; message: string; type?: string }, shape: 'nested' | 'flat' = 'nested'): Record<string, unknown> {
  if (shape === 'flat') return { type: 'error', code: error.code, message: error.message, param: null };
  return { type: 'error', error: { type: error.type ?? error.code ?? 'server_error', code: error.code, message: error.message, param: null } };
}

/** Numbers the events (`sequence_number` second, as OpenAI orders it) from `first`, and frames each as SSE. */
export function sequencedFrames(events: readonly Record<string, unknown>[], first = 0): string[] {
  return events.map((event, position) => {
    const { type, ...rest } = event;
    return responsesFrame({ type, sequence_number: first + position, ...rest });
  });
}

/** `event: <type>` and `data: <json>`, then the blank line. */
export const responsesFrame = (event: Readonly<Record<string, unknown>>): string => `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`;

function obfuscation(piece: string): string {
  return 'Qx7rT2mPzL9wKb4'.slice(0, Math.max(1, 15 - Math.min(14, piece.length)));
}

export const serverFailure = {
  code: 'server_error',
  message:
    'An error occurred while processing your request. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
};

// ---------------------------------------------------------------------------------------------------------
// HTTP errors of /v1/responses (the same {"error": {message, type, param, code}} body as chat completions)

export function previousResponseNotFound(id: string): ErrorReply {
  return {
    kind: 'error',
    status: 400,
    body: openAIErrorBody(`Previous response with id '${id}' not found.`, 'invalid_request_error', 'previous_response_id', 'previous_response_not_found'),
  };
}

export function responseNotFound(id: string): ErrorReply {
  return { kind: 'error', status: 404, body: openAIErrorBody(`Response with id '${id}' not found.`, 'invalid_request_error', null, null) };
}

export const responseDeleted = (id: string): Record<string, unknown> => ({ id, object: 'response.deleted', deleted: true });
