// What Ollama's clients send to /api/chat, /api/generate, /api/embed, /api/embeddings and /api/show (after
// docs/api.md and api/types.go in github.com/ollama/ollama). Loose objects: fields this surface has no use for
// (keep_alive, raw, template, context, truncate) are accepted and ignored, as Ollama ignores unknown ones.
import { z } from 'zod';
import { describeIssue } from '../../../../shared/openai-schema.js';
import { GatewayError } from '../../http/errors.js';

const modelName = z.string().min(1, 'model is required').max(512);
const think = z.union([z.boolean(), z.enum(['low', 'medium', 'high'])]);
const format = z.union([z.literal(''), z.literal('json'), z.record(z.string(), z.unknown())]);
/** Ollama's sampling options; the ones with an OpenAI equivalent are carried over (to-chat-request.ts). */
const options = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  seed: z.number().int().optional(),
  num_predict: z.number().int().optional(),
  stop: z.union([z.string(), z.array(z.string()).max(16)]).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});

export const ollamaToolCallInSchema = z.looseObject({
  id: z.string().optional(),
  function: z.looseObject({
    index: z.number().int().optional(),
    name: z.string().min(1),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
  }),
});

export const ollamaMessageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().nullish(),
  thinking: z.string().nullish(),
  images: z.array(z.string()).max(64).nullish(),
  tool_calls: z.array(ollamaToolCallInSchema).max(128).nullish(),
  tool_name: z.string().optional(),
  tool_call_id: z.string().optional(),
});
export type OllamaInboundMessage = z.infer<typeof ollamaMessageSchema>;

const toolSchema = z.looseObject({
  type: z.literal('function').optional(),
  function: z.looseObject({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/, 'must be 1-128 letters, digits, underscores or dashes'),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

const common = {
  model: modelName,
  stream: z.boolean().nullish(),
  format: format.nullish(),
  options: options.nullish(),
  think: think.nullish(),
  keep_alive: z.union([z.string(), z.number()]).nullish(),
};

export const ollamaChatSchema = z.looseObject({
  ...common,
  messages: z.array(ollamaMessageSchema).nullish(),
  tools: z.array(toolSchema).max(512).nullish(),
});
export type OllamaChatInbound = z.infer<typeof ollamaChatSchema>;

export const ollamaGenerateSchema = z.looseObject({
  ...common,
  prompt: z.string().nullish(),
  suffix: z.string().nullish(),
  system: z.string().nullish(),
  images: z.array(z.string()).max(64).nullish(),
});
export type OllamaGenerateInbound = z.infer<typeof ollamaGenerateSchema>;

export const ollamaEmbedSchema = z.looseObject({
  model: modelName,
  input: z.union([z.string(), z.array(z.string()).max(100_000)]),
  dimensions: z.number().int().positive().optional(),
});

export const ollamaLegacyEmbeddingsSchema = z.looseObject({
  model: modelName,
  prompt: z.string(),
});

/** /api/show takes `model`; older clients send `name`. */
export const ollamaShowSchema = z
  .looseObject({ model: z.string().optional(), name: z.string().optional() })
  .refine((value) => Boolean(value.model ?? value.name), 'model is required');

/** Parses a body with a schema, or a 400 naming the field in Ollama's words. */
export function parseInbound<T>(schema: z.ZodType<T>, value: unknown): T {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  const result = schema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeIssue(result.error);
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param);
  }
  return result.data;
}
