// An OpenAI chat request → the body of Anthropic's POST /v1/messages. max_tokens is always sent (Anthropic requires
// it); sampling settings are dropped where the model or thinking forbids them rather than earning a 400; a JSON
// response format uses native structured outputs (output_config.format) where the model has them, else a forced
// tool named "json" whose input is the answer (convert-response.ts and convert-stream.ts turn it back into text).
import type { ChatRequest, ToolDefinition } from '../../../../shared/openai-types.js';
import type { AnthropicRequest, AnthropicTool, AnthropicToolChoice } from './anthropic-api.js';
import { badRequest } from './anthropic-error.js';
import { cacheControlOf, toAnthropicMessages } from './chat-to-anthropic-messages.js';
import { resolveThinking } from './convert-thinking.js';
import { claudeModelFacts, type ClaudeModelFacts } from './model-catalog.js';

export const jsonToolName = 'json';

export interface ConvertedRequest {
  readonly body: AnthropicRequest;
  /** the answer comes as a call of the `json` tool and must be turned back into text */
  readonly jsonTool: boolean;
}

export function toAnthropicRequest(request: ChatRequest, upstreamModel: string, providerId: string): ConvertedRequest {
  if (typeof request.n === 'number' && request.n > 1) throw badRequest(providerId, 'Anthropic returns one choice per request: n must be 1', 'n');
  const facts = claudeModelFacts(upstreamModel);
  const { system, messages } = toAnthropicMessages(request.messages, providerId);
  const thinking = resolveThinking(request, facts);
  const body: AnthropicRequest = { model: upstreamModel, max_tokens: thinking.maxTokens, messages };
  if (system !== undefined) body.system = system;
  if (thinking.thinking) body.thinking = thinking.thinking;
  if (thinking.effort) body.output_config = { effort: thinking.effort };
  const thinks = thinking.thinking !== undefined && thinking.thinking.type !== 'disabled';
  Object.assign(body, samplingSettings(request, facts, thinks));
  const stop = typeof request.stop === 'string' ? [request.stop] : (request.stop ?? []);
  if (stop.length > 0) body.stop_sequences = [...stop];
  if (request.user) body.metadata = { user_id: request.user };
  if (request.stream === true) body.stream = true;

  const tools = (request.tools ?? []).map((tool) => toTool(tool, facts));
  const choice = toToolChoice(request, tools.length > 0);
  if (tools.length > 0) body.tools = tools;
  if (choice) body.tool_choice = choice;

  const format = request.response_format;
  if (!format || format.type === 'text') return { body, jsonTool: false };
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  if (schema && facts.structuredOutputs) {
    body.output_config = { ...body.output_config, format: { type: 'json_schema', schema } };
    return { body, jsonTool: false };
  }
  if (tools.some((tool) => tool.name === jsonToolName)) {
    throw badRequest(providerId, `a tool named '${jsonToolName}' clashes with the JSON-output tool this model needs`, 'tools');
  }
  if (schema && schema['type'] !== undefined && schema['type'] !== 'object') {
    throw badRequest(providerId, 'Anthropic can return JSON for an object schema only on this model', 'response_format.json_schema.schema');
  }
  body.tools = [...tools, { name: jsonToolName, description: 'Respond with a JSON object.', input_schema: schema ?? { type: 'object' } }];
  // Forcing a tool is not allowed while thinking; with client tools too, the client's choice stands.
  if (!thinks && tools.length === 0) body.tool_choice = { type: 'tool', name: jsonToolName };
  return { body, jsonTool: true };
}

/** Anthropic takes temperature 0–1; thinking allows only top_p ≥ 0.95; Opus 4.7 and later take none of them. */
function samplingSettings(request: ChatRequest, facts: ClaudeModelFacts, thinks: boolean): Partial<AnthropicRequest> {
  if (!facts.samplingSettings) return {};
  const settings: Partial<AnthropicRequest> = {};
  const topP = request.top_p ?? undefined;
  const topK = request['top_k'];
  if (thinks) {
    if (topP !== undefined && topP >= 0.95) settings.top_p = topP;
    return settings;
  }
  if (typeof request.temperature === 'number') settings.temperature = Math.min(request.temperature, 1);
  if (topP !== undefined && !(facts.oneSamplingSetting && settings.temperature !== undefined)) settings.top_p = topP;
  if (typeof topK === 'number' && Number.isInteger(topK) && topK > 0) settings.top_k = topK;
  return settings;
}

function toTool(tool: ToolDefinition, facts: ClaudeModelFacts): AnthropicTool {
  const converted: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: 'object', properties: {} } };
  if (tool.function.description) converted.description = tool.function.description;
  if (tool.function.strict === true && facts.structuredOutputs) converted.strict = true;
  const cacheControl = cacheControlOf(tool);
  if (cacheControl) converted.cache_control = cacheControl;
  return converted;
}

function toToolChoice(request: ChatRequest, hasTools: boolean): AnthropicToolChoice | undefined {
  if (!hasTools) return undefined;
  const choice = request.tool_choice;
  if (choice === 'none') return { type: 'none' };
  const parallel = request.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
  if (choice === 'required') return { type: 'any', ...parallel };
  if (typeof choice === 'object') return { type: 'tool', name: choice.function.name, ...parallel };
  if (choice === 'auto' || request.parallel_tool_calls === false) return { type: 'auto', ...parallel };
  return undefined;
}
