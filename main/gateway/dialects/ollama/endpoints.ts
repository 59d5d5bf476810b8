// The Ollama family's endpoints (/api/* and `/`), every one with Ollama's error shape and its tokenless rule
// (access.ts), and the family that gives every unknown path under /api/ Ollama's 404. The OpenAI-compatible paths
// Ollama also serves stay OpenAI's; on the surface's own listener they take tokenless requests too (Copilot chats
// through /v1/chat/completions with an empty Bearer). The handlers' modules load on their first request
// (lazy-handler.ts).
import { lazyHandler, lazyModule } from '../../http/lazy-handler.js';
import type { Endpoint, Family } from '../../http/route-table.js';
import { ollamaAnonymous, ownListenerAnonymous } from './access.js';
import { sendOllamaError } from './ollama-errors.js';

const chat = lazyModule(() => import('./chat.js'));
const embed = lazyModule(() => import('./embed.js'));
const models = lazyModule(() => import('./models.js'));
const handleRoot = lazyHandler(models, (module) => module.handleRoot);
const handleVersion = lazyHandler(models, (module) => module.handleVersion);
const handleTags = lazyHandler(models, (module) => module.handleTags);
const handleModelStore = lazyHandler(models, (module) => module.handleModelStore);

const surface = { sendError: sendOllamaError, anonymous: ollamaAnonymous } as const;

export const ollamaEndpoints: readonly Endpoint[] = [
  { path: '/', methods: { GET: handleRoot, HEAD: handleRoot }, ...surface },
  { path: '/api/version', methods: { GET: handleVersion, HEAD: handleVersion }, ...surface },
  { path: '/api/tags', methods: { GET: handleTags, HEAD: handleTags }, ...surface },
  { path: '/api/ps', methods: { GET: lazyHandler(models, (module) => module.handlePs) }, ...surface },
  { path: '/api/show', methods: { POST: lazyHandler(models, (module) => module.handleShow) }, ...surface },
  { path: '/api/chat', methods: { POST: lazyHandler(chat, (module) => module.handleOllamaChat) }, ...surface },
  { path: '/api/generate', methods: { POST: lazyHandler(chat, (module) => module.handleOllamaGenerate) }, ...surface },
  { path: '/api/embed', methods: { POST: lazyHandler(embed, (module) => module.handleOllamaEmbed) }, ...surface },
  { path: '/api/embeddings', methods: { POST: lazyHandler(embed, (module) => module.handleOllamaLegacyEmbeddings) }, ...surface },
  ...['/api/pull', '/api/push', '/api/create', '/api/copy'].map((path): Endpoint => ({ path, methods: { POST: handleModelStore }, ...surface })),
  { path: '/api/delete', methods: { DELETE: handleModelStore }, ...surface },
  { path: '/api/blobs/{digest}', methods: { HEAD: handleModelStore, POST: handleModelStore }, ...surface },
];

export const ollamaFamily: Family = { prefix: '/api/', sendError: sendOllamaError };

/** The OpenAI paths a real Ollama serves too; on the surface's own listener they accept tokenless requests. */
export const ollamaOpenAIPaths: ReadonlySet<string> = new Set(['/chat/completions', '/embeddings', '/models', '/models/{id*}']);

/** OpenAI's endpoints as the route table holds them, those Ollama also serves open to the own listener's clients. */
export function withOwnListenerAccess(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.map((endpoint) =>
    ollamaOpenAIPaths.has(endpoint.path) && !endpoint.anonymous ? { ...endpoint, anonymous: ownListenerAnonymous } : endpoint,
  );
}
