// The Response object as OpenAI returns it (and as response.created / .completed carry it): the request's settings
// echoed with OpenAI's defaults, the output items, status and usage in the Responses shape.
import { randomFillSync } from 'node:crypto';
import type { FinishReason, Usage } from '../../../../../shared/openai-types.js';
import type { ToolNames } from './convert-tools.js';
import type { ResponseOutputItem } from './output-items.js';
import type { ResponsesRequest } from './schema.js';

export interface ResponseContext {
  /** resp_… */
  readonly id: string;
  /** epoch seconds */
  readonly createdAt: number;
  /** what the client asked for, so a client never sees a name it did not choose */
  readonly model: string;
  readonly request: ResponsesRequest;
  readonly tools: ToolNames;
  /** `include` has 'reasoning.encrypted_content' */
  readonly includeEncrypted: boolean;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
  /** USD, when the target reported it (Switchyard adds it to chat usage too) */
  cost?: number;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  prompt_cache_key: string | null;
  reasoning: { effort: string | null; summary: string | null };
  safety_identifier: string | null;
  service_tier: string;
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown>; verbosity: string };
  tool_choice: unknown;
  tools: unknown[];
  top_logprobs: number;
  top_p: number;
  truncation: string;
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

/**
 * OpenAI's id shape: a prefix and 48 hex digits, the first 8 the time in seconds, as OpenAI's own ids begin. Time
 * first also keeps stored responses' indexes appended to instead of written at random pages: a quarter of the SQLite
 * work per stored response (response-store.ts). The random bytes come from a pool filled 4 KiB at a time: a call into
 * OpenSSL per id was 14% of a Responses request's CPU in the profile (several ids per response).
 */
export function newId(prefix: string): string {
  if (poolOffset + idBytes > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const hex = pool.toString('hex', poolOffset, poolOffset + idBytes);
  poolOffset += idBytes;
  return `${prefix}_${Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0')}${hex}`;
}

const idBytes = 20;
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

export function newResponseId(): string {
  return newId('resp');
}

export interface ResponseState {
  readonly status: ResponseStatus;
  readonly output: ResponseOutputItem[];
  readonly usage: ResponseUsage | null;
  readonly incomplete_details?: ResponseObject['incomplete_details'];
  readonly error?: ResponseObject['error'];
}

export function responseObject(context: ResponseContext, state: ResponseState): ResponseObject {
  const request = context.request;
  return {
    id: context.id,
    object: 'response',
    created_at: context.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incomplete_details ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    max_tool_calls: request.max_tool_calls ?? null,
    model: context.model,
    output: state.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    safety_identifier: request.safety_identifier ?? null,
    service_tier: request.service_tier ?? 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: request.text?.format ?? { type: 'text' }, verbosity: request.text?.verbosity ?? 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: request.top_logprobs ?? 0,
    top_p: request.top_p ?? 1,
    truncation: request.truncation ?? 'disabled',
    usage: state.usage,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  };
}

/** A truncated or filtered answer is 'incomplete', with the reason; anything else finished normally. */
export function finishStatus(finishReason: FinishReason | string | null): Pick<ResponseState, 'status' | 'incomplete_details'> {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/** Chat usage → Responses usage. prompt_tokens already includes cached tokens, as input_tokens does. */
export function toResponsesUsage(usage: Usage | null | undefined): ResponseUsage | null {
  if (!usage) return null;
  const cacheWrite = usage.prompt_tokens_details?.cache_write_tokens;
  const inputDetails: ResponseUsage['input_tokens_details'] = { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 };
  if (typeof cacheWrite === 'number') inputDetails.cache_write_tokens = cacheWrite;
  const converted: ResponseUsage = {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: inputDetails,
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens || usage.prompt_tokens + usage.completion_tokens,
  };
  if (typeof usage.cost === 'number') converted.cost = usage.cost;
  return converted;
}
