// The contract between the dialect conformance suite and one inbound dialect: how its clients write a request, which
// endpoint handler serves it, how they read a whole answer, a stream (text deltas, tool call, usage, end marker,
// in-band error) and an error body — and which of the suite's cases apply to it, as explicit lists. Every dialect
// is served by the same upstream, the fake OpenAI's chat completions (embeddings: its /v1/embeddings), so what
// differs between the harnesses is the dialect alone. The OpenAI and Anthropic harnesses are here; Ollama's and
// Gemini's are in dialect-harness-ollama.ts and dialect-harness-gemini.ts.
import { expect } from 'vitest';
import { handleMessages } from '../../main/gateway/dialects/anthropic/messages.js';
import { handleChatCompletions } from '../../main/gateway/dialects/openai/chat-completions.js';
import { bracketProblems } from '../../main/gateway/dialects/openai/responses/bracket-check.js';
import { handleCreateResponse } from '../../main/gateway/dialects/openai/responses/create.js';
import type { EndpointHandler } from '../../main/gateway/http/route-table.js';
import { SseParser, type SseEvent } from '../../shared/sse-parser.js';
import type { Endpoint } from '../../main/ledger/types.js';
import { chatChunk, invalidApiKey, serverError, sseFrame, wordPieces, type FakeOpenAI, type RecordedRequest } from '../fakes/openai-fake.js';
import { asArray, asRecord } from './harness.js';

/** The shape of one request a case sends: a whole answer, or a stream. */
export interface Shape {
  readonly stream: boolean;
  /** the dialect's other form of the shape (Gemini's JSON-array stream), named in the test's title; absent: its usual form */
  readonly variant?: string;
}

/** A failure the fake gives on every target before any byte of an answer. */
export interface UpstreamFailure extends Shape {
  readonly upstreamStatus: 401 | 500;
}

/** How the upstream's stream breaks after the first content chunks: its own error event, or a cut connection. */
export interface StreamBreak extends Shape {
  readonly upstreamBreak: 'error-event' | 'connection-reset';
}

/**
 * The suite's eight cases, each with the request shapes it runs with for this dialect. A case that cannot apply to a
 * dialect is an empty list, with a comment in the harness saying why.
 */
export interface DialectCases {
  readonly text: readonly Shape[];
  readonly stream: readonly Shape[];
  readonly tools: readonly Shape[];
  readonly usage: readonly Shape[];
  readonly errorBeforeFirstByte: readonly UpstreamFailure[];
  readonly inBandError: readonly StreamBreak[];
  /** a whole-answer shape: the client leaves while the answer is on its way; a stream: after the first delta */
  readonly abort: readonly Shape[];
  readonly budget: readonly Shape[];
}

export interface TokenUsage {
  readonly input: number;
  readonly output: number;
}

export interface ToolCallSeen {
  readonly name: string;
  /** the arguments, parsed from their JSON text */
  readonly arguments: unknown;
}

/** A whole answer as the dialect's client reads it. */
export interface Answer {
  /** the text (embeddings: the vectors) */
  readonly content: unknown;
  readonly toolCall: ToolCallSeen | undefined;
  readonly usage: TokenUsage | undefined;
}

export interface ErrorSeen {
  readonly type: string;
  readonly message: string;
  /** OpenAI's `code` or a Responses failure's code; undefined for Anthropic's shape, which has none */
  readonly code?: string | null;
  /** the HTTP status the body itself names (Gemini's numeric `code`); undefined where the shape has none */
  readonly httpCode?: number;
}

/** A stream as the dialect's client reads it. */
export interface StreamReading {
  readonly deltas: readonly string[];
  readonly toolCall: ToolCallSeen | undefined;
  readonly usage: TokenUsage | undefined;
  /** how many end markers came, and whether the stream's last event was one */
  readonly endMarkers: number;
  readonly endedWithMarker: boolean;
  readonly inBandErrors: readonly ErrorSeen[];
  readonly endedWithError: boolean;
  /** what a strict client of the dialect would reject (event names, bracketing); empty when none */
  readonly problems: readonly string[];
}

