// The OpenAI family's endpoints: chat completions, Responses (and its stored responses), embeddings, models.
import type { Endpoint } from '../../http/route-table.js';
import { handleChatCompletions } from './chat-completions.js';
import { handleEmbeddings } from './embeddings.js';
import { handleListModels, handleRetrieveModel } from './models.js';
import { handleCreateResponse } from './responses/create.js';
import { handleDeleteResponse, handleListInputItems, handleRetrieveResponse } from './responses/stored.js';

export const openAIEndpoints: readonly Endpoint[] = [
  { path: '/chat/completions', methods: { POST: handleChatCompletions } },
  { path: '/responses', methods: { POST: handleCreateResponse } },
  { path: '/responses/{id}', methods: { GET: handleRetrieveResponse, DELETE: handleDeleteResponse } },
  { path: '/responses/{id}/input_items', methods: { GET: handleListInputItems } },
  { path: '/embeddings', methods: { POST: handleEmbeddings } },
  { path: '/models', methods: { GET: handleListModels, HEAD: handleListModels } },
  { path: '/models/{id*}', methods: { GET: handleRetrieveModel, HEAD: handleRetrieveModel } },
];
