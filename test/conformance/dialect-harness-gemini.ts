// Gemini's dialect (dialects/gemini/): POST /v1beta/models/{model}:generateContent, :streamGenerateContent (SSE with
// `?alt=sse`, as Google's SDKs ask for it; without it Google's JSON array, written element by element) and
// :embedContent, with the client token in x-goog-api-key. Every stream element is a whole GenerateContentResponse;
// the end is the element whose candidate carries finishReason, with usageMetadata (Gemini CLI rejects a stream that
// ends without a finishReason). Errors are google.rpc.Status, `{"error":{"code","message","status"}}`: the HTTP body
// before the first byte, one stream element after it (then no finishReason element). The @google/genai SDK throws on
// an in-band error element only when its `code` is a number from 400 to 599, so that is checked too.
import { expect } from 'vitest';
import { geminiEndpoints } from '../../main/gateway/dialects/gemini/endpoints.js';
import type { EndpointHandler } from '../../main/gateway/http/route-table.js';
import { embeddingsCases, embeddingsDimensions, embeddingsInput, embeddingsUpstream } from './dialect-harness-embeddings.js';
import {
  chatModel,
  chatUpstream,
  embeddingsModel,
  eventsOf,
  prompt,
  streamed,
  upstreamId,
  weatherTool,
  whole,
  type DialectCases,
  type DialectHarness,
  type ErrorSeen,
  type Shape,
  type StreamReading,
  type TokenUsage,
  type ToolCallSeen,
} from './dialect-harness.js';
import { asArray, asRecord } from './harness.js';

/** A stream without `alt=sse`: one JSON array (what a client that sets no `alt` reads). */
const jsonArray: Shape = { stream: true, variant: 'JSON array' };
/**
 * The @google/genai SDK's default API version, v1: `/v1/models/{model}:{method}`, OpenAI's model path with the Gemini
 * methods added as POST (dialects/gemini/endpoints.ts, withGeminiMethods), which answers its errors in Gemini's shape.
 */
const apiV1 = 'API version v1';
const wholeV1: Shape = { stream: false, variant: apiV1 };
const streamedV1: Shape = { stream: true, variant: apiV1 };

/** Where a request of this shape goes: the method, and the stream's form, are in the path and query. */
function generateTarget(shape: Shape): string {
  const models = shape.variant === apiV1 ? '/v1/models' : '/v1beta/models';
  if (!shape.stream) return `${models}/${chatModel}:generateContent`;
  return `${models}/${chatModel}:streamGenerateContent${shape.variant === jsonArray.variant ? '' : '?alt=sse'}`;
}