/** What the fake was scripted to answer, and so what the client must see. */
export interface Expected {
  readonly content: unknown;
  readonly usage: TokenUsage;
  /** the stream's text deltas before an in-band error cut it (`contentChunks` of them) */
  readonly firstPieces: (contentChunks: number) => string;
}

export interface DialectHarness {
  readonly name: string;
  /** the ledger's `endpoint` for this dialect's requests */
  readonly endpoint: Endpoint;
  /** the path of a whole answer's request, whose POST handler is `handler` */
  readonly path: string;
  readonly handler: EndpointHandler;
  /** the path and query a request of this shape goes to (Gemini names the method in it); absent: `path` */
  target?(shape: Shape): string;
  /** the content type of this dialect's streams; absent: text/event-stream */
  readonly streamContentType?: RegExp;
  /** false where the dialect's answer carries no token counts (Gemini's embedContent): the ledger row still has them */
  readonly usageInAnswer?: false;
  /** what the client asks for: a route of the suite's config with two targets on the fake */
  readonly model: string;
  /** the route's first target, which answers when the fake does */
  readonly answeredBy: { readonly providerId: string; readonly model: string };
  readonly cases: DialectCases;
  /** the headers this dialect's clients send with a client token */
  headers(token: string): Record<string, string>;
  request(shape: Shape, options?: { readonly tool?: boolean }): Record<string, unknown>;
  scriptAnswer(fake: FakeOpenAI): Expected;
  scriptFailure(fake: FakeOpenAI, status: UpstreamFailure['upstreamStatus']): void;
  /** an answer that takes seconds: a slow stream, or (whole answers) a body trickled or held back */
  scriptSlowAnswer(fake: FakeOpenAI): void;
  /** the upstream requests this dialect has caused so far */
  upstreamCalls(fake: FakeOpenAI): readonly RecordedRequest[];
  parseComplete(body: unknown): Answer;
  /** reads a stream's bytes as the dialect's client does (a stream cut short: what was read so far) */
  parseStream(text: string): StreamReading;
  /** checks the dialect's HTTP error body and returns what it says */
  errorBody(body: unknown): ErrorSeen;
  /** the error type the dialect's own table gives an HTTP status, where the type follows from the status */
  errorTypeFor?(status: number): string;
}

export const chatModel = 'conformance';
export const embeddingsModel = 'conformance-embeddings';
export const upstreamId = 'fake';

/** What the fake says in every chat-family case, and the usage it reports. */
export const answerText = 'Switchyard conformance: one answer, every dialect.';
export const answerUsage: TokenUsage = { input: 21, output: 7 };
export const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
} as const;
export const toolArguments = { city: 'Paris' };
export const prompt = 'Say something for the conformance suite.';

// ---------------------------------------------------------------------------------------------------------
// Scripting the fake (the chat family shares one upstream: the fake's chat completions)

export const whole: Shape = { stream: false };
export const streamed: Shape = { stream: true };

/** Every case, every shape: what a chat-family dialect must pass. */
export const chatFamilyCases: DialectCases = {
  text: [whole],
  stream: [streamed],
  tools: [whole, streamed],
  usage: [whole, streamed],
  errorBeforeFirstByte: [
    { ...whole, upstreamStatus: 401 },
    { ...streamed, upstreamStatus: 500 },
  ],
  inBandError: [
    { ...streamed, upstreamBreak: 'error-event' },
    { ...streamed, upstreamBreak: 'connection-reset' },
  ],
  abort: [whole, streamed],
  budget: [whole, streamed],
};

