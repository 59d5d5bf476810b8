// The Anthropic family's endpoints: Messages (routed) and count_tokens; errors in Anthropic's shape. The handlers'
// modules load on their first request (lazy-handler.ts).
import { lazyHandler, lazyModule } from '../../http/lazy-handler.js';
import type { Endpoint, Family } from '../../http/route-table.js';
import { sendAnthropicError } from './anthropic-errors.js';

const messages = lazyModule(() => import('./messages.js'));
const countTokens = lazyModule(() => import('./count-tokens.js'));

export const anthropicEndpoints: readonly Endpoint[] = [
  { path: '/messages', methods: { POST: lazyHandler(messages, (module) => module.handleMessages) }, sendError: sendAnthropicError },
  { path: '/messages/count_tokens', methods: { POST: lazyHandler(countTokens, (module) => module.handleCountTokens) }, sendError: sendAnthropicError },
];

/** Every path under /v1/messages answers in Anthropic's shape, an unknown one (/v1/messages/batches) included. */
export const anthropicFamily: Family = { prefix: '/messages', sendError: sendAnthropicError };