const grpcStatusNames = [
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/** The POST handler of `models/{model}:{method}`: every Gemini method is one endpoint. */
const modelMethodHandler = geminiEndpoints.find((endpoint) => endpoint.path === '/v1beta/models/{model*}')?.methods.POST as EndpointHandler;

/** The @google/genai SDK (test/clients pins 3.6.1) with its API key. */
const geminiHeaders = (token: string): Record<string, string> => ({
  'x-goog-api-key': token,
  'content-type': 'application/json',
  'user-agent': 'google-genai-sdk/3.6.1 gl-node/v20.19.0',
  'x-goog-api-client': 'google-genai-sdk/3.6.1 gl-node/v20.19.0',
});

/** google.rpc.Status as JSON, the body and the in-band element alike. */
export function geminiError(body: unknown): ErrorSeen {
  expect(Object.keys(asRecord(body)), `Gemini's error body is {"error":{…}}: ${JSON.stringify(body)}`).toEqual(['error']);
  const error = asRecord(asRecord(body)['error']);
  expect(Object.keys(error).sort(), `Gemini's error object: ${JSON.stringify(body)}`).toEqual(['code', 'message', 'status']);
  const code = error['code'];
  expect(
    typeof code === 'number' && Number.isInteger(code) && code >= 400 && code < 600,
    `the code is an HTTP status (the SDK ignores any other): ${JSON.stringify(body)}`,
  ).toBe(true);
  expect(grpcStatusNames, `the status is a google.rpc.Code name: ${JSON.stringify(body)}`).toContain(error['status']);
  expect(typeof error['message']).toBe('string');
  return { type: String(error['status']), message: String(error['message']), httpCode: code as number };
}

/** A candidate's text (thought parts aside) and its first function call. */
function partsOf(candidate: Record<string, unknown>): { text: string[]; toolCall: ToolCallSeen | undefined } {
  const parts = asArray(asRecord(candidate['content'])['parts']).map(asRecord);
  const text = parts.filter((part) => typeof part['text'] === 'string' && part['thought'] !== true && part['text'] !== '').map((part) => String(part['text']));
  const call = parts.map((part) => asRecord(part['functionCall'])).find((functionCall) => typeof functionCall['name'] === 'string');
  return { text, toolCall: call ? { name: String(call['name']), arguments: call['args'] } : undefined };
}

function usageOf(response: Record<string, unknown>): TokenUsage | undefined {
  const metadata = asRecord(response['usageMetadata']);
  if (typeof metadata['promptTokenCount'] !== 'number') return undefined;
  // Gemini counts thinking apart from the candidates; the ledger's output tokens are both
  return { input: metadata['promptTokenCount'], output: Number(metadata['candidatesTokenCount'] ?? 0) + Number(metadata['thoughtsTokenCount'] ?? 0) };
}

const hasFinishReason = (element: Record<string, unknown>): boolean =>
  asArray(element['candidates']).some((candidate) => typeof asRecord(candidate)['finishReason'] === 'string');

/** The stream's elements: SSE events' data, or the JSON array's elements (so far, when it is not closed yet). */
function elementsOf(text: string, problems: string[]): Array<Record<string, unknown>> {
  if (text.trimStart().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(asRecord);
    } catch {
      // not one JSON value (yet): read the elements that came whole, as a streaming JSON reader would
    }
    problems.push('the JSON-array stream is not one JSON array');
    return text
      .trimStart()
      .slice(1)
      .split(',\r\n')
      .flatMap((element) => {
        try {
          return [asRecord(JSON.parse(element))];
        } catch {
          return [];
        }
      });
  }
  return eventsOf(text).map((event, position) => {
    if (event.event !== 'message') problems.push(`event ${position}: Gemini's events are unnamed, this one is '${event.event}'`);
    try {
      return asRecord(JSON.parse(event.data));
    } catch {
      problems.push(`event ${position} is not JSON: ${event.data.slice(0, 120)}`);
      return {};
    }
  });
}

function readGeminiStream(text: string): StreamReading {
  const problems: string[] = [];
  const elements = elementsOf(text, problems);
  const deltas: string[] = [];
  const inBandErrors: ErrorSeen[] = [];
  let toolCall: ToolCallSeen | undefined;
  let usage: TokenUsage | undefined;
  elements.forEach((element, position) => {
    if ('error' in element) {
      inBandErrors.push(geminiError(element));
      return;
    }
    for (const candidate of asArray(element['candidates']).map(asRecord)) {
      const parts = partsOf(candidate);
      deltas.push(...parts.text);
      toolCall = parts.toolCall ?? toolCall;
    }
    usage = usageOf(element) ?? usage;
    if (hasFinishReason(element) && usageOf(element) === undefined) problems.push(`element ${position}: the finishReason element carries no usageMetadata`);
  });
  const last = elements.at(-1);
  return {
    deltas,
    toolCall,
    usage,
    endMarkers: elements.filter(hasFinishReason).length,
    endedWithMarker: last !== undefined && hasFinishReason(last),
    inBandErrors,
    endedWithError: last !== undefined && 'error' in last,
    problems,
  };
}