function scriptChatAnswer(fake: FakeOpenAI): Expected {
  fake.onChat = () => ({ kind: 'reply', content: answerText, usage: { promptTokens: answerUsage.input, completionTokens: answerUsage.output } });
  return { content: answerText, usage: answerUsage, firstPieces: (count) => wordPieces(answerText).slice(0, count).join('') };
}

function scriptChatFailure(fake: FakeOpenAI, status: UpstreamFailure['upstreamStatus']): void {
  fake.onChat = () => (status === 401 ? invalidApiKey('sk-conformance-wrong-key-0000') : serverError());
}

export function scriptToolCall(fake: FakeOpenAI): void {
  fake.onChat = () => ({
    kind: 'reply',
    toolCalls: [{ name: weatherTool.name, arguments: JSON.stringify(toolArguments) }],
    usage: { promptTokens: answerUsage.input, completionTokens: answerUsage.output },
  });
}

/**
 * The role chunk and `contentChunks` content chunks of `answerText` 20 ms apart (so the first-chunk gate has let the
 * stream through), then OpenAI's in-band server_error, or the connection cut. The cut is scripted byte by byte, with
 * a pause before it: the fake's own `reset-after` destroys its socket while the last frame is still corked in Node,
 * so that frame never leaves (the fake's quirk, not the gateway's).
 */
export function scriptStreamBreak(fake: FakeOpenAI, upstreamBreak: StreamBreak['upstreamBreak'], contentChunks: number): void {
  if (upstreamBreak === 'error-event') {
    fake.onChat = () => ({ kind: 'in-band-error-after', contentChunks, content: answerText, chunkDelayMs: 20 });
    return;
  }
  const context = { id: 'chatcmpl-conformance', created: 1_700_000_000, model: 'gpt-4o-mini', includeUsage: false, includeObfuscation: false };
  const chunks = [
    chatChunk(context, { delta: { role: 'assistant', content: '' }, finishReason: null }),
    ...wordPieces(answerText)
      .slice(0, contentChunks)
      .map((piece) => chatChunk(context, { delta: { content: piece }, finishReason: null })),
  ];
  fake.onChat = () => ({ kind: 'raw', writes: chunks.flatMap((chunk) => [sseFrame(chunk), { delayMs: 20 }]), end: 'destroy' });
}

/** A long answer, a chunk every 20 ms (about 4 s in all; a whole answer's JSON trickles the same way). */
function scriptSlowChat(fake: FakeOpenAI): void {
  fake.onChat = () => ({ kind: 'slow', chunks: 200, chunkDelayMs: 20 });
}

const chatCalls = (fake: FakeOpenAI): RecordedRequest[] => fake.chatRequests();

/** How every chat-family harness scripts and watches the fake. */
export const chatUpstream = {
  scriptAnswer: scriptChatAnswer,
  scriptFailure: scriptChatFailure,
  scriptSlowAnswer: scriptSlowChat,
  upstreamCalls: chatCalls,
} as const;

// ---------------------------------------------------------------------------------------------------------
// Error shapes

export function openAIError(body: unknown): ErrorSeen {
  const error = asRecord(asRecord(body)['error']);
  expect(Object.keys(asRecord(body)), `OpenAI's error body is {"error":{…}}: ${JSON.stringify(body)}`).toEqual(['error']);
  expect(Object.keys(error).sort(), `OpenAI's error object: ${JSON.stringify(body)}`).toEqual(['code', 'message', 'param', 'type']);
  expect(typeof error['message']).toBe('string');
  expect(typeof error['type']).toBe('string');
  expect(error['param'] === null || typeof error['param'] === 'string').toBe(true);
  expect(error['code'] === null || typeof error['code'] === 'string').toBe(true);
  return { type: error['type'] as string, message: error['message'] as string, code: error['code'] as string | null };
}

function anthropicError(body: unknown): ErrorSeen {
  const record = asRecord(body);
  expect(record['type'], `Anthropic's error body: ${JSON.stringify(body)}`).toBe('error');
  const error = asRecord(record['error']);
  expect(typeof error['type'], `Anthropic's error object: ${JSON.stringify(body)}`).toBe('string');
  expect(typeof error['message']).toBe('string');
  return { type: error['type'] as string, message: error['message'] as string };
}

