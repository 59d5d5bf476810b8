// An OpenAI chat request → the body of Gemini's generateContent / streamGenerateContent. Sampling settings go into
// generationConfig, tools into functionDeclarations with their JSON Schema as `parametersJsonSchema` (the API takes
// plain JSON Schema there, so schemas are not rewritten into the OpenAPI subset), tool_choice into toolConfig, the
// response format into responseMimeType + responseJsonSchema, and reasoning_effort into thinkingConfig.
import type { ChatRequest } from '../../../../shared/openai-types.js';
import { toGeminiPrompt } from './convert-messages.js';
import type { GeminiFunctionDeclaration, GeminiGenerateRequest, GeminiGenerationConfig, GeminiThinkingConfig, GeminiThinkingLevel } from './gemini-api.js';

export function toGeminiRequest(request: ChatRequest, upstreamModel: string, providerId: string): GeminiGenerateRequest {
  const body: GeminiGenerateRequest = toGeminiPrompt(request.messages, upstreamModel, providerId);
  const tools = request.tools ?? [];
  if (tools.length > 0) {
    body.tools = [{ functionDeclarations: tools.map((tool) => declaration(tool.function)) }];
    const toolConfig = toToolConfig(request.tool_choice);
    if (toolConfig) body.toolConfig = toolConfig;
  }
  const generationConfig = toGenerationConfig(request, upstreamModel);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;
  return body;
}

function declaration(tool: { name: string; description?: string | undefined; parameters?: Record<string, unknown> | undefined }): GeminiFunctionDeclaration {
  const parameters = tool.parameters ? withoutSchemaUri(tool.parameters) : undefined;
  return {
    name: tool.name,
    ...(tool.description ? { description: tool.description } : {}),
    ...(parameters && Object.keys(parameters).length > 0 ? { parametersJsonSchema: parameters } : {}),
  };
}

/** `$schema` names a dialect, not a constraint; Gemini reads a subset of JSON Schema and has no use for it. */
function withoutSchemaUri(schema: Record<string, unknown>): Record<string, unknown> {
  if (!('$schema' in schema)) return schema;
  const { $schema: _dialect, ...rest } = schema;
  return rest;
}

function toToolConfig(choice: ChatRequest['tool_choice']): GeminiGenerateRequest['toolConfig'] {
  if (choice === undefined) return undefined;
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.function.name] } };
}

function toGenerationConfig(request: ChatRequest, upstreamModel: string): GeminiGenerationConfig {
  const config: GeminiGenerationConfig = {};
  if (typeof request.temperature === 'number') config.temperature = request.temperature;
  if (typeof request.top_p === 'number') config.topP = request.top_p;
  const topK = request['top_k'];
  if (typeof topK === 'number' && Number.isInteger(topK) && topK > 0) config.topK = topK;
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (typeof maxTokens === 'number') config.maxOutputTokens = maxTokens;
  if (typeof request.stop === 'string') config.stopSequences = [request.stop];
  else if (Array.isArray(request.stop) && request.stop.length > 0) config.stopSequences = [...request.stop];
  if (typeof request.n === 'number') config.candidateCount = request.n;
  if (typeof request.seed === 'number') config.seed = request.seed;
  if (typeof request.presence_penalty === 'number') config.presencePenalty = request.presence_penalty;
  if (typeof request.frequency_penalty === 'number') config.frequencyPenalty = request.frequency_penalty;
  const format = request.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema) config.responseJsonSchema = withoutSchemaUri(format.json_schema.schema);
  }
  const thinking = toThinkingConfig(request.reasoning_effort, upstreamModel);
  if (thinking) config.thinkingConfig = thinking;
  return config;
}

/**
 * reasoning_effort → thinkingConfig, with thought summaries on so they come back as reasoning_content.
 * Gemini 3 and later take a level (and cannot switch thinking off: "none" is their lowest level, "low"; "minimal"
 * is refused by several models, so it is "low" too; Pro models know only low and high). Gemini 2.5 takes a token
 * budget: Google's OpenAI-compatible endpoint maps low/medium/high to 1024/8192/24576 and "none" to 0, which
 * 2.5 Pro refuses (it always thinks), so there "none" is its smallest budget, 128.
 */
export function toThinkingConfig(effort: string | undefined, upstreamModel: string): GeminiThinkingConfig | undefined {
  if (effort === undefined) return undefined;
  const model = upstreamModel.replace(/^models\//, '');
  const generation = Number(/^gemini-(\d+)/.exec(model)?.[1] ?? Number.NaN);
  if (generation >= 3) {
    const pro = /-pro\b/.test(model);
    const levels: Record<string, GeminiThinkingLevel> = {
      none: 'low',
      minimal: 'low',
      low: 'low',
      medium: pro ? 'high' : 'medium',
      high: 'high',
      xhigh: 'high',
    };
    return { thinkingLevel: levels[effort] ?? 'high', includeThoughts: effort !== 'none' };
  }
  if (effort === 'none') return { thinkingBudget: /^gemini-2\.5-pro/.test(model) ? 128 : 0 };
  const budgets: Record<string, number> = { minimal: 1024, low: 1024, medium: 8192, high: 24576, xhigh: 24576 };
  return { thinkingBudget: budgets[effort] ?? 8192, includeThoughts: true };
}
