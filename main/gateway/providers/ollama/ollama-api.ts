// Ollama's native wire format (/api/chat, /api/tags, /api/show, /api/embed), after docs/openapi.yaml and
// api/types.go in github.com/ollama/ollama. Responses are parsed with these schemas at the edge; requests we build
// ourselves, so they are plain types. Durations are nanoseconds; Go's `omitempty` drops zero counters.
import { z } from 'zod';

/** `true`/`false`, or a named level for models that have levels (gpt-oss). */
export type OllamaThink = boolean | 'low' | 'medium' | 'high';

export interface OllamaToolCall {
  id?: string;
  type?: 'function';
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  /** base64 without a `data:` prefix */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** which tool produced a `tool` message: how Ollama's templates pair results with calls */
  tool_name?: string;
  /** kept for servers that pair by id; older Ollama ignores unknown fields (Go's encoding/json) */
  tool_call_id?: string;
}

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: unknown[];
  /** "json", or a JSON schema object for structured outputs */
  format?: 'json' | Record<string, unknown>;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
  think?: OllamaThink;
}

const nanoseconds = z.number().nonnegative().optional();
const count = z.number().int().nonnegative().optional();

export const ollamaToolCallSchema = z.looseObject({
  id: z.string().optional(),
  function: z.looseObject({
    index: z.number().int().optional(),
    name: z.string(),
    // an object on the wire; a string is tolerated from proxies that re-encode it
    arguments: z.union([z.record(z.string(), z.unknown()), z.string()]).nullish(),
  }),
});
export type OllamaResponseToolCall = z.infer<typeof ollamaToolCallSchema>;

/** One NDJSON line of a streamed chat, or the whole body of a non-streamed one. */
export const ollamaChatResponseSchema = z.looseObject({
  model: z.string().optional(),
  created_at: z.string().optional(),
  message: z
    .looseObject({
      role: z.string().optional(),
      content: z.string().nullish(),
      thinking: z.string().nullish(),
      tool_calls: z.array(ollamaToolCallSchema).nullish(),
    })
    .optional(),
  done: z.boolean(),
  done_reason: z.string().optional(),
  total_duration: nanoseconds,
  load_duration: nanoseconds,
  prompt_eval_count: count,
  prompt_eval_duration: nanoseconds,
  eval_count: count,
  eval_duration: nanoseconds,
});
export type OllamaChatResponse = z.infer<typeof ollamaChatResponseSchema>;

/** `{"error":"…"}`: an HTTP error body, or a line inside a stream once the status has been sent. */
export const ollamaErrorSchema = z.looseObject({ error: z.string() });

export const ollamaTagsSchema = z.looseObject({
  models: z.array(z.looseObject({ name: z.string(), model: z.string().optional(), modified_at: z.string().optional() })),
});

export const ollamaShowSchema = z.looseObject({
  /** "completion", "tools", "vision", "thinking", "insert", "embedding"; absent from old Ollama versions */
  capabilities: z.array(z.string()).nullish(),
  /** GGUF metadata: "general.architecture" and "<arch>.context_length" among others */
  model_info: z.record(z.string(), z.unknown()).nullish(),
});

export type OllamaShowResponse = z.infer<typeof ollamaShowSchema>;

export const ollamaEmbedResponseSchema = z.looseObject({
  model: z.string().optional(),
  embeddings: z.array(z.array(z.number())),
  total_duration: nanoseconds,
  load_duration: nanoseconds,
  prompt_eval_count: count,
});
export type OllamaEmbedResponse = z.infer<typeof ollamaEmbedResponseSchema>;
