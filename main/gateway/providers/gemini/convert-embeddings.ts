// OpenAI embeddings ↔ Gemini's batchEmbedContents. Gemini embeds text only (token-id input is refused up front),
// takes at most 100 requests per batch (so larger inputs go in several), and answers with float arrays;
// `encoding_format: "base64"` is produced here the way OpenAI does it (float32, little-endian).
import type { EmbeddingsRequest, EmbeddingsResponse } from '../../../../shared/openai-types.js';
import type { GeminiBatchEmbedRequest, GeminiBatchEmbedResponse } from './gemini-api.js';
import { badRequest } from './gemini-error.js';

/** Google's limit: "BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch". */
export const maxBatchSize = 100;

export function embeddingInputs(request: EmbeddingsRequest, providerId: string): string[] {
  const input = request.input;
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.every((item): item is string => typeof item === 'string')) return input;
  throw badRequest(providerId, 'Gemini embeds text only: send input as a string or an array of strings, not token ids', 'input');
}

/** The batches for `texts`, each at most maxBatchSize long. `model` is the bare name (gemini-embedding-001). */
export function toBatchEmbedRequests(texts: readonly string[], model: string, dimensions: number | undefined): GeminiBatchEmbedRequest[] {
  const batches: GeminiBatchEmbedRequest[] = [];
  for (let start = 0; start < texts.length; start += maxBatchSize) {
    batches.push({
      requests: texts.slice(start, start + maxBatchSize).map((text) => ({
        model: `models/${model}`,
        content: { parts: [{ text }] },
        ...(dimensions !== undefined ? { outputDimensionality: dimensions } : {}),
      })),
    });
  }
  return batches;
}

export function toEmbeddingsResponse(
  texts: readonly string[],
  batches: readonly GeminiBatchEmbedResponse[],
  upstreamModel: string,
  encodingFormat: EmbeddingsRequest['encoding_format'],
): EmbeddingsResponse {
  const vectors = batches.flatMap((batch) => batch.embeddings.map((embedding) => embedding.values));
  const reported = batches.map((batch) => batch.usageMetadata?.promptTokenCount);
  // ESTIMATE: batchEmbedContents reports no token counts, and a countTokens call per batch would cost a round trip
  // and quota, so usage is four characters a token unless Gemini did report it (EmbeddingsResponse has no field to
  // flag an estimate; embedding tokens are cheap enough that the ledger's figure is a close-enough guide)
  const exact = reported.every((value): value is number => typeof value === 'number');
  const promptTokens = exact ? reported.reduce((sum, value) => sum + value, 0) : texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
  return {
    object: 'list',
    data: vectors.map((vector, index) => ({ object: 'embedding', index, embedding: encodingFormat === 'base64' ? toBase64Floats(vector) : vector })),
    model: upstreamModel,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

function toBase64Floats(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  // Float32Array uses the platform's byte order; every platform Node ships on is little-endian, as OpenAI's format is
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}
