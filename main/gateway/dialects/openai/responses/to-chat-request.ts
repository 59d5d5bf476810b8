// A Responses request → the canonical ChatRequest every adapter takes. The caller has already resolved the input
// (a string made into one user message, previous_response_id and item_reference expanded from storage). Settings
// map one to one where chat has them; what only OpenAI can do (hosted tools, stored files, background runs,
// conversations) is listed in `hosted`, so the handler keeps the request on a native Responses target or refuses it.
import type { ChatRequest } from '../../../../../shared/openai-types.js';
import { toChatMessages } from './convert-input.js';
import { convertToolChoice, convertTools, type HostedUse, type ToolNames } from './convert-tools.js';
import { ResponsesRequestError, type ResponseInputItem, type ResponsesRequest } from './schema.js';
import { append } from '../../../../../shared/append.js';

export type { HostedUse, ToolKind, ToolNames } from './convert-tools.js';

export interface ResponsesTranslation {
  readonly request: ChatRequest;
  /** how to turn the target's function calls back into Responses items */
  readonly tools: ToolNames;
  readonly hosted: readonly HostedUse[];
}

export function toChatRequest(request: ResponsesRequest, items: readonly ResponseInputItem[]): ResponsesTranslation {
  const hosted: HostedUse[] = [];
  const messages: ChatRequest['messages'] = [];
  if (request.instructions) messages.push({ role: 'system', content: request.instructions });
  append(messages, toChatMessages(items, hosted));
  if (messages.length === 0) throw new ResponsesRequestError('input: there is nothing to answer (no input items)', 'input');

  const chat: ChatRequest = { model: request.model, messages };
  const { tools, names } = convertTools(request.tools, hosted);
  const toolChoice = convertToolChoice(request.tool_choice, hosted);
  if (tools.length > 0) {
    chat.tools = tools;
    if (toolChoice !== undefined) chat.tool_choice = toolChoice;
    // OpenAI rejects parallel_tool_calls on a request without tools
    if (typeof request.parallel_tool_calls === 'boolean') chat.parallel_tool_calls = request.parallel_tool_calls;
  }
  Object.assign(chat, generationSettings(request));
  for (const param of ['background', 'conversation', 'prompt'] as const) {
    if (request[param]) hosted.push({ param, type: param });
  }
  return { request: chat, tools: names, hosted };
}

/**
 * Passed on as chat fields: user, prompt_cache_key and safety_identifier, which OpenAI chat has too. Not passed:
 * metadata (OpenAI chat takes it only with store, and stores nothing for us), store, verbosity and service_tier
 * (OpenAI-only, and strict OpenAI-compatible servers reject fields they do not know).
 */
function generationSettings(request: ResponsesRequest): Partial<ChatRequest> {
  const settings: Partial<ChatRequest> = {};
  const format = request.text?.format;
  if (format?.type === 'json_object') settings.response_format = { type: 'json_object' };
  if (format?.type === 'json_schema') {
    const { name, schema, description, strict } = format;
    settings.response_format = {
      type: 'json_schema',
      json_schema: { name, schema, ...(description ? { description } : {}), ...(typeof strict === 'boolean' ? { strict } : {}) },
    };
  }
  if (request.reasoning?.effort) settings.reasoning_effort = request.reasoning.effort;
  if (typeof request.max_output_tokens === 'number') settings.max_completion_tokens = request.max_output_tokens;
  if (typeof request.temperature === 'number') settings.temperature = request.temperature;
  if (typeof request.top_p === 'number') settings.top_p = request.top_p;
  if (request.stream === true) {
    settings.stream = true;
    // usage comes last in a chat stream, and only when asked for; response.completed needs it
    settings.stream_options = { include_usage: true };
  }
  if (request.user) settings.user = request.user;
  if (request.prompt_cache_key) settings['prompt_cache_key'] = request.prompt_cache_key;
  if (request.safety_identifier) settings['safety_identifier'] = request.safety_identifier;
  return settings;
}
