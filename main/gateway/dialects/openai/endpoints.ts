// The OpenAI family's endpoints: chat completions, embeddings, models.
import type { Endpoint } from '../../http/route-table.js';
import { handleChatCompletions } from './chat-completions.js';
import { handleEmbeddings } from './embeddings.js';
import { handleListModels, handleRetrieveModel } from './models.js';

export const openAIEndpoints: readonly Endpoint[] = [
  { path: '/chat/completions', methods: { POST: handleChatCompletions } },
  { path: '/embeddings', methods: { POST: handleEmbeddings } },
  { path: '/models', methods: { GET: handleListModels } },
  { path: '/models/{id*}', methods: { GET: handleRetrieveModel } },
];