/**
 * The chat family's cases; the JSON-array form where a stream's framing matters (its text, its end after a failure);
 * the v1 path where its handler differs from v1beta's (an answer, an error's shape, the budget's 429).
 */
const generateCases: DialectCases = {
  text: [whole, wholeV1],
  stream: [streamed, jsonArray, streamedV1],
  tools: [whole, streamed],
  usage: [whole, streamed],
  errorBeforeFirstByte: [
    { ...whole, upstreamStatus: 401 },
    { ...streamed, upstreamStatus: 500 },
    { ...wholeV1, upstreamStatus: 401 },
  ],
  inBandError: [
    { ...streamed, upstreamBreak: 'error-event' },
    { ...streamed, upstreamBreak: 'connection-reset' },
    { ...jsonArray, upstreamBreak: 'error-event' },
  ],
  abort: [whole, streamed],
  budget: [whole, streamed, wholeV1],
};

export const geminiGenerateHarness: DialectHarness = {
  name: 'Gemini generateContent',
  endpoint: 'chat',
  path: `/v1beta/models/${chatModel}:generateContent`,
  handler: modelMethodHandler,
  target: generateTarget,
  // the JSON-array form is JSON, not an event stream
  streamContentType: /^(text\/event-stream|application\/json)/,
  model: chatModel,
  answeredBy: { providerId: upstreamId, model: 'gpt-4o-mini' },
  cases: generateCases,
  headers: geminiHeaders,
  request: (_shape, options = {}) => ({
    contents: [{ role: 'user', parts: [{ text: prompt }] }],
    ...(options.tool
      ? { tools: [{ functionDeclarations: [{ name: weatherTool.name, description: weatherTool.description, parametersJsonSchema: weatherTool.parameters }] }] }
      : {}),
  }),
  ...chatUpstream,
  parseComplete(body) {
    const candidate = asRecord(asArray(asRecord(body)['candidates'])[0]);
    expect(typeof candidate['finishReason'], `a whole answer's candidate has its finishReason: ${JSON.stringify(body).slice(0, 300)}`).toBe('string');
    const { text, toolCall } = partsOf(candidate);
    return { content: text.length > 0 ? text.join('') : null, toolCall, usage: usageOf(asRecord(body)) };
  },
  parseStream: readGeminiStream,
  errorBody: geminiError,
  // google.rpc.Code's HTTP mapping (cloud.google.com/apis/design/errors), written out here
  errorTypeFor: (status) => ({ 401: 'UNAUTHENTICATED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL' })[status] ?? `no status known for ${status}`,
};

export const geminiEmbedHarness: DialectHarness = {
  name: 'Gemini embedContent',
  endpoint: 'embeddings',
  path: `/v1beta/models/${embeddingsModel}:embedContent`,
  handler: modelMethodHandler,
  model: embeddingsModel,
  answeredBy: { providerId: upstreamId, model: 'text-embedding-3-small' },
  // embedContent answers one JSON object: no stream, no tools (the embeddings family's cases, dialect-harness-embeddings.ts)
  cases: embeddingsCases,
  // Gemini's EmbedContentResponse is `{embedding:{values}}` alone, no token counts: the usage case checks the ledger row
  usageInAnswer: false,
  headers: geminiHeaders,
  request: () => ({ content: { parts: [{ text: embeddingsInput }] }, outputDimensionality: embeddingsDimensions }),
  ...embeddingsUpstream,
  parseComplete(body) {
    expect(Object.keys(asRecord(body)), `EmbedContentResponse: ${JSON.stringify(body).slice(0, 300)}`).toEqual(['embedding']);
    return { content: [asRecord(asRecord(body)['embedding'])['values']], toolCall: undefined, usage: undefined };
  },
  parseStream() {
    throw new Error('embedContent has no stream');
  },
  errorBody: geminiError,
  errorTypeFor: (status) => ({ 401: 'UNAUTHENTICATED', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL' })[status] ?? `no status known for ${status}`,
};
