// What the fake Gemini upstream can be told to do (the GeminiScenario union), and its deterministic answers: the
// GenerateContentResponse frames of a reply (thoughts, text, function calls, signatures, usage), a default reply
// built from the request (a function call when tools are offered, JSON for a response schema, else text), and
// embeddings.
import { createHash } from 'node:crypto';
import type { FakeGeminiModel, GoogleErrorReply, GoogleStatusBody } from './gemini-wire.js';
import type { RecordedRequest } from './fake-server.js';

export type { RecordedRequest };

export interface FunctionCallSpec {
  readonly name: string;
  readonly args: Record<string, unknown>;
  /** Gemini's own call id (newer models send one) */
  readonly id?: string;
  /** default: a signature for the first call when the model thinks; null: none */
  readonly thoughtSignature?: string | null;
}

export interface UsageNumbers {
  readonly promptTokenCount: number;
  readonly candidatesTokenCount: number;
  readonly thoughtsTokenCount?: number;
  readonly cachedContentTokenCount?: number;
  readonly toolUsePromptTokenCount?: number;
}

export interface ReplyOptions {
  /** answer text; default: the default reply (see `resolveReply`); null: no text */
  readonly text?: string | null;
  /** thought summary, sent as `thought: true` parts (default: one sentence when includeThoughts is on and the model thinks) */
  readonly thoughts?: string | null;
  readonly functionCalls?: readonly FunctionCallSpec[];
  /** signature of the text answer (default: one on Gemini 3 models); in a stream it rides on a last, empty text part */
  readonly textSignature?: string | null;
  /** default: STOP */
  readonly finishReason?: string;
  readonly finishMessage?: string;
  readonly usage?: Partial<UsageNumbers>;
  /** stream: the text is split into this many frames (default: one per word) */
  readonly chunks?: number;
  /** stream: pause before every frame after the first (slow frames) */
  readonly frameDelayMs?: number;
  /** pause before the response headers */
  readonly headersDelayMs?: number;
  readonly modelVersion?: string;
  readonly responseId?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Raw response bytes, written one `write()` each; a `{ delayMs }` entry pauses between writes. */
export type RawWrite = string | Uint8Array | { readonly delayMs: number };

export interface RawScenario {
  readonly kind: 'raw';
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly writes: readonly RawWrite[];
  /** after the writes: finish the response (default), destroy the socket, or hold it open until the client leaves */
  readonly end?: 'end' | 'destroy' | 'hold';
}

export type GeminiScenario =
  /** a normal answer; streamed when the request went to streamGenerateContent */
  | ({ readonly kind: 'reply' } & ReplyOptions)
  | GoogleErrorReply
  /** promptFeedback.blockReason and no candidates (HTTP 200) */
  | { readonly kind: 'blocked'; readonly blockReason: string; readonly blockReasonMessage?: string; readonly usage?: Partial<UsageNumbers> }
  /** stream: `afterFrames` reply frames, then an `{"error":…}` frame (default: 500 INTERNAL), then a clean end */
  | ({ readonly kind: 'stream-error'; readonly afterFrames: number; readonly error?: GoogleStatusBody } & ReplyOptions)
  /** stream: every frame but without any finishReason, then a clean end */
  | ({ readonly kind: 'no-finish' } & ReplyOptions)
  /** stream: `afterFrames` frames, then the socket is destroyed */
  | ({ readonly kind: 'reset-after'; readonly afterFrames: number } & ReplyOptions)
  /** reads the request, then never answers until the client closes the socket */
  | { readonly kind: 'stall-before-headers' }
  | RawScenario;

export type EmbedScenario = { readonly kind: 'reply' } | GoogleErrorReply | { readonly kind: 'stall-before-headers' };

// ---------------------------------------------------------------------------------------------------------
// Resolving a reply against the request

type Json = Record<string, unknown>;

export interface ResolvedReply {
  readonly thoughts: readonly string[];
  readonly textPieces: readonly string[];
  readonly textSignature: string | undefined;
  readonly functionCalls: ReadonlyArray<{
    readonly name: string;
    readonly args: Record<string, unknown>;
    readonly id?: string;
    readonly thoughtSignature?: string;
  }>;
  readonly finishReason: string;
  readonly finishMessage: string | undefined;
  readonly usage: UsageNumbers;
  readonly candidateCount: number;
  readonly modelVersion: string;
  readonly responseId: string;
}

let responseCounter = 0;

/** A stable, signature-shaped string (base64 of a hash): the same input always gives the same signature. */
export function fakeSignature(seed: string): string {
  return createHash('sha256').update(`thought-signature:${seed}`).digest('base64');
}

export function resolveReply(model: FakeGeminiModel, body: unknown, options: ReplyOptions = {}): ResolvedReply {
  const request = asRecord(body);
  const contents = Array.isArray(request['contents']) ? (request['contents'] as unknown[]).map(asRecord) : [];
  const generation = asRecord(request['generationConfig']);
  const thinkingConfig = asRecord(generation['thinkingConfig']);
  const thinks = model.thinking === true && thinkingConfig['thinkingBudget'] !== 0;
  const signs = thinks && /^gemini-([3-9]|\d{2,})/.test(model.name); // Gemini 3 signs text answers as well as calls
  responseCounter += 1;
  const responseId = options.responseId ?? createHash('sha256').update(`response:${responseCounter}`).digest('base64url').slice(0, 22);

  let functionCalls = [...(options.functionCalls ?? [])];
  let text: string | null;
  if (options.text !== undefined || options.functionCalls !== undefined) {
    text = options.text ?? null;
  } else {
    const call = defaultCall(request, contents);
    if (call) functionCalls = [call];
    text = call ? null : defaultText(model.name, generation);
  }
  const calls = functionCalls.map((call, index) => {
    const signature =
      call.thoughtSignature === undefined
        ? thinks && index === 0
          ? fakeSignature(`${responseId}:${call.name}`)
          : undefined
        : (call.thoughtSignature ?? undefined);
    return { name: call.name, args: call.args, ...(call.id ? { id: call.id } : {}), ...(signature ? { thoughtSignature: signature } : {}) };
  });
  const textPieces = text === null ? [] : options.chunks !== undefined ? splitText(text, options.chunks) : wordPieces(text);
  const defaultThoughts = thinks && thinkingConfig['includeThoughts'] === true ? `The user wants a reply from ${model.name}.` : null;
  const thoughts = options.thoughts === undefined ? defaultThoughts : options.thoughts;
  const textSignature =
    options.textSignature === undefined
      ? signs && calls.length === 0 && textPieces.length > 0
        ? fakeSignature(`${responseId}:text`)
        : undefined
      : (options.textSignature ?? undefined);
  const thoughtPieces = thoughts === null ? [] : wordPieces(thoughts);
  const hiddenThinking = thinks ? 24 : 0;
  const usage: UsageNumbers = {
    promptTokenCount: options.usage?.promptTokenCount ?? 10 + contents.length,
    candidatesTokenCount: options.usage?.candidatesTokenCount ?? textPieces.length + calls.length,
    ...(thinks || options.usage?.thoughtsTokenCount !== undefined
      ? { thoughtsTokenCount: options.usage?.thoughtsTokenCount ?? thoughtPieces.length + hiddenThinking }
      : {}),
    ...(options.usage?.cachedContentTokenCount !== undefined ? { cachedContentTokenCount: options.usage.cachedContentTokenCount } : {}),
    ...(options.usage?.toolUsePromptTokenCount !== undefined ? { toolUsePromptTokenCount: options.usage.toolUsePromptTokenCount } : {}),
  };
  const requestedCandidates = generation['candidateCount'];
  return {
    thoughts: thoughtPieces,
    textPieces,
    textSignature,
    functionCalls: calls,
    finishReason: options.finishReason ?? 'STOP',
    finishMessage: options.finishMessage,
    usage,
    candidateCount: typeof requestedCandidates === 'number' && requestedCandidates > 1 ? requestedCandidates : 1,
    modelVersion: options.modelVersion ?? model.name,
    responseId,
  };
}

/** A function call when tools are offered, calling is not off, and the model is not being handed results. */
function defaultCall(request: Json, contents: Json[]): FunctionCallSpec | undefined {
  const declarations = (Array.isArray(request['tools']) ? (request['tools'] as unknown[]) : []).flatMap((tool) => {
    const list = asRecord(tool)['functionDeclarations'];
    return Array.isArray(list) ? (list as unknown[]).map(asRecord) : [];
  });
  const calling = asRecord(asRecord(request['toolConfig'])['functionCallingConfig']);
  if (declarations.length === 0 || calling['mode'] === 'NONE') return undefined;
  const last = contents.at(-1);
  const answersTools = (Array.isArray(last?.['parts']) ? (last['parts'] as unknown[]) : []).some((part) => asRecord(part)['functionResponse'] !== undefined);
  if (answersTools && calling['mode'] !== 'ANY') return undefined;
  const allowed = Array.isArray(calling['allowedFunctionNames']) ? (calling['allowedFunctionNames'] as unknown[]) : [];
  const chosen = declarations.find((declaration) => allowed.includes(declaration['name'])) ?? declarations[0] ?? {};
  const schema = asRecord(chosen['parametersJsonSchema'] ?? chosen['parameters']);
  return { name: typeof chosen['name'] === 'string' ? chosen['name'] : 'tool', args: asRecord(valueForSchema(schema, 0)) };
}

function defaultText(modelName: string, generation: Json): string {
  if (generation['responseMimeType'] === 'application/json') {
    const schema = generation['responseJsonSchema'] ?? generation['responseSchema'];
    return JSON.stringify(schema === undefined ? { message: `Hello from ${modelName}!` } : valueForSchema(asRecord(schema), 0));
  }
  return `Hello from ${modelName}!`;
}

/** {"location": "Paris", "days": 42, …}: one deterministic value per property (JSON Schema or OpenAPI-style types). */
export function valueForSchema(schema: Json, depth: number): unknown {
  const enumValues = schema['enum'];
  if (Array.isArray(enumValues) && enumValues.length > 0) return enumValues[0];
  const rawType = Array.isArray(schema['type']) ? schema['type'][0] : schema['type'];
  switch (typeof rawType === 'string' ? rawType.toLowerCase() : 'object') {
    case 'string':
      return 'Paris';
    case 'number':
    case 'integer':
      return 42;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'null':
      return null;
    default: {
      const value: Json = {};
      if (depth >= 3) return value;
      for (const [key, property] of Object.entries(asRecord(schema['properties']))) value[key] = valueForSchema(asRecord(property), depth + 1);
      return value;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Response bodies

function usageMetadata(usage: UsageNumbers, candidatesSoFar: number): Json {
  const thoughts = usage.thoughtsTokenCount;
  const total = usage.promptTokenCount + candidatesSoFar + (thoughts ?? 0) + (usage.toolUsePromptTokenCount ?? 0);
  return {
    promptTokenCount: usage.promptTokenCount,
    candidatesTokenCount: candidatesSoFar,
    totalTokenCount: total,
    ...(usage.cachedContentTokenCount !== undefined ? { cachedContentTokenCount: usage.cachedContentTokenCount } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.promptTokenCount }],
    ...(usage.cachedContentTokenCount !== undefined ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: usage.cachedContentTokenCount }] } : {}),
    ...(usage.toolUsePromptTokenCount !== undefined ? { toolUsePromptTokenCount: usage.toolUsePromptTokenCount } : {}),
    ...(thoughts !== undefined ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function frame(reply: ResolvedReply, parts: Json[], finish: boolean, candidatesSoFar: number): Json {
  const candidates = Array.from({ length: reply.candidateCount }, (_, index) => ({
    content: { parts, role: 'model' },
    ...(finish ? { finishReason: reply.finishReason } : {}),
    ...(finish && reply.finishMessage ? { finishMessage: reply.finishMessage } : {}),
    index,
  }));
  return { candidates, usageMetadata: usageMetadata(reply.usage, candidatesSoFar), modelVersion: reply.modelVersion, responseId: reply.responseId };
}

function callPart(call: ResolvedReply['functionCalls'][number]): Json {
  return {
    functionCall: { ...(call.id ? { id: call.id } : {}), name: call.name, args: call.args },
    ...(call.thoughtSignature ? { thoughtSignature: call.thoughtSignature } : {}),
  };
}

/** The whole generateContent body. */
export function replyBody(reply: ResolvedReply): Json {
  const parts: Json[] = [];
  if (reply.thoughts.length > 0) parts.push({ text: reply.thoughts.join(''), thought: true });
  if (reply.textPieces.length > 0) parts.push({ text: reply.textPieces.join(''), ...(reply.textSignature ? { thoughtSignature: reply.textSignature } : {}) });
  parts.push(...reply.functionCalls.map(callPart));
  return frame(reply, parts, true, reply.usage.candidatesTokenCount);
}

/**
 * The streamed frames: one per thought piece, one per text piece, one with all function calls; the last frame
 * carries the finishReason (and, for a signed text answer, an empty text part with the signature, as Gemini 3
 * sends it). Without `finish`, no frame has a finishReason.
 */
export function replyFrames(reply: ResolvedReply, finish = true): Json[] {
  const steps: Json[][] = [
    ...reply.thoughts.map((text) => [{ text, thought: true }]),
    ...reply.textPieces.map((text) => [{ text }]),
    ...(reply.functionCalls.length > 0 ? [reply.functionCalls.map(callPart)] : []),
  ];
  if (reply.textSignature) steps.push([{ text: '', thoughtSignature: reply.textSignature }]);
  if (steps.length === 0) steps.push([{ text: '' }]);
  const total = reply.usage.candidatesTokenCount;
  return steps.map((parts, position) => {
    const last = position === steps.length - 1;
    const soFar = last ? total : Math.min(total, position + 1);
    return frame(reply, parts, finish && last, soFar);
  });
}

export function blockedBody(blockReason: string, blockReasonMessage: string | undefined, usage: Partial<UsageNumbers> | undefined, modelVersion: string): Json {
  const prompt = usage?.promptTokenCount ?? 9;
  return {
    promptFeedback: { blockReason, ...(blockReasonMessage ? { blockReasonMessage } : {}) },
    usageMetadata: { promptTokenCount: prompt, totalTokenCount: prompt, promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }] },
    modelVersion,
    responseId: createHash('sha256').update(`blocked:${++responseCounter}`).digest('base64url').slice(0, 22),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Embeddings

/** A unit vector seeded by the text: the same text always gives the same vector. */
export function embeddingVector(text: string, dimensions: number): number[] {
  const seed = createHash('sha256').update(text).digest();
  const raw = Array.from({ length: dimensions }, (_, index) => ((seed[index % seed.length] ?? 0) - 127.5) / 127.5 + Math.sin(index + 1) / 8);
  const norm = Math.sqrt(raw.reduce((sum, value) => sum + value * value, 0)) || 1;
  return raw.map((value) => Math.fround(value / norm));
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** Words with their leading spaces, so that joining the pieces gives the text back. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+\s*$|\s*\S+/g) ?? (text === '' ? [] : [text]);
}

export function splitText(text: string, count: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

export function asRecord(value: unknown): Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
