// zod schemas for what Gemini-dialect clients send (generateContent, streamGenerateContent, countTokens,
// embedContent, batchEmbedContents), after ai.google.dev/api. Objects are loose: the passthrough path forwards what
// we do not know, and parts or tools this gateway cannot translate are reported by the translation, not here. JSON
// keys are camelCase, as Google's SDKs send them.
import { z } from 'zod';

const blob = z.looseObject({ mimeType: z.string().min(1), data: z.string() });

export const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  /** opaque; must come back on the same part in later turns */
  thoughtSignature: z.string().optional(),
  inlineData: blob.optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string().min(1) }).optional(),
  functionCall: z
    .looseObject({
      id: z.string().optional(),
      name: z.string().min(1),
      args: z.record(z.string(), z.unknown()).nullish(),
    })
    .optional(),
  functionResponse: z
    .looseObject({
      id: z.string().optional(),
      name: z.string().min(1),
      response: z.record(z.string(), z.unknown()).nullish(),
      /** Gemini 3: media a function returned */
      parts: z.array(z.looseObject({ inlineData: blob.optional() })).optional(),
    })
    .optional(),
});
export type InboundPart = z.infer<typeof partSchema>;

export const contentSchema = z.looseObject({
  /** 'function' is the v1beta-era role of function responses; absent means user */
  role: z.enum(['user', 'model', 'function']).optional(),
  parts: z.array(partSchema).default([]),
});
export type InboundContent = z.infer<typeof contentSchema>;

const declarationSchema = z.looseObject({
  name: z.string().min(1).max(128),
  description: z.string().optional(),
  /** the OpenAPI subset (type: "OBJECT", nullable, …) */
  parameters: z.record(z.string(), z.unknown()).optional(),
  /** plain JSON Schema, exclusive with `parameters` */
  parametersJsonSchema: z.unknown().optional(),
});
export type FunctionDeclaration = z.infer<typeof declarationSchema>;

const toolSchema = z.looseObject({ functionDeclarations: z.array(declarationSchema).optional() });
export type InboundTool = z.infer<typeof toolSchema>;

const thinkingConfigSchema = z.looseObject({
  includeThoughts: z.boolean().optional(),
  /** tokens; 0 off, -1 dynamic */
  thinkingBudget: z.number().int().min(-1).optional(),
  /** MINIMAL, LOW, MEDIUM, HIGH (the REST enum; the SDKs also send lower case) */
  thinkingLevel: z.string().optional(),
});

export const generationConfigSchema = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().min(0).max(1).optional(),
  topK: z.number().int().positive().optional(),
  candidateCount: z.number().int().min(1).max(8).optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  stopSequences: z.array(z.string()).max(16).optional(),
  presencePenalty: z.number().min(-2).max(2).optional(),
  frequencyPenalty: z.number().min(-2).max(2).optional(),
  seed: z.number().int().optional(),
  responseMimeType: z.string().optional(),
  responseSchema: z.record(z.string(), z.unknown()).optional(),
  responseJsonSchema: z.unknown().optional(),
  responseModalities: z.array(z.string()).optional(),
  thinkingConfig: thinkingConfigSchema.optional(),
});
export type GenerationConfig = z.infer<typeof generationConfigSchema>;

const systemInstructionSchema = z.union([z.string(), z.looseObject({ role: z.string().optional(), parts: z.array(partSchema).default([]) })]);

export const generateContentRequestSchema = z.looseObject({
  contents: z.array(contentSchema).min(1),
  systemInstruction: systemInstructionSchema.optional(),
  tools: z.array(toolSchema).optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z.looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() }).optional(),
    })
    .optional(),
  generationConfig: generationConfigSchema.optional(),
  safetySettings: z.array(z.unknown()).optional(),
  cachedContent: z.string().optional(),
});
export type GenerateContentRequest = z.infer<typeof generateContentRequestSchema>;

/** countTokens takes `contents`, or a whole `generateContentRequest` (then its model field is ignored here). */
export const countTokensRequestSchema = z.looseObject({
  contents: z.array(contentSchema).optional(),
  generateContentRequest: generateContentRequestSchema.optional(),
});

const embedTextSchema = z.looseObject({
  model: z.string().optional(),
  content: z.looseObject({ parts: z.array(partSchema).min(1) }),
  taskType: z.string().optional(),
  title: z.string().optional(),
  outputDimensionality: z.number().int().positive().optional(),
});
export type EmbedContentRequest = z.infer<typeof embedTextSchema>;

export const embedContentRequestSchema = embedTextSchema;

export const batchEmbedContentsRequestSchema = z.looseObject({
  requests: z.array(embedTextSchema).min(1).max(2048),
});
