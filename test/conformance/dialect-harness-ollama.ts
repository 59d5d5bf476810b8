// Ollama's dialect (dialects/ollama/): /api/chat, answered as one JSON object or an NDJSON stream (one object a line,
// `done: false` while the answer comes, then exactly one `done: true` object with done_reason and the token counts
// prompt_eval_count / eval_count), and /api/embed. Errors are `{"error": "…"}`: the HTTP body before the first byte,
// the stream's last line after it (then no `done` line: the ollama client throws on the error line, and throws "Did
// not receive done or success response in stream" on a stream that just ends). Both are metered as 'chat' and
// 'embeddings'. The suite's config turns the surface on (ollama_api.enabled); these harnesses send a client token as
// the ollama client does behind a proxy (`Authorization: Bearer`), and the suite checks tokenless access apart.
import { expect } from 'vitest';
import { handleOllamaChat } from '../../main/gateway/dialects/ollama/chat.js';
import { handleOllamaEmbed } from '../../main/gateway/dialects/ollama/embed.js';
import { embeddingsCases, embeddingsDimensions, embeddingsInput, embeddingsUpstream } from './dialect-harness-embeddings.js';
import {
  chatFamilyCases,
  chatModel,
  chatUpstream,
  embeddingsModel,
  prompt,
  upstreamId,
  weatherTool,
  type DialectHarness,
  type ErrorSeen,
  type StreamReading,
  type TokenUsage,
  type ToolCallSeen,
} from './dialect-harness.js';
import { asArray, asRecord } from './harness.js';

/** The ollama npm client (test/clients pins 0.6.4) with a key set, as in front of a proxy or ollama.com. */
export const ollamaHeaders = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
  accept: 'application/json',
  'user-agent': 'ollama-js/0.6.4 (x64 linux Node.js/v20.19.0)',
});

/** Ollama's error body and error line: `{"error": "<text>"}`, nothing else (it has no types or codes). */
export function ollamaError(body: unknown): ErrorSeen {
  expect(Object.keys(asRecord(body)), `Ollama's error is {"error": "…"}: ${JSON.stringify(body)}`).toEqual(['error']);
  const message = asRecord(body)['error'];
  expect(typeof message, `Ollama's error is a string: ${JSON.stringify(body)}`).toBe('string');
  return { type: 'error', message: message as string };
}

/** An answer object's tool calls: Ollama sends each whole, its arguments an object (not OpenAI's JSON text). */
function toolCallOf(message: Record<string, unknown>): ToolCallSeen | undefined {
  const call = asRecord(asRecord(asArray(message['tool_calls'])[0])['function']);
  return typeof call['name'] === 'string' ? { name: call['name'], arguments: call['arguments'] } : undefined;
}

function countsOf(answer: Record<string, unknown>): TokenUsage | undefined {
  return typeof answer['prompt_eval_count'] === 'number' ? { input: answer['prompt_eval_count'], output: Number(answer['eval_count']) } : undefined;
}

/** What a strict Ollama client checks on every answer object (api.ChatResponse). */
function answerProblems(answer: Record<string, unknown>, where: string): string[] {
  const problems: string[] = [];
  if (typeof answer['done'] !== 'boolean') problems.push(`${where}: no boolean \`done\``);
  if (typeof answer['model'] !== 'string' || typeof answer['created_at'] !== 'string') problems.push(`${where}: no model or created_at`);
  const message = asRecord(answer['message']);
  if (message['role'] !== 'assistant' || typeof message['content'] !== 'string')
    problems.push(`${where}: the message is not an assistant's with string content`);
  if (answer['done'] === true && (typeof answer['done_reason'] !== 'string' || countsOf(answer) === undefined))
    problems.push(`${where}: the done object lacks done_reason or the token counts`);
  return problems;
}

