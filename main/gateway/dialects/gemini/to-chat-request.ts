// A Gemini generateContent request → the canonical OpenAI ChatRequest every adapter takes. systemInstruction becomes
// a system message, functionDeclarations tools (their OpenAPI-subset schemas made JSON Schema), toolConfig
// tool_choice, generationConfig the sampling fields and response_format, thinkingConfig reasoning_effort. What only
// Gemini can do (built-in tools such as googleSearch, cached contents, files by URI, image or audio output) is listed
// in `unsupported`, so the handler keeps the request on Gemini targets or refuses it with a 400 that says why.
import { append } from '../../../../shared/append.js';
import type { ChatRequest, ToolDefinition } from '../../../../shared/openai-types.js';
import { toChatMessages, type Unsupported } from './convert-contents.js';
import { isRecord, toJsonSchema } from './convert-schema.js';
import type { FunctionDeclaration, GenerateContentRequest, GenerationConfig, InboundPart } from './request-schema.js';

export interface TranslatedRequest {
  readonly request: ChatRequest;
  readonly unsupported: readonly Unsupported[];
}

export function toChatRequest(inbound: GenerateContentRequest, model: string, stream: boolean): TranslatedRequest {
  const unsupported: Unsupported[] = [];
  const messages: ChatRequest['messages'] = [];
  const system = systemText(inbound.systemInstruction);
  if (system !== '') messages.push({ role: 'system', content: system });
  append(messages, toChatMessages(inbound.contents, unsupported));
  const request: ChatRequest = { model, messages };
  if (stream) request.stream = true;

  const tools: ToolDefinition[] = [];
  (inbound.tools ?? []).forEach((tool, index) => {
    for (const declaration of tool.functionDeclarations ?? []) tools.push(toTool(declaration));
    for (const key of Object.keys(tool))
      if (key !== 'functionDeclarations') unsupported.push({ param: `tools[${index}].${key}`, what: `Gemini's built-in ${key} tool` });
  });
  if (tools.length > 0) {
    request.tools = tools;
    const choice = toolChoice(inbound.toolConfig?.functionCallingConfig);
    if (choice !== undefined) request.tool_choice = choice;
  }
  if (inbound.cachedContent !== undefined) unsupported.push({ param: 'cachedContent', what: 'a Gemini cached content' });
  Object.assign(request, generationSettings(inbound.generationConfig ?? {}, unsupported));
  return { request, unsupported };
}

function systemText(instruction: GenerateContentRequest['systemInstruction']): string {
  if (instruction === undefined) return '';
  if (typeof instruction === 'string') return instruction;
  return instruction.parts
    .map((part: InboundPart) => part.text)
    .filter((text): text is string => typeof text === 'string' && text !== '')
    .join('\n');
}

function toTool(declaration: FunctionDeclaration): ToolDefinition {
  // Gemini CLI writes OpenAPI-style types ("OBJECT") even in parametersJsonSchema; lower-casing is harmless to JSON Schema
  const schema = isRecord(declaration.parametersJsonSchema) ? declaration.parametersJsonSchema : declaration.parameters;
  const parameters = schema ? toJsonSchema(schema) : { type: 'object', properties: {} };
  const tool: ToolDefinition = { type: 'function', function: { name: declaration.name, parameters } };
  if (declaration.description) tool.function.description = declaration.description;
  return tool;
}

function toolChoice(config: { mode?: string | undefined; allowedFunctionNames?: string[] | undefined } | undefined): ChatRequest['tool_choice'] {
  const mode = config?.mode?.toUpperCase();
  if (mode === 'NONE') return 'none';
  if (mode === 'ANY') {
    const [only, ...more] = config?.allowedFunctionNames ?? [];
    return only !== undefined && more.length === 0 ? { type: 'function', function: { name: only } } : 'required';
  }
  if (mode === 'AUTO' || mode === 'VALIDATED') return 'auto';
  return undefined;
}

function generationSettings(config: GenerationConfig, unsupported: Unsupported[]): Partial<ChatRequest> {
  const settings: Partial<ChatRequest> = {};
  if (config.temperature !== undefined) settings.temperature = config.temperature;
  if (config.topP !== undefined) settings.top_p = config.topP;
  if (config.topK !== undefined) settings['top_k'] = config.topK;
  if (config.maxOutputTokens !== undefined) settings.max_tokens = config.maxOutputTokens;
  if ((config.stopSequences?.length ?? 0) > 0) settings.stop = config.stopSequences ?? null;
  if (config.candidateCount !== undefined && config.candidateCount > 1) settings.n = config.candidateCount;
  if (config.seed !== undefined) settings.seed = config.seed;
  if (config.presencePenalty !== undefined) settings.presence_penalty = config.presencePenalty;
  if (config.frequencyPenalty !== undefined) settings.frequency_penalty = config.frequencyPenalty;
  const format = responseFormat(config);
  if (format) settings.response_format = format;
  const effort = reasoningEffort(config.thinkingConfig);
  if (effort) settings.reasoning_effort = effort;
  const modalities = (config.responseModalities ?? []).filter((modality) => modality.toUpperCase() !== 'TEXT');
  if (modalities.length > 0) unsupported.push({ param: 'generationConfig.responseModalities', what: `${modalities.join(', ')} output` });
  return settings;
}

function responseFormat(config: GenerationConfig): ChatRequest['response_format'] {
  if (config.responseMimeType !== 'application/json') return undefined;
  const given = isRecord(config.responseJsonSchema) ? config.responseJsonSchema : config.responseSchema;
  const schema = given ? toJsonSchema(given) : undefined;
  return schema ? { type: 'json_schema', json_schema: { name: 'response', schema } } : { type: 'json_object' };
}

/**
 * APPROXIMATION: Gemini's thinking budget (tokens) becomes an effort level with the buckets Google's own
 * OpenAI-compatible endpoint uses the other way (1,024 / 8,192 / 24,576): up to 1,024 "low", up to 8,192 "medium",
 * more "high"; -1 (dynamic) is "medium". A budget of 0 (thinking off) asks for no reasoning at all: "none" is
 * refused by most models that do not think, and those are the targets such a request usually goes to. A thinking
 * level maps by name.
 */
export function reasoningEffort(thinking: GenerationConfig['thinkingConfig']): string | undefined {
  if (!thinking) return undefined;
  const level = thinking.thinkingLevel?.toLowerCase();
  if (level === 'minimal' || level === 'low' || level === 'medium' || level === 'high') return level;
  const budget = thinking.thinkingBudget;
  if (budget === undefined) return thinking.includeThoughts === true ? 'medium' : undefined;
  if (budget === 0) return undefined;
  if (budget === -1) return 'medium';
  return budget <= 1_024 ? 'low' : budget <= 8_192 ? 'medium' : 'high';
}
