// The Ollama surface's own address (ollama_api.port, e.g. 11435, or 11434 where no Ollama runs): a second node:http
// listener that shares the gateway's dispatcher. On it only Ollama's paths are served — /api/*, `/`, the
// OpenAI-compatible paths a real Ollama serves too, and /health — and its Host header names its own port. Before
// binding, the port is asked whether a real Ollama answers there: Switchyard never takes an Ollama's place.
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { RequestGuard, type GuardSettings } from '../../http/guard.js';
import { cameThroughOwnListener, markOwnListener } from './access.js';
import { sendOllamaError } from './ollama-errors.js';
import { GatewayError } from '../../http/errors.js';

/** Whether the own listener serves `path` (without its query). */
export function servedOnOwnListener(path: string): boolean {
  if (path === '/' || path === '/health' || path === '/api' || path.startsWith('/api/')) return true;
  return path === '/v1/chat/completions' || path === '/v1/embeddings' || path === '/v1/models' || path.startsWith('/v1/models/');
}

/** The own listener's request handler: marks the request as the surface's, refuses other paths, then dispatches. */
export function ownListenerHandler(
  dispatch: (request: IncomingMessage, response: ServerResponse) => void,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    markOwnListener(request);
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const raw = query === -1 ? url : url.slice(0, query);
    const path = raw.length > 1 && raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (!servedOnOwnListener(path)) {
      request.resume();
      sendOllamaError(
        response,
        new GatewayError(
          404,
          `no such endpoint on the Ollama address: ${request.method ?? ''} ${path} (Switchyard's other APIs are on its main port)`,
          'not_found_error',
          'unknown_url',
        ),
        {},
      );
      return;
    }
    dispatch(request, response);
  };
}

/** The gateway's guard, with the own listener's requests judged against the own listener's port. */
export class ListenerAwareGuard extends RequestGuard {
  private readonly own: RequestGuard;

  constructor(settings: GuardSettings, ownPort: number) {
    super(settings);
    this.own = new RequestGuard({ ...settings, port: ownPort });
  }

  override hostAllowed(request: IncomingMessage): boolean {
    return cameThroughOwnListener(request) ? this.own.hostAllowed(request) : super.hostAllowed(request);
  }

  override originAllowed(request: IncomingMessage): boolean | undefined {
    return cameThroughOwnListener(request) ? this.own.originAllowed(request) : super.originAllowed(request);
  }

  override corsHeaders(request: IncomingMessage): Record<string, string> {
    return cameThroughOwnListener(request) ? this.own.corsHeaders(request) : super.corsHeaders(request);
  }
}

/**
 * Asks host:port for GET /api/version: the version when something answers it as Ollama does (`{"version": …}`),
 * undefined when nothing listens or what answers is not Ollama (the bind then tells whether the port is free).
 */
export function probeOllama(host: string, port: number, timeoutMs = 1_000): Promise<string | undefined> {
  const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.replace(/^\[|\]$/g, '');
  return new Promise((resolve) => {
    const outgoing = httpRequest(
      { host: target, port, path: '/api/version', method: 'GET', timeout: timeoutMs, headers: { accept: 'application/json' } },
      (incoming) => {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > 64 * 1024) incoming.destroy();
          else chunks.push(chunk);
        });
        incoming.on('error', () => resolve(undefined));
        incoming.on('end', () => {
          try {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
            const version = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['version'] : undefined;
            resolve(incoming.statusCode === 200 && typeof version === 'string' ? version : undefined);
          } catch {
            resolve(undefined);
          }
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.on('error', () => resolve(undefined));
    outgoing.end();
  });
}