/** NDJSON as the ollama client reads it: a line at a time; a line the stream has not finished yet is not read. */
function readOllamaStream(text: string): StreamReading {
  const problems: string[] = [];
  const lines = text.split('\n');
  const unfinished = lines.pop() ?? '';
  if (unfinished !== '') problems.push(`the stream ends inside a line (no newline after it): ${unfinished.slice(0, 120)}`);
  const objects = lines.map((line, position): Record<string, unknown> => {
    try {
      return asRecord(JSON.parse(line));
    } catch {
      problems.push(`line ${position} is not JSON: ${line.slice(0, 120)}`);
      return {};
    }
  });
  const deltas: string[] = [];
  const inBandErrors: ErrorSeen[] = [];
  let toolCall: ToolCallSeen | undefined;
  let usage: TokenUsage | undefined;
  objects.forEach((object, position) => {
    if ('error' in object) {
      inBandErrors.push(ollamaError(object));
      return;
    }
    problems.push(...answerProblems(object, `line ${position}`));
    const message = asRecord(object['message']);
    if (typeof message['content'] === 'string' && message['content'] !== '') deltas.push(message['content']);
    toolCall = toolCallOf(message) ?? toolCall;
    if (object['done'] === true) usage = countsOf(object);
  });
  const last = objects.at(-1);
  return {
    deltas,
    toolCall,
    usage,
    endMarkers: objects.filter((object) => object['done'] === true).length,
    endedWithMarker: last?.['done'] === true,
    inBandErrors,
    endedWithError: last !== undefined && 'error' in last,
    problems,
  };
}

export const ollamaChatHarness: DialectHarness = {
  name: 'Ollama /api/chat',
  endpoint: 'chat',
  path: '/api/chat',
  handler: handleOllamaChat,
  model: chatModel,
  answeredBy: { providerId: upstreamId, model: 'gpt-4o-mini' },
  cases: chatFamilyCases,
  streamContentType: /^application\/x-ndjson/,
  headers: ollamaHeaders,
  // Ollama streams unless told not to: the whole answer says `stream: false`, as the ollama client does
  request: (shape, options = {}) => ({
    model: chatModel,
    messages: [{ role: 'user', content: prompt }],
    stream: shape.stream,
    ...(options.tool ? { tools: [{ type: 'function', function: weatherTool }] } : {}),
  }),
  ...chatUpstream,
  parseComplete(body) {
    const answer = asRecord(body);
    expect(answerProblems(answer, 'the answer'), JSON.stringify(body)).toEqual([]);
    expect(answer['done'], 'a whole answer is its own done object').toBe(true);
    const message = asRecord(answer['message']);
    return { content: message['content'], toolCall: toolCallOf(message), usage: countsOf(answer) };
  },
  parseStream: readOllamaStream,
  errorBody: ollamaError,
};

export const ollamaEmbedHarness: DialectHarness = {
  name: 'Ollama /api/embed',
  endpoint: 'embeddings',
  path: '/api/embed',
  handler: handleOllamaEmbed,
  model: embeddingsModel,
  answeredBy: { providerId: upstreamId, model: 'text-embedding-3-small' },
  // /api/embed answers one JSON object: no stream, no tools (the embeddings family's cases, dialect-harness-embeddings.ts)
  cases: embeddingsCases,
  headers: ollamaHeaders,
  request: () => ({ model: embeddingsModel, input: embeddingsInput, dimensions: embeddingsDimensions }),
  ...embeddingsUpstream,
  parseComplete(body) {
    const answer = asRecord(body);
    expect(answer['model'], `api.EmbedResponse: ${JSON.stringify(body).slice(0, 300)}`).toBe(embeddingsModel);
    return {
      content: answer['embeddings'],
      toolCall: undefined,
      usage: typeof answer['prompt_eval_count'] === 'number' ? { input: answer['prompt_eval_count'], output: 0 } : undefined,
    };
  },
  parseStream() {
    throw new Error('/api/embed has no stream');
  },
  errorBody: ollamaError,
};
