// Small helpers for the conformance suite: building a ChatCall as the gateway does, draining streams with a
// deadline, reading OpenAI-shaped chunks, and checking that no piece of a key survives in an error.
import { expect } from 'vitest';
import { chatRequestSchema } from '../../shared/openai-schema.js';
import type { ChatCompletionChunk } from '../../shared/openai-types.js';
import { ProviderError } from '../../main/gateway/providers/errors.js';
import type { ChatCall, ChatOutcome, StreamPart } from '../../main/gateway/providers/types.js';
import type { ProviderHarness } from './harness.js';

export interface CallOptions {
  readonly model?: string;
  readonly signal?: AbortSignal;
}

/** A ChatCall as the server builds it: the client's body text, `provider/model` in the request, usage forced on. */
export function chatCall(harness: ProviderHarness, request: Record<string, unknown>, options: CallOptions = {}): ChatCall {
  const upstreamModel = options.model ?? harness.model;
  const body = { model: `${harness.name}/${upstreamModel}`, messages: [{ role: 'user', content: 'Hi' }], ...request };
  return {
    request: chatRequestSchema.parse(body),
    rawBody: JSON.stringify(body),
    upstreamModel,
    forceStreamUsage: true,
    signal: options.signal ?? new AbortController().signal,
  };
}

export function streamOf(outcome: ChatOutcome): AsyncIterable<StreamPart> {
  if (outcome.kind !== 'stream') throw new Error(`expected a stream, got a complete response: ${JSON.stringify(outcome.response).slice(0, 300)}`);
  return outcome.parts;
}

export function completeOf(outcome: ChatOutcome): Extract<ChatOutcome, { kind: 'complete' }>['response'] {
  if (outcome.kind !== 'complete') throw new Error('expected a complete response, got a stream');
  return outcome.response;
}

/** Rejects when `promise` takes longer than `ms`: a hung adapter fails its case instead of the whole run. */
export function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Every remaining part of an iterator (a stream ends after its `done` or `error` part). */
export async function drain(iterator: AsyncIterator<StreamPart>, ms = 5_000): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  const read = async (): Promise<void> => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      parts.push(next.value);
    }
  };
  await within(ms, read(), `the stream to end (have ${parts.length} parts)`);
  return parts;
}

export function collect(parts: AsyncIterable<StreamPart>, ms = 5_000): Promise<StreamPart[]> {
  return drain(parts[Symbol.asyncIterator](), ms);
}

export async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export const chunksOf = (parts: readonly StreamPart[]): ChatCompletionChunk[] => parts.flatMap((part) => (part.type === 'chunk' ? [part.chunk] : []));

export const contentOf = (parts: readonly StreamPart[]): string =>
  chunksOf(parts)
    .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''))
    .join('');

/** The stream's one terminal part, which must be its last: exactly one `done` or `error`, nothing after it. */
export function terminalOf(parts: readonly StreamPart[]): Exclude<StreamPart, { type: 'chunk' }> {
  const terminals = parts.filter((part) => part.type !== 'chunk');
  expect(terminals, 'exactly one done or error part').toHaveLength(1);
  const last = parts.at(-1);
  if (last === undefined || last.type === 'chunk') throw new Error(`the stream did not end with its done or error part: ${JSON.stringify(last)}`);
  return last;
}

export function errorPartOf(parts: readonly StreamPart[]): ProviderError {
  const terminal = terminalOf(parts);
  if (terminal.type !== 'error') throw new Error('expected the stream to end with an error part, it ended with done');
  expect(terminal.error).toBeInstanceOf(ProviderError);
  return terminal.error;
}

/** Runs `action` and returns the ProviderError it rejects with. */
export async function rejectionOf(action: Promise<unknown>): Promise<ProviderError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw new Error(`expected a ProviderError, got ${String(error)}`);
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** No 6-character piece of `key` in anything the error carries (RELIABILITY.md: "not even a 6-character piece"). */
export function expectNoKey(error: ProviderError, key: string): void {
  const texts: Record<string, string> = {
    message: error.message,
    upstreamBody: error.upstreamBody ?? '',
    stack: error.stack ?? '',
    json: JSON.stringify(error),
    string: String(error),
  };
  for (const [where, text] of Object.entries(texts)) {
    for (let start = 0; start + 6 <= key.length; start += 1) {
      const piece = key.slice(start, start + 6);
      expect(text.includes(piece), `the error's ${where} holds "${piece}", a piece of the key: ${text.slice(0, 300)}`).toBe(false);
    }
  }
}
