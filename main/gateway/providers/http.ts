// The one place adapters talk HTTP: a keep-alive undici pool per provider, capped body reads, and the
// translation of network failures into ProviderErrors. Redirects are never followed (credentials must not
// travel to a host the user did not configure). undici itself loads with the first POST (lazy-module.ts): a GET
// (model list, reachability probe) goes over node:http (plain-http.ts), so a gateway that has only started holds none of it.
import type { Agent } from 'undici';
import { undici } from '../lazy-module.js';
import { ProviderError, networkError } from './errors.js';
import { plainGet } from './plain-http.js';
import { UpstreamCall, type UpstreamHead } from './upstream-body.js';
import type { Locality } from '../../config/types.js';

export interface UpstreamTimeouts {
  /** TCP + TLS connect */
  readonly connectMs: number;
  /** request sent → response headers (a cold local model can take minutes) */
  readonly headersMs: number;
  /** silence between body bytes */
  readonly bodyIdleMs: number;
}

export const cloudTimeouts: UpstreamTimeouts = { connectMs: 10_000, headersMs: 120_000, bodyIdleMs: 120_000 };
export const localTimeouts: UpstreamTimeouts = { connectMs: 3_000, headersMs: 600_000, bodyIdleMs: 300_000 };

/** What every adapter is built from (registry.ts fills it from the provider's settings). */
export interface AdapterOptions {
  readonly id: string;
  readonly baseUrl: string;
  /** extra headers the provider wants (OpenRouter's attribution, anthropic-beta); never the key */
  readonly headers?: Readonly<Record<string, string>>;
  /** read at each call so a key changed in the keychain applies at once */
  readonly apiKey: () => string | undefined;
  readonly locality?: Locality;
  readonly timeouts?: UpstreamTimeouts;
  /** sees every response head (pacing.ts learns the provider's rate-limit headers) */
  readonly observeHead?: ((head: UpstreamResponse) => void) | undefined;
}

/** The adapter's HTTP client: the configured timeouts, else the defaults for where the provider runs. */
export function upstreamClientFor(options: AdapterOptions, locality: Locality, baseUrl = options.baseUrl): UpstreamClient {
  return new UpstreamClient(options.id, baseUrl, options.timeouts ?? (locality === 'local' ? localTimeouts : cloudTimeouts), options.observeHead);
}

/** Upper bound on a non-streamed upstream body; a larger one is a protocol error, not an out-of-memory. */
export const maxUpstreamBodyBytes = 64 * 1024 * 1024;

export type UpstreamResponse = UpstreamHead;

export class UpstreamClient {
  /** made at the first request, when undici is loaded */
  private dispatcher: Agent | undefined;
  private readonly agentOptions: Agent.Options;
  private closed = false;
  private readonly origin: string;
  private readonly basePath: string;

  constructor(
    private readonly providerId: string,
    readonly baseUrl: string,
    private readonly timeouts: UpstreamTimeouts,
    private readonly observeHead?: ((head: UpstreamResponse) => void) | undefined,
  ) {
    const url = new URL(baseUrl);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
    this.agentOptions = {
      connect: { timeout: timeouts.connectMs },
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyIdleMs,
      keepAliveTimeout: 30_000,
      // No cap of its own: a stream holds its connection for its whole length, so a cap (it was 128) queued the
      // 129th concurrent stream to one provider until another ended — seconds of added time to first token, and
      // streams-bench's N = 512 really held 128. Concurrent requests are bounded by server.max_in_flight already.
      connections: null,
      pipelining: 1,
    }; // undici 7 follows no redirects unless a redirect interceptor is added; none is
  }

  private async createDispatcher(): Promise<Agent> {
    const { Agent } = undici.loaded ?? (await undici.load());
    if (this.closed) throw new Error(`the HTTP client of provider '${this.providerId}' is closed`);
    this.dispatcher ??= new Agent(this.agentOptions);
    return this.dispatcher;
  }

  async request(options: {
    method: 'GET' | 'POST';
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    signal: AbortSignal;
  }): Promise<UpstreamResponse> {
    // undici's dispatch API rather than request(): the response head and body bytes come straight to UpstreamCall,
    // without a Node stream per response (upstream-body.ts).
    // A GET (model list, probe) goes over node:http: see plain-http.ts for why.
    const dispatcher = options.method === 'GET' ? undefined : (this.dispatcher ?? (await this.createDispatcher()));
    const call = new UpstreamCall(options.signal);
    try {
      if (dispatcher)
        dispatcher.dispatch(
          { origin: this.origin, path: this.basePath + options.path, method: options.method, headers: options.headers, body: options.body ?? null },
          call,
        );
      else if (this.closed) throw new Error(`the HTTP client of provider '${this.providerId}' is closed`);
      else {
        const { connectMs, headersMs, bodyIdleMs } = this.timeouts;
        const url = this.origin + this.basePath + options.path;
        plainGet({ url, headers: options.headers, connectTimeoutMs: connectMs, headersTimeoutMs: headersMs, bodyTimeoutMs: bodyIdleMs }, call);
      }
    } catch (error) {
      call.onError(error as Error); // undici reports most errors to the handler; this catches the rest the same way
    }
    let head: UpstreamResponse;
    try {
      head = await call.head;
    } catch (error) {
      throw networkError(this.providerId, this.baseUrl, error, options.signal);
    }
    this.observeHead?.(head);
    return head;
  }

  /** Reads a whole body up to `limit` bytes; past it the body is destroyed and a protocol error raised. */
  async readBody(response: UpstreamResponse, signal: AbortSignal, limit = maxUpstreamBodyBytes): Promise<Buffer> {
    const tooLarge = (): ProviderError =>
      new ProviderError({
        kind: 'protocol',
        errorClass: 'protocol',
        status: 502,
        message: `provider '${this.providerId}' sent a response larger than ${limit} bytes`,
        providerId: this.providerId,
        retryable: false,
      });
    try {
      return await response.body.collect(limit, tooLarge);
    } catch (error) {
      if (error instanceof ProviderError) throw error;
      throw networkError(this.providerId, this.baseUrl, error, signal);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dispatcher?.close();
  }
}

/** Whether the upstream answered with an event stream (an error object may come instead, even with status 200). */
export function isEventStream(response: UpstreamResponse): boolean {
  return response.header('content-type')?.includes('text/event-stream') === true;
}
