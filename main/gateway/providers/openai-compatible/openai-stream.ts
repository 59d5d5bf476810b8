// Reads an OpenAI-style SSE body into StreamParts. Each chunk keeps its exact upstream JSON so the gateway can
// forward it byte for byte. `data: [DONE]` is the terminator; a body that ends without it is an error.
import type { ChatCompletionChunk } from '../../../../shared/openai-types.js';
import { SseParser } from '../../../../shared/sse-parser.js';
import { ProviderError, networkError } from '../errors.js';
import type { UpstreamResponse } from '../http.js';
import type { StreamPart } from '../types.js';
import { inBandError } from './openai-error.js';

/**
 * The stream's parts. Written out as an iterator rather than an async generator: the parts parsed from one upstream
 * read are queued and handed out as already-settled promises, and a read costs one promise of the body's, not the
 * generator's resumption and result promises on top (a paced stream's every token passes here).
 */
export function readOpenAIStream(providerId: string, baseUrl: string, response: UpstreamResponse, signal: AbortSignal): AsyncIterableIterator<StreamPart> {
  return new OpenAIStreamReader(providerId, baseUrl, response, signal);
}

const finished: IteratorResult<StreamPart> = Object.freeze({ done: true, value: undefined });

class OpenAIStreamReader implements AsyncIterableIterator<StreamPart> {
  private readonly parser = new SseParser();
  /** parts parsed from upstream and not yet handed out, from `taken` on */
  private readonly queue: StreamPart[] = [];
  private taken = 0;
  /** the last part (done or error) is queued: nothing more is read */
  private ended = false;
  /** the consumer has stopped (return), or the last part was handed out */
  private closed = false;
  /**
   * [DONE] has come: the rest of the body (usually just the chunked encoding's end) is drained so the connection is
   * reused; destroying it cost a new connection (and TLS handshake) per stream whenever [DONE] and the end came in
   * separate reads.
   */
  private sawDone = false;

  constructor(
    private readonly providerId: string,
    private readonly baseUrl: string,
    private readonly response: UpstreamResponse,
    private readonly signal: AbortSignal,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.taken < this.queue.length) return Promise.resolve(this.take());
    if (this.closed || this.ended) {
      this.close();
      return Promise.resolve(finished);
    }
    return this.response.body.read().then(this.onRead, this.onFail);
  }

  return(): Promise<IteratorResult<StreamPart>> {
    this.queue.length = 0;
    this.taken = 0;
    this.close();
    return Promise.resolve(finished);
  }

  private readonly onRead = (next: IteratorResult<Buffer>): Promise<IteratorResult<StreamPart>> | IteratorResult<StreamPart> => {
    if (this.closed) return finished;
    try {
      const events = next.done ? this.parser.end() : this.parser.push(next.value);
      for (const event of events) {
        const part = toPart(this.providerId, event.data);
        if (part === undefined) continue;
        this.queue.push(part);
        if (part.type !== 'chunk') {
          this.ended = true;
          this.sawDone = part.type === 'done';
          break;
        }
      }
    } catch (error) {
      return this.onFail(error);
    }
    if (next.done && !this.ended) {
      this.ended = true;
      this.queue.push({
        type: 'error',
        error: new ProviderError({
          kind: 'protocol',
          errorClass: 'protocol',
          status: 502,
          message: `provider '${this.providerId}' ended the stream without [DONE]`,
          providerId: this.providerId,
          retryable: true,
        }),
      });
    }
    // a read that completed no event (part of one, a keep-alive comment) reads again
    return this.taken < this.queue.length ? this.take() : this.next();
  };

  private readonly onFail = (error: unknown): IteratorResult<StreamPart> => {
    if (this.closed || this.ended) return this.taken < this.queue.length ? this.take() : finished;
    this.ended = true;
    this.queue.push({
      type: 'error',
      error: error instanceof ProviderError ? error : streamFailure(this.providerId, this.baseUrl, error, this.signal),
    });
    return this.take();
  };

  private take(): IteratorResult<StreamPart> {
    const part = this.queue[this.taken] as StreamPart;
    this.taken += 1;
    if (this.taken === this.queue.length) {
      this.queue.length = 0;
      this.taken = 0;
      if (this.ended) this.close(); // the last part: the body is done with now, as the generator's finally did
    }
    return { done: false, value: part };
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.response.body.release(this.sawDone);
  }
}

function toPart(providerId: string, data: string): StreamPart | undefined {
  if (data === '[DONE]') return { type: 'done' };
  if (data === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return {
      type: 'error',
      error: new ProviderError({
        kind: 'protocol',
        errorClass: 'protocol',
        status: 502,
        message: `provider '${providerId}' sent a stream event that is not JSON`,
        providerId,
        retryable: false,
      }),
    };
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  // OpenRouter's mid-stream error chunk carries both `error` and `choices` (finish_reason "error").
  if (typeof record['error'] === 'object' && record['error'] !== null) return { type: 'error', error: inBandError(providerId, record) };
  if (!Array.isArray(record['choices'])) record['choices'] = [];
  return { type: 'chunk', chunk: record as unknown as ChatCompletionChunk, raw: data };
}

function streamFailure(providerId: string, baseUrl: string, error: unknown, signal: AbortSignal): ProviderError {
  if (error instanceof Error && error.name.startsWith('SseLineTooLong')) {
    return new ProviderError({ kind: 'protocol', errorClass: 'protocol', status: 502, message: error.message, providerId, retryable: false });
  }
  return networkError(providerId, baseUrl, error, signal);
}
