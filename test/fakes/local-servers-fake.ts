// Local model servers as discovery meets them, each a real node:http server on 127.0.0.1 answering its wire format:
// Ollama (GET /api/tags, /api/version; Go's plain "404 page not found"), LM Studio (/v1/models, owned_by
// organization_owner), llama.cpp server (/health, /props, /v1/models owned_by llamacpp with `meta`; JSON 404s),
// LocalAI (/readyz and /healthz empty 200s, /v1/models; echo's {"message":"Not Found"}), vLLM (FastAPI: /v1/models
// owned_by vllm with max_model_len, /health, /version, {"detail":"Not Found"}), Jan (/v1/models behind the API key
// set in its settings: a plain-text 401 without it) — plus one that answers garbage and one that answers too late.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, trackSockets } from './fake-server.js';

export type LocalServerKind = 'ollama' | 'lmstudio' | 'llamacpp' | 'localai' | 'vllm' | 'jan' | 'garbage';

export interface FakeLocalServerOptions {
  readonly models?: readonly string[];
  /** Jan: the key its Local API Server settings hold (default 'jan-secret-key'); '' serves without one */
  readonly apiKey?: string;
  /** every answer waits this long first (a server that is up but too slow for discovery's deadline) */
  readonly delayMs?: number;
}

const created = 1_760_000_000;

export class FakeLocalServer {
  readonly paths: string[] = [];
  private readonly server = createServer((request, response) => void this.handle(request, response));
  private readonly sockets = trackSockets(this.server, { noDelay: true });
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    readonly kind: LocalServerKind,
    private readonly options: FakeLocalServerOptions,
    private port = 0,
  ) {}

  static async start(kind: LocalServerKind, options: FakeLocalServerOptions = {}): Promise<FakeLocalServer> {
    const fake = new FakeLocalServer(kind, options);
    fake.port = await listenOnLoopback(fake.server);
    return fake;
  }

  get listeningPort(): number {
    return this.port;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get models(): readonly string[] {
    return this.options.models ?? defaultModels[this.kind];
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.paths.push(request.url ?? '');
    if (this.options.delayMs !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, this.options.delayMs);
        this.timers.add(timer);
      });
      if (response.destroyed) return;
    }
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const answer = this.answer(request, path);
    response.writeHead(answer.status, { 'content-type': answer.type, 'content-length': Buffer.byteLength(answer.body) });
    response.end(answer.body);
  }

  private answer(request: IncomingMessage, path: string): { status: number; type: string; body: string } {
    const json = (status: number, body: unknown) => ({ status, type: 'application/json', body: JSON.stringify(body) });
    const text = (status: number, body: string) => ({ status, type: 'text/plain; charset=utf-8', body });
    const models = this.models;
    switch (this.kind) {
      case 'ollama':
        if (path === '/api/tags') {
          return json(200, {
            models: models.map((name) => ({
              name,
              model: name,
              modified_at: '2026-11-02T10:00:00.000000000Z',
              size: 4_920_753_328,
              digest: 'a'.repeat(64),
              details: { parent_model: '', format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '8.0B', quantization_level: 'Q4_K_M' },
            })),
          });
        }
        if (path === '/api/version') return json(200, { version: '0.12.3' });
        if (path === '/') return text(200, 'Ollama is running');
        return text(404, '404 page not found');
      case 'lmstudio':
        if (path === '/v1/models') return json(200, { data: models.map((id) => ({ id, object: 'model', owned_by: 'organization_owner' })), object: 'list' });
        return json(200, { error: `Unexpected endpoint or method. (${request.method ?? 'GET'} ${path})` });
      case 'llamacpp':
        if (path === '/health') return json(200, { status: 'ok' });
        if (path === '/v1/models' || path === '/models') {
          return json(200, {
            models: models.map((name) => ({
              name,
              model: name,
              modified_at: '',
              size: '',
              digest: '',
              type: 'model',
              description: '',
              tags: [''],
              capabilities: ['completion'],
              parameters: '',
              details: { parent_model: '', format: 'gguf', family: '', families: [''], parameter_size: '', quantization_level: '' },
            })),
            object: 'list',
            data: models.map((id) => ({
              id,
              object: 'model',
              created,
              owned_by: 'llamacpp',
              meta: { vocab_type: 2, n_vocab: 151_936, n_ctx_train: 40_960, n_embd: 4096, n_params: 8_190_735_360, size: 5_025_165_312 },
            })),
          });
        }
        if (path === '/props') {
          return json(200, {
            default_generation_settings: {
              id: 0,
              id_task: -1,
              n_ctx: 4096,
              speculative: false,
              is_processing: false,
              params: { n_predict: -1, temperature: 0.8 },
            },
            total_slots: 1,
            model_path: `/models/${models[0] ?? 'model'}.gguf`,
            modalities: { vision: false, audio: false },
            chat_template: '{{ messages }}',
            bos_token: '<s>',
            eos_token: '</s>',
            build_info: 'b6000-0123abcd',
          });
        }
        return json(404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
      case 'localai':
        if (path === '/readyz' || path === '/healthz') return text(200, '');
        if (path === '/v1/models' || path === '/models') return json(200, { object: 'list', data: models.map((id) => ({ id, object: 'model' })) });
        return json(404, { message: 'Not Found' });
      case 'vllm':
        if (path === '/health') return text(200, '');
        if (path === '/version') return json(200, { version: '0.9.1' });
        if (path === '/v1/models') {
          return json(200, {
            object: 'list',
            data: models.map((id) => ({
              id,
              object: 'model',
              created,
              owned_by: 'vllm',
              root: id,
              parent: null,
              max_model_len: 32_768,
              permission: [
                {
                  id: 'modelperm-0',
                  object: 'model_permission',
                  created,
                  allow_create_engine: false,
                  allow_sampling: true,
                  allow_logprobs: true,
                  allow_search_indices: false,
                  allow_view: true,
                  allow_fine_tuning: false,
                  organization: '*',
                  group: null,
                  is_blocking: false,
                },
              ],
            })),
          });
        }
        return json(404, { detail: 'Not Found' });
      case 'jan': {
        const key = this.options.apiKey ?? 'jan-secret-key';
        if (key !== '') {
          const authorization = request.headers.authorization;
          if (authorization === undefined) return text(401, 'Missing authorization header');
          if (authorization !== `Bearer ${key}`) return text(401, 'Invalid or missing authorization token');
        }
        if (path === '/v1/models') return json(200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created, owned_by: 'user' })) });
        return text(404, 'Not Found');
      }
      case 'garbage':
        // a web app on the port: 200 for every path, HTML or JSON of some other shape
        if (path.endsWith('/models') || path === '/api/tags') return json(200, { data: 'not a list', models: 7 });
        return { status: 200, type: 'text/html', body: '<!doctype html><title>My dev server</title>' };
    }
  }
}

const defaultModels: Record<LocalServerKind, readonly string[]> = {
  ollama: ['llama3.2:3b', 'qwen3:8b'],
  lmstudio: ['qwen/qwen3-8b', 'google/gemma-3-12b', 'text-embedding-nomic-embed-text-v1.5'],
  llamacpp: ['Qwen3-8B-Q4_K_M.gguf'],
  localai: ['gpt-4', 'whisper-1', 'stablediffusion'],
  vllm: ['meta-llama/Llama-3.1-8B-Instruct'],
  jan: ['jan-v1-4b'],
  garbage: [],
};
