// What the fake OpenAI's POST /v1/responses can be told to do (the ResponsesScenario union), and its deterministic
// default answer: the chat default (openai-scenarios.ts defaultReply) applied to the Responses request, so the same
// prompt gets the same text, JSON for a json_schema text format, and a tool call when the request offers function
// tools and its last input item is the user's.
import { asRecord, defaultReply, type RawScenario, type RecordedRequest, type ReplyOptions, type ResolvedReply } from './openai-scenarios.js';
import type { ErrorReply } from './openai-wire.js';

export interface ResponsesReplyOptions extends Omit<ReplyOptions, 'content' | 'finishReason' | 'refusal'> {
  /** answer text; default: the deterministic answer; null: no message item */
  readonly text?: string | null;
  readonly refusal?: string;
  /** reasoning summary text, streamed as one summary part before the message */
  readonly reasoning?: string;
  /** end with response.incomplete for this reason (default: max_output_tokens when it cut the default text) */
  readonly incomplete?: 'max_output_tokens' | 'content_filter';
}

export interface InBandFailure {
  /** response.error of the failed response (default: server_error) */
  readonly error?: { readonly code: string; readonly message: string };
  /** also send an `error` event before response.failed, in api.openai.com's nested or the documented flat shape */
  readonly errorEvent?: 'nested' | 'flat';
}

export type ResponsesScenario =
  /** a normal answer; streamed or not as the request's `stream` says */
  | ({ readonly kind: 'reply' } & ResponsesReplyOptions)
  | ErrorReply
  /** reads the request, then never answers until the client closes the socket */
  | { readonly kind: 'stall-before-headers' }
  /** 200 SSE: response.created, response.in_progress, then response.failed (and a clean end) */
  | ({ readonly kind: 'failed-first'; readonly headers?: Readonly<Record<string, string>> } & InBandFailure)
  /** the answer's events up to and including its `contentDeltas`-th delta, then response.failed; no response.completed */
  | ({ readonly kind: 'failed-after'; readonly contentDeltas: number } & InBandFailure & ResponsesReplyOptions)
  /** the answer's events up to and including its `contentDeltas`-th delta, then the socket is destroyed */
  | ({ readonly kind: 'reset-after'; readonly contentDeltas: number } & ResponsesReplyOptions)
  /** every event but the terminal one, then a clean end */
  | ({ readonly kind: 'end-without-completed' } & ResponsesReplyOptions)
  | RawScenario;

export const defaultResponsesScenario = (_request: RecordedRequest): ResponsesScenario => ({ kind: 'reply' });

export interface ResolvedResponsesReply extends ResolvedReply {
  readonly reasoningPieces: readonly string[];
  readonly incompleteReason: 'max_output_tokens' | 'content_filter' | undefined;
  readonly store: boolean;
  readonly previousResponseId: string | undefined;
}

/** The answer the fake gives to a /v1/responses `request` under `options`. */
export function defaultResponsesReply(request: RecordedRequest, options: ResponsesReplyOptions = {}): ResolvedResponsesReply {
  const body = asRecord(request.body);
  const input = Array.isArray(body['input']) ? (body['input'] as unknown[]).map(asRecord) : [{ role: 'user', content: body['input'] }];
  const last = input.at(-1);
  const lastIsUser = last !== undefined && last['role'] === 'user' && (last['type'] === undefined || last['type'] === 'message');
  const functionTools = (Array.isArray(body['tools']) ? (body['tools'] as unknown[]).map(asRecord) : []).filter((tool) => tool['type'] === 'function');
  const format = asRecord(asRecord(body['text'])['format']);
  const choice = asRecord(body['tool_choice']);
  // the same request in chat's vocabulary, so the chat default decides text, JSON and tool calls
  const chatBody: Record<string, unknown> = {
    model: body['model'],
    stream: body['stream'],
    messages: input,
    ...(lastIsUser && functionTools.length > 0
      ? { tools: functionTools.map((tool) => ({ type: 'function', function: { name: tool['name'], parameters: tool['parameters'] } })) }
      : {}),
    ...(body['tool_choice'] === 'none'
      ? { tool_choice: 'none' }
      : typeof choice['name'] === 'string'
        ? { tool_choice: { type: 'function', function: { name: choice['name'] } } }
        : {}),
    ...(format['type'] === 'json_schema'
      ? { response_format: { type: 'json_schema', json_schema: { schema: format['schema'] } } }
      : format['type'] === 'json_object'
        ? { response_format: { type: 'json_object' } }
        : {}),
    ...(typeof body['max_output_tokens'] === 'number' ? { max_tokens: body['max_output_tokens'] } : {}),
  };
  const { text, refusal, reasoning, incomplete, toolCalls, ...rest } = options;
  const explicit = text !== undefined || toolCalls !== undefined || refusal !== undefined;
  const reply = defaultReply(
    { ...request, body: chatBody },
    { ...rest, ...(explicit ? { content: text ?? null, ...(toolCalls ? { toolCalls } : {}), ...(refusal !== undefined ? { refusal } : {}) } : {}) },
  );
  const reasoningPieces = reasoning === undefined ? [] : (reasoning.match(/\s*\S+|\s+$/g) ?? [reasoning]);
  const incompleteReason = incomplete ?? (reply.finishReason === 'length' ? 'max_output_tokens' : undefined);
  return {
    ...reply,
    usage: {
      ...reply.usage,
      completionTokens: options.usage?.completionTokens ?? reply.usage.completionTokens + reasoningPieces.length,
      ...(reasoningPieces.length > 0 && options.usage?.reasoningTokens === undefined ? { reasoningTokens: reasoningPieces.length } : {}),
    },
    reasoningPieces,
    incompleteReason,
    store: body['store'] !== false,
    previousResponseId: typeof body['previous_response_id'] === 'string' ? body['previous_response_id'] : undefined,
  };
}
