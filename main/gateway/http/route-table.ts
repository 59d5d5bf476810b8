// The gateway's route table: each inbound dialect contributes its endpoints (dialects/index.ts), each a path pattern
// with `{name}` segments (a last `{name*}` takes the rest of the path, slashes included, as model ids have them), the handler per method, and the shape its errors take. Every endpoint is served at `/v1/x`
// and at `/x`, for tools configured with a base URL that lacks `/v1`.
import type { IncomingMessage } from 'node:http';
import type { GatewayState, RequestContext } from './context.js';
import type { AnswerSink, InboundRequest } from './answer-sink.js';
import type { ClientIdentity } from '../../secrets/token-verifier.js';

export type EndpointHandler = (context: RequestContext, inbound: InboundRequest, sink: AnswerSink) => Promise<void>;

export type ErrorSender = (sink: AnswerSink, error: unknown, headers: Readonly<Record<string, string>>) => void;

export type Method = 'GET' | 'HEAD' | 'POST' | 'DELETE';

export interface Endpoint {
  /** after `/v1`, e.g. `/responses/{id}/input_items` */
  readonly path: string;
  readonly methods: Partial<Record<Method, EndpointHandler>>;
  /** how this endpoint's errors are shaped (default: OpenAI's) */
  readonly sendError?: ErrorSender;
  /**
   * Who a request that presents no token is, where the dialect's clients cannot send one (Ollama's); undefined
   * refuses it as everywhere else. Consulted only when no token at all was presented.
   */
  readonly anonymous?: (state: GatewayState, request: IncomingMessage) => ClientIdentity | undefined;
}

/** The error shape of every path under a prefix, matched or not, e.g. `/api/` → Ollama's `{"error": "..."}`. */
export interface Family {
  /** a path prefix, with or without `/v1` before it as the endpoints are */
  readonly prefix: string;
  readonly sendError: ErrorSender;
}

export interface Match {
  readonly endpoint: Endpoint;
  readonly params: Readonly<Record<string, string>>;
}

export class RouteTable {
  private readonly exact = new Map<string, Endpoint>();
  private readonly patterns: Array<{ readonly segments: readonly string[]; readonly endpoint: Endpoint }> = [];

  constructor(
    endpoints: readonly Endpoint[],
    private readonly families: readonly Family[] = [],
  ) {
    for (const prefix of ['/v1', '']) {
      for (const endpoint of endpoints) {
        const path = `${prefix}${endpoint.path}`;
        if (path.includes('{')) this.patterns.push({ segments: path.split('/'), endpoint });
        else this.exact.set(path, endpoint);
      }
    }
  }

  /** The error shape for a path: its endpoint's, else its family's (an unknown path under /api/ is Ollama's). */
  errorSenderFor(path: string, match: Match | undefined): ErrorSender | undefined {
    if (match?.endpoint.sendError) return match.endpoint.sendError;
    for (const family of this.families) if (path.startsWith(family.prefix) || path.startsWith(`/v1${family.prefix}`)) return family.sendError;
    return undefined;
  }

  match(path: string): Match | undefined {
    const exact = this.exact.get(path);
    if (exact) return { endpoint: exact, params: {} };
    const segments = path.split('/');
    for (const pattern of this.patterns) {
      const rest = pattern.segments.at(-1)?.endsWith('*}') === true;
      if (rest ? segments.length < pattern.segments.length : pattern.segments.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let index = 0; index < pattern.segments.length && matched; index += 1) {
        const expected = pattern.segments[index] as string;
        const actual = segments[index] as string;
        if (rest && index === pattern.segments.length - 1) {
          params[expected.slice(1, -2)] = safeDecode(segments.slice(index).join('/'));
        } else if (expected.startsWith('{')) {
          if (actual === '') matched = false;
          else params[expected.slice(1, -1)] = safeDecode(actual);
        } else if (expected !== actual) {
          matched = false;
        }
      }
      if (matched) return { endpoint: pattern.endpoint, params };
    }
    return undefined;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
