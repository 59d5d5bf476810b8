// The OpenAI family's endpoints: chat completions, Responses (and its stored responses), embeddings, models. Each
// handler's module loads on its first request (lazy-handler.ts), so a surface nobody calls costs nothing at start.
import { lazyHandler, lazyModule } from '../../http/lazy-handler.js';
import type { Endpoint } from '../../http/route-table.js';

const chat = lazyModule(() => import('./chat-completions.js'));
const embeddings = lazyModule(() => import('./embeddings.js'));
const models = lazyModule(() => import('./models.js'));
const create = lazyModule(() => import('./responses/create.js'));
const stored = lazyModule(() => import('./responses/stored.js'));

const listModels = lazyHandler(models, (module) => module.handleListModels);
const retrieveModel = lazyHandler(models, (module) => module.handleRetrieveModel);

export const openAIEndpoints: readonly Endpoint[] = [
  { path: '/chat/completions', methods: { POST: lazyHandler(chat, (module) => module.handleChatCompletions) } },
  { path: '/responses', methods: { POST: lazyHandler(create, (module) => module.handleCreateResponse) } },
  {
    path: '/responses/{id}',
    methods: { GET: lazyHandler(stored, (module) => module.handleRetrieveResponse), DELETE: lazyHandler(stored, (module) => module.handleDeleteResponse) },
  },
  { path: '/responses/{id}/input_items', methods: { GET: lazyHandler(stored, (module) => module.handleListInputItems) } },
  { path: '/embeddings', methods: { POST: lazyHandler(embeddings, (module) => module.handleEmbeddings) } },
  { path: '/models', methods: { GET: listModels, HEAD: listModels } },
  { path: '/models/{id*}', methods: { GET: retrieveModel, HEAD: retrieveModel } },
];
