// The response cache's key: a digest of the canonical request as it would go upstream — the endpoint (its path and
// the stream form it asked for), the route, the model, messages, tools and sampling fields — and, for a dialect whose
// own body travels as written, that body and its dialect headers, since those shape the answer too. The client's
// token name is the namespace and is kept beside the key, so one client never gets another's answer.
import { createHash } from 'node:crypto';
import type { ChatRequest, EmbeddingsRequest } from '../../../shared/openai-types.js';
import type { NativeRequest } from '../providers/types.js';

export interface KeyParts {
  /** the endpoint's path (a Gemini path holds the model and the method) */
  readonly path: string;
  /** the answer's form where a query parameter chooses it (Gemini's `alt=sse`) */
  readonly form: string | null;
  readonly route: string | null;
  readonly request: ChatRequest | EmbeddingsRequest;
  readonly native: NativeRequest | undefined;
}

export function cacheKey(parts: KeyParts): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([parts.path, parts.form, parts.route]));
  hash.update('\n');
  hash.update(JSON.stringify(parts.request));
  if (parts.native) {
    hash.update('\n');
    hash.update(JSON.stringify([parts.native.dialect, parts.native.headers, parts.native.body]));
  }
  return hash.digest('base64url');
}

/**
 * Whether an answer to this request may be kept: deterministic requests only (temperature 0), unless the route
 * allows sampled ones. An unset temperature is the provider's default, which samples (1 for OpenAI and Anthropic).
 */
export function deterministic(request: ChatRequest | EmbeddingsRequest): boolean {
  if (!('messages' in request)) return true;
  return request.temperature === 0;
}
