// One streamed chat completion from the gateway, read as typed parts: the routing facts from the headers, text as
// it arrives, the usage chunk (with the gateway's `cost`), and how it ended. An in-band {"error":…} frame, a
// broken connection, or a stream that ends without [DONE] are errors, never a silently short answer.
import { SseParser } from '../../../../../shared/sse-parser';

/** What a playground column needs of a fetch Response (tests build these by hand). */
export interface GatewayReply {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}

/** Sends one chat request (the JSON body) to the gateway; the caller aborts it with `signal`. */
export type GatewayFetch = (body: string, signal: AbortSignal) => Promise<GatewayReply>;

export interface RoutingFacts {
  /** the ledger row's id (x-switchyard-request-id) */
  readonly requestId: string | null;
  readonly providerId: string | null;
  readonly servedModel: string | null;
  /** x-switchyard-attempts: every target tried or skipped */
  readonly attempts: string | null;
}

export interface StreamUsage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  /** USD, as the gateway priced it for the ledger; null when no price is known */
  readonly costUsd: number | null;
}

export interface StreamHandlers {
  onOpen(routing: RoutingFacts): void;
  onText(text: string): void;
  onUsage(usage: StreamUsage): void;
}

export type StreamOutcome = { readonly status: 'ok' } | { readonly status: 'cancelled' } | { readonly status: 'error'; readonly message: string };

export async function runChatStream(fetchReply: GatewayFetch, body: string, signal: AbortSignal, handlers: StreamHandlers): Promise<StreamOutcome> {
  let reply: GatewayReply;
  try {
    reply = await fetchReply(body, signal);
  } catch (error) {
    if (signal.aborted) return { status: 'cancelled' };
    return { status: 'error', message: `Could not reach the gateway: ${error instanceof Error ? error.message : String(error)}` };
  }
  handlers.onOpen(routingFacts(reply.headers));
  if (reply.status !== 200) return { status: 'error', message: await errorMessage(reply) };
  if (reply.body === null) return { status: 'error', message: 'The gateway answered without a body.' };
  const reader = reply.body.getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      const events = done ? parser.end() : parser.push(value);
      for (const event of events) {
        if (event.data === '[DONE]') return { status: 'ok' };
        const outcome = handleFrame(event.data, handlers);
        if (outcome) return outcome;
      }
      if (done) return { status: 'error', message: 'The stream ended without its terminator: the answer may be incomplete.' };
    }
  } catch (error) {
    if (signal.aborted) return { status: 'cancelled' };
    return { status: 'error', message: `The stream broke off: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    // Ends the request when we stopped reading early (an error frame): nobody pays for tokens nobody reads.
    void reader.cancel().catch(() => undefined);
  }
}

interface ChunkShape {
  readonly error?: { readonly message?: unknown; readonly code?: unknown } | string;
  readonly choices?: ReadonlyArray<{ readonly delta?: { readonly content?: unknown } | null }>;
  readonly usage?: { readonly prompt_tokens?: unknown; readonly completion_tokens?: unknown; readonly cost?: unknown } | null;
}

function handleFrame(data: string, handlers: StreamHandlers): StreamOutcome | undefined {
  let chunk: ChunkShape;
  try {
    chunk = JSON.parse(data) as ChunkShape;
  } catch {
    return { status: 'error', message: 'The gateway sent a frame that is not JSON.' };
  }
  if (typeof chunk !== 'object' || chunk === null) return { status: 'error', message: 'The gateway sent a frame that is not an object.' };
  if (chunk.error !== undefined) {
    const message = typeof chunk.error === 'string' ? chunk.error : typeof chunk.error?.message === 'string' ? chunk.error.message : 'unknown error';
    return { status: 'error', message: `The answer broke off: ${message}` };
  }
  for (const choice of chunk.choices ?? []) {
    const content = choice.delta?.content;
    if (typeof content === 'string' && content !== '') handlers.onText(content);
  }
  if (chunk.usage)
    handlers.onUsage({
      inputTokens: numberOrNull(chunk.usage.prompt_tokens),
      outputTokens: numberOrNull(chunk.usage.completion_tokens),
      costUsd: numberOrNull(chunk.usage.cost),
    });
  return undefined;
}

function routingFacts(headers: GatewayReply['headers']): RoutingFacts {
  const read = (name: string): string | null => {
    const value = headers.get(name);
    if (value === null || value === '') return null;
    try {
      return decodeURIComponent(value); // the gateway percent-encodes non-ASCII model names
    } catch {
      return value;
    }
  };
  return {
    requestId: read('x-switchyard-request-id'),
    providerId: read('x-switchyard-provider'),
    servedModel: read('x-switchyard-model'),
    attempts: read('x-switchyard-attempts'),
  };
}

async function errorMessage(reply: GatewayReply): Promise<string> {
  let text = '';
  try {
    text = await reply.text();
  } catch {
    // the status says enough
  }
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') return `${reply.status}: ${parsed.error.message}`;
  } catch {
    // not JSON: fall through to the status
  }
  return `The gateway answered HTTP ${reply.status}.`;
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