// ---------------------------------------------------------------------------------------------------------
// Reading streams: each event's data as JSON, and the problems a strict client would have with the names

/** A stream's bytes as SSE events (what an SSE client reads; a cut stream: the events read so far). */
export function eventsOf(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(Buffer.from(text)), ...parser.end()];
}

function dataOf(event: SseEvent): Record<string, unknown> {
  try {
    return asRecord(JSON.parse(event.data));
  } catch {
    return { unparsable: event.data };
  }
}

/** Messages and Responses name every event; the name must be the data's own `type`. */
function namedEvents(events: readonly SseEvent[], problems: string[]): Array<Record<string, unknown>> {
  return events.map((event, position) => {
    const data = dataOf(event);
    if (data['type'] !== event.event) problems.push(`event ${position}: named '${event.event}', its data says type '${String(data['type'])}'`);
    return data;
  });
}

export function parsedArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
}

// ---------------------------------------------------------------------------------------------------------
// OpenAI chat completions

export const chatHarness: DialectHarness = {
  name: 'chat completions',
  endpoint: 'chat',
  path: '/v1/chat/completions',
  handler: handleChatCompletions,
  model: chatModel,
  answeredBy: { providerId: upstreamId, model: 'gpt-4o-mini' },
  cases: chatFamilyCases,
  headers: (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 6.30.1' }),
  request: (shape, options = {}) => ({
    model: chatModel,
    messages: [{ role: 'user', content: prompt }],
    ...(shape.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(options.tool ? { tools: [{ type: 'function', function: weatherTool }] } : {}),
  }),
  ...chatUpstream,
  parseComplete(body) {
    const message = asRecord(asRecord(asArray(asRecord(body)['choices'])[0])['message']);
    const call = asRecord(asRecord(asArray(message['tool_calls'])[0])['function']);
    const usage = asRecord(asRecord(body)['usage']);
    return {
      content: message['content'],
      toolCall: typeof call['name'] === 'string' ? { name: call['name'], arguments: parsedArguments(String(call['arguments'])) } : undefined,
      usage: typeof usage['prompt_tokens'] === 'number' ? { input: usage['prompt_tokens'], output: Number(usage['completion_tokens']) } : undefined,
    };
  },
  parseStream(text) {
    const events = eventsOf(text);
    const deltas: string[] = [];
    const inBandErrors: ErrorSeen[] = [];
    const problems: string[] = [];
    let toolName: string | undefined;
    let toolArgumentsText = '';
    let usage: TokenUsage | undefined;
    events.forEach((event, position) => {
      if (event.event !== 'message') problems.push(`event ${position}: chat streams name no events, this one is '${event.event}'`);
      if (event.data === '[DONE]') return;
      const chunk = dataOf(event);
      if ('error' in chunk) {
        inBandErrors.push(openAIError(chunk));
        return;
      }
      const chunkUsage = asRecord(chunk['usage']);
      if (typeof chunkUsage['prompt_tokens'] === 'number') usage = { input: chunkUsage['prompt_tokens'], output: Number(chunkUsage['completion_tokens']) };
      const delta = asRecord(asRecord(asArray(chunk['choices'])[0])['delta']);
      if (typeof delta['content'] === 'string' && delta['content'] !== '') deltas.push(delta['content']);
      for (const call of asArray(delta['tool_calls'])) {
        const fn = asRecord(asRecord(call)['function']);
        if (typeof fn['name'] === 'string') toolName = fn['name'];
        if (typeof fn['arguments'] === 'string') toolArgumentsText += fn['arguments'];
      }
    });
    const last = events.at(-1);
    return {
      deltas,
      toolCall: toolName === undefined ? undefined : { name: toolName, arguments: parsedArguments(toolArgumentsText) },
      usage,
      endMarkers: events.filter((event) => event.data === '[DONE]').length,
      endedWithMarker: last?.data === '[DONE]',
      inBandErrors,
      endedWithError: last !== undefined && 'error' in dataOf(last),
      problems,
    };
  },
  errorBody: openAIError,
};

// ---------------------------------------------------------------------------------------------------------
// Anthropic Messages (translated: the fake is an OpenAI upstream)

export const messagesHarness: DialectHarness = {
  name: 'Anthropic Messages',
  endpoint: 'messages',
  path: '/v1/messages',
  handler: handleMessages,
  model: chatModel,
  answeredBy: { providerId: upstreamId, model: 'gpt-4o-mini' },
  cases: chatFamilyCases,
  headers: (token) => ({ 'x-api-key': token, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', 'user-agent': 'Anthropic/JS 1.13.0' }),
  request: (shape, options = {}) => ({
    model: chatModel,
    max_tokens: 256,
    messages: [{ role: 'user', content: prompt }],
    ...(shape.stream ? { stream: true } : {}),
    ...(options.tool ? { tools: [{ name: weatherTool.name, description: weatherTool.description, input_schema: weatherTool.parameters }] } : {}),
  }),
  ...chatUpstream,
  parseComplete(body) {
    const blocks = asArray(asRecord(body)['content']).map(asRecord);
    const text = blocks.filter((block) => block['type'] === 'text').map((block) => String(block['text']));
    const toolUse = blocks.find((block) => block['type'] === 'tool_use');
    const usage = asRecord(asRecord(body)['usage']);
    return {
      content: text.length > 0 ? text.join('') : null,
      toolCall: toolUse ? { name: String(toolUse['name']), arguments: toolUse['input'] } : undefined,
      usage: typeof usage['input_tokens'] === 'number' ? { input: usage['input_tokens'], output: Number(usage['output_tokens']) } : undefined,
    };
  },
  parseStream(text) {
    const problems: string[] = [];
    const data = namedEvents(eventsOf(text), problems);
    const deltas: string[] = [];
    const inBandErrors: ErrorSeen[] = [];
    let toolName: string | undefined;
    let toolArgumentsText = '';
    let input: number | undefined;
    let output: number | undefined;
    for (const event of data) {
      const type = event['type'];
      if (type === 'message_start') input = Number(asRecord(asRecord(event['message'])['usage'])['input_tokens']);
      if (type === 'content_block_start' && asRecord(event['content_block'])['type'] === 'tool_use')
        toolName = String(asRecord(event['content_block'])['name']);
      if (type === 'content_block_delta') {
        const delta = asRecord(event['delta']);
        if (delta['type'] === 'text_delta') deltas.push(String(delta['text']));
        if (delta['type'] === 'input_json_delta') toolArgumentsText += String(delta['partial_json']);
      }
      if (type === 'message_delta') {
        const usage = asRecord(event['usage']);
        // a translated stream learns the input tokens last; message_delta carries them (the SDK takes them from there)
        if (typeof usage['input_tokens'] === 'number') input = usage['input_tokens'];
        output = Number(usage['output_tokens']);
      }
      if (type === 'error') inBandErrors.push(anthropicError(event));
    }
    const last = data.at(-1);
    return {
      deltas,
      toolCall: toolName === undefined ? undefined : { name: toolName, arguments: parsedArguments(toolArgumentsText) },
      usage: input !== undefined && output !== undefined ? { input, output } : undefined,
      endMarkers: data.filter((event) => event['type'] === 'message_stop').length,
      endedWithMarker: last?.['type'] === 'message_stop',
      inBandErrors,
      endedWithError: last?.['type'] === 'error',
      problems,
    };
  },
  errorBody: anthropicError,
  // Anthropic's table (docs.anthropic.com, "Errors"), written out here rather than taken from the gateway's own
  errorTypeFor: (status) => ({ 401: 'authentication_error', 429: 'rate_limit_error', 500: 'api_error' })[status] ?? `no type known for ${status}`,
};

// ---------------------------------------------------------------------------------------------------------
// OpenAI Responses (translated: the fake's provider does not serve the Responses API itself)

/** The codes a Responses client acts on in response.failed (Codex retries rate limits, stops on quota). */
export const responsesFailureCodes = ['context_length_exceeded', 'insufficient_quota', 'rate_limit_exceeded', 'server_error'];

export const responsesHarness: DialectHarness = {
  name: 'Responses',
  endpoint: 'responses',
  path: '/v1/responses',
  handler: handleCreateResponse,
  model: chatModel,
  answeredBy: { providerId: upstreamId, model: 'gpt-4o-mini' },
  cases: chatFamilyCases,
  headers: (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'codex_cli_rs/0.46.0' }),
  request: (shape, options = {}) => ({
    model: chatModel,
    input: prompt,
    ...(shape.stream ? { stream: true } : {}),
    ...(options.tool ? { tools: [{ type: 'function', ...weatherTool }] } : {}),
  }),
  ...chatUpstream,
  parseComplete(body) {
    const output = asArray(asRecord(body)['output']).map(asRecord);
    const text = output
      .filter((item) => item['type'] === 'message')
      .flatMap((item) => asArray(item['content']).map(asRecord))
      .filter((part) => part['type'] === 'output_text')
      .map((part) => String(part['text']));
    const call = output.find((item) => item['type'] === 'function_call');
    const usage = asRecord(asRecord(body)['usage']);
    return {
      content: text.length > 0 ? text.join('') : null,
      toolCall: call ? { name: String(call['name']), arguments: parsedArguments(String(call['arguments'])) } : undefined,
      usage: typeof usage['input_tokens'] === 'number' ? { input: usage['input_tokens'], output: Number(usage['output_tokens']) } : undefined,
    };
  },
  parseStream(text) {
    const problems: string[] = [];
    const data = namedEvents(eventsOf(text), problems);
    problems.push(...bracketProblems(data));
    const deltas: string[] = [];
    const inBandErrors: ErrorSeen[] = [];
    let toolName: string | undefined;
    let toolArgumentsText = '';
    let usage: TokenUsage | undefined;
    for (const event of data) {
      const type = event['type'];
      if (type === 'response.output_text.delta') deltas.push(String(event['delta']));
      if (type === 'response.output_item.added' && asRecord(event['item'])['type'] === 'function_call') toolName = String(asRecord(event['item'])['name']);
      if (type === 'response.function_call_arguments.delta') toolArgumentsText += String(event['delta']);
      if (type === 'response.completed') {
        const reported = asRecord(asRecord(event['response'])['usage']);
        if (typeof reported['input_tokens'] === 'number') usage = { input: reported['input_tokens'], output: Number(reported['output_tokens']) };
      }
      if (type === 'response.failed') {
        const error = asRecord(asRecord(event['response'])['error']);
        expect(responsesFailureCodes, `response.failed's code: ${JSON.stringify(event)}`).toContain(error['code']);
        expect(typeof error['message']).toBe('string');
        inBandErrors.push({ type: 'response.failed', code: String(error['code']), message: String(error['message']) });
      }
      if (type === 'error') inBandErrors.push({ type: 'error', code: String(event['code']), message: String(event['message']) });
    }
    const last = data.at(-1);
    return {
      deltas,
      toolCall: toolName === undefined ? undefined : { name: toolName, arguments: parsedArguments(toolArgumentsText) },
      usage,
      endMarkers: data.filter((event) => event['type'] === 'response.completed').length,
      endedWithMarker: last?.['type'] === 'response.completed',
      inBandErrors,
      endedWithError: last?.['type'] === 'response.failed',
      problems,
    };
  },
  errorBody: openAIError,
};
