// OpenAI embeddings ↔ Ollama's POST /api/embed. Ollama embeds text only (token-id input is refused up front) and
// always answers with float arrays; `encoding_format: "base64"` is produced here as OpenAI does it (float32,
// little-endian). Token usage comes from prompt_eval_count.
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../shared/openai-types.js';
import { badRequest } from './convert-messages.js';
import type { OllamaEmbedResponse } from './ollama-api.js';

export interface OllamaEmbedRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  truncate?: boolean;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

export function toOllamaEmbedRequest(request: EmbeddingsRequest, upstreamModel: string, providerId: string): OllamaEmbedRequest {
  const input = request.input;
  const isText = typeof input === 'string' || (Array.isArray(input) && input.every((item) => typeof item === 'string'));
  if (!isText) throw badRequest(providerId, 'Ollama embeds text only: send input as a string or an array of strings, not token ids', 'input');
  const body: OllamaEmbedRequest = { model: upstreamModel, input: input as string | string[] };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  // Ollama's own fields, for clients that know them
  if (typeof request['truncate'] === 'boolean') body.truncate = request['truncate'];
  const keepAlive = request['keep_alive'];
  if (typeof keepAlive === 'string' || typeof keepAlive === 'number') body.keep_alive = keepAlive;
  const options = request['options'];
  if (typeof options === 'object' && options !== null && !Array.isArray(options)) body.options = options as Record<string, unknown>;
  return body;
}

export function toEmbeddingsResponse(
  response: OllamaEmbedResponse,
  upstreamModel: string,
  encodingFormat: EmbeddingsRequest['encoding_format'],
): EmbeddingsResponse {
  const promptTokens = response.prompt_eval_count ?? 0;
  return {
    object: 'list',
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: encodingFormat === 'base64' ? toBase64Floats(vector) : vector,
    })),
    model: upstreamModel,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function toBase64Floats(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  // Float32Array uses the platform's byte order; every platform Node ships on is little-endian, as OpenAI's format is
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
