// The Ollama family's endpoints (/api/* and `/`), every one with Ollama's error shape and its tokenless rule
// (access.ts), and the family that gives every unknown path under /api/ Ollama's 404. The OpenAI-compatible paths
// Ollama also serves stay OpenAI's; on the surface's own listener they take tokenless requests too (Copilot chats
// through /v1/chat/completions with an empty Bearer).
import type { Endpoint, Family } from '../../http/route-table.js';
import { ollamaAnonymous, ownListenerAnonymous } from './access.js';
import { handleOllamaChat, handleOllamaGenerate } from './chat.js';
import { handleOllamaEmbed, handleOllamaLegacyEmbeddings } from './embed.js';
import { handleModelStore, handlePs, handleRoot, handleShow, handleTags, handleVersion } from './models.js';
import { sendOllamaError } from './ollama-errors.js';

const surface = { sendError: sendOllamaError, anonymous: ollamaAnonymous } as const;

export const ollamaEndpoints: readonly Endpoint[] = [
  { path: '/', methods: { GET: handleRoot, HEAD: handleRoot }, ...surface },
  { path: '/api/version', methods: { GET: handleVersion, HEAD: handleVersion }, ...surface },
  { path: '/api/tags', methods: { GET: handleTags, HEAD: handleTags }, ...surface },
  { path: '/api/ps', methods: { GET: handlePs }, ...surface },
  { path: '/api/show', methods: { POST: handleShow }, ...surface },
  { path: '/api/chat', methods: { POST: handleOllamaChat }, ...surface },
  { path: '/api/generate', methods: { POST: handleOllamaGenerate }, ...surface },
  { path: '/api/embed', methods: { POST: handleOllamaEmbed }, ...surface },
  { path: '/api/embeddings', methods: { POST: handleOllamaLegacyEmbeddings }, ...surface },
  ...['/api/pull', '/api/push', '/api/create', '/api/copy'].map((path): Endpoint => ({ path, methods: { POST: handleModelStore }, ...surface })),
  { path: '/api/delete', methods: { DELETE: handleModelStore }, ...surface },
  { path: '/api/blobs/{digest}', methods: { HEAD: handleModelStore, POST: handleModelStore }, ...surface },
];

export const ollamaFamily: Family = { prefix: '/api/', sendError: sendOllamaError };

/** The OpenAI paths a real Ollama serves too; on the surface's own listener they accept tokenless requests. */
export const ollamaOpenAIPaths: ReadonlySet<string> = new Set(['/chat/completions', '/embeddings', '/models', '/models/{id*}']);

/** OpenAI's endpoints as the route table holds them, those Ollama also serves open to the own listener's clients. */
export function withOwnListenerAccess(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.map((endpoint) => (ollamaOpenAIPaths.has(endpoint.path) && !endpoint.anonymous ? { ...endpoint, anonymous: ownListenerAnonymous } : endpoint));
}
