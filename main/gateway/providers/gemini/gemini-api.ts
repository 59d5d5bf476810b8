// The Gemini API's wire format (generativelanguage.googleapis.com, v1beta): generateContent, streamGenerateContent,
// models.list/get and batchEmbedContents, after ai.google.dev/api and the js-genai SDK's types. Responses are parsed
// with these zod schemas at the edge; requests we build ourselves, so they are plain types. JSON keys are camelCase.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------
// Requests

export interface GeminiFunctionCall {
  /** present on newer models; echoed back on the matching functionResponse */
  id?: string;
  name: string;
  args: Record<string, unknown>;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  /** opaque, base64; must come back on the same part in later turns */
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType?: string; fileUri: string };
  functionCall?: GeminiFunctionCall;
  functionResponse?: { id?: string; name: string; response: Record<string, unknown> };
}

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  /** plain JSON Schema; mutually exclusive with the older OpenAPI-subset `parameters` */
  parametersJsonSchema?: Record<string, unknown>;
}

export type GeminiFunctionCallingMode = 'AUTO' | 'ANY' | 'NONE';

export type GeminiThinkingLevel = 'minimal' | 'low' | 'medium' | 'high';

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  /** Gemini 2.5: tokens (0 off, -1 dynamic); never sent together with thinkingLevel (a 400) */
  thinkingBudget?: number;
  /** Gemini 3 and later */
  thinkingLevel?: GeminiThinkingLevel;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseMimeType?: string;
  /** plain JSON Schema; mutually exclusive with the OpenAPI-subset `responseSchema` */
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiGenerateRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<{ functionDeclarations: GeminiFunctionDeclaration[] }>;
  toolConfig?: { functionCallingConfig: { mode: GeminiFunctionCallingMode; allowedFunctionNames?: string[] } };
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiBatchEmbedRequest {
  requests: Array<{ model: string; content: { parts: Array<{ text: string }> }; outputDimensionality?: number }>;
}

// ---------------------------------------------------------------------------------------------------------
// Responses

const count = z.number().int().nonnegative().optional();

export const geminiPartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({
      id: z.string().optional(),
      name: z.string(),
      args: z.record(z.string(), z.unknown()).nullish(),
    })
    .optional(),
});
export type GeminiResponsePart = z.infer<typeof geminiPartSchema>;

export const geminiCandidateSchema = z.looseObject({
  content: z.looseObject({ role: z.string().optional(), parts: z.array(geminiPartSchema).nullish() }).nullish(),
  /** absent until the candidate is finished; its presence ends a stream */
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  index: z.number().int().nonnegative().optional(),
});
export type GeminiCandidate = z.infer<typeof geminiCandidateSchema>;

export const geminiUsageSchema = z.looseObject({
  /** the whole prompt, cached tokens included */
  promptTokenCount: count,
  cachedContentTokenCount: count,
  /** visible output only: thinking is counted apart, in thoughtsTokenCount */
  candidatesTokenCount: count,
  thoughtsTokenCount: count,
  /** results of built-in tools (search, code execution) fed back as input */
  toolUsePromptTokenCount: count,
  totalTokenCount: count,
});
export type GeminiUsage = z.infer<typeof geminiUsageSchema>;

/** One generateContent body, or one `data:` frame of streamGenerateContent?alt=sse. */
export const geminiResponseSchema = z.looseObject({
  candidates: z.array(geminiCandidateSchema).nullish(),
  /** a blocked prompt has this and no candidates */
  promptFeedback: z.looseObject({ blockReason: z.string().optional(), blockReasonMessage: z.string().optional() }).nullish(),
  usageMetadata: geminiUsageSchema.nullish(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});
export type GeminiResponse = z.infer<typeof geminiResponseSchema>;

/** google.rpc.Status as JSON: every error body, and the error frame inside a stream. */
export const googleStatusSchema = z.looseObject({
  code: z.number().int().optional(),
  message: z.string().optional(),
  status: z.string().optional(),
  details: z.array(z.unknown()).optional(),
});
export type GoogleStatus = z.infer<typeof googleStatusSchema>;

export const geminiModelSchema = z.looseObject({
  /** "models/gemini-2.5-flash" */
  name: z.string(),
  displayName: z.string().optional(),
  inputTokenLimit: z.number().int().optional(),
  outputTokenLimit: z.number().int().optional(),
  /** "generateContent", "countTokens", "embedContent", "batchEmbedContents", … */
  supportedGenerationMethods: z.array(z.string()).optional(),
  thinking: z.boolean().optional(),
});
export type GeminiModel = z.infer<typeof geminiModelSchema>;

export const geminiModelListSchema = z.looseObject({
  models: z.array(geminiModelSchema).optional(),
  nextPageToken: z.string().optional(),
});

export const geminiBatchEmbedResponseSchema = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })),
  usageMetadata: z.looseObject({ promptTokenCount: count }).nullish(),
});
export type GeminiBatchEmbedResponse = z.infer<typeof geminiBatchEmbedResponseSchema>;
