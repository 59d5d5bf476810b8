// The Anthropic family's endpoints: Messages (routed) and count_tokens; errors in Anthropic's shape.
import type { Endpoint, Family } from '../../http/route-table.js';
import { sendAnthropicError } from './anthropic-errors.js';
import { handleCountTokens } from './count-tokens.js';
import { handleMessages } from './messages.js';

export const anthropicEndpoints: readonly Endpoint[] = [
  { path: '/messages', methods: { POST: handleMessages }, sendError: sendAnthropicError },
  { path: '/messages/count_tokens', methods: { POST: handleCountTokens }, sendError: sendAnthropicError },
];

/** Every path under /v1/messages answers in Anthropic's shape, an unknown one (/v1/messages/batches) included. */
export const anthropicFamily: Family = { prefix: '/messages', sendError: sendAnthropicError };
