// An Anthropic Messages request → the canonical OpenAI ChatRequest every adapter takes. Settings map one to one
// where they exist on both sides; thinking is approximated by reasoning_effort (a budget has no OpenAI equivalent,
// so it is bucketed). What cannot be expressed (server tools, Files API sources, MCP servers) is listed in
// `unsupported` so the handler can keep such a request on Anthropic targets or refuse it with a clear 400.
import type { ChatRequest, ToolDefinition } from '../../../../shared/openai-types.js';
import { textPart, type Unsupported } from './convert-content.js';
import { toChatMessages } from './to-chat-messages.js';
import type { CountTokensRequest, InboundTool, MessagesRequest } from './messages-schema.js';
import { append } from '../../../../shared/append.js';

export interface TranslatedRequest {
  readonly request: ChatRequest;
  readonly unsupported: readonly Unsupported[];
}

export function toChatRequest(inbound: MessagesRequest): TranslatedRequest {
  const translated = toCountTokensChatRequest(inbound);
  Object.assign(translated.request, generationSettings(inbound));
  return translated;
}

/**
 * Claude Code's first system block is Anthropic billing metadata (`x-anthropic-billing-header: cc_version=…`) whose
 * suffix changes from run to run: at the head of another model's prompt it only breaks the prompt-prefix cache
 * (llama.cpp's, Ollama's, a provider's) on every request. It goes to Anthropic as it is (passthrough), nowhere else.
 */
function isBillingHeader(text: unknown): boolean {
  return typeof text === 'string' && text.startsWith('x-anthropic-billing-header:');
}

/** The part of a request that counts as input: what count_tokens receives. */
export function toCountTokensChatRequest(inbound: CountTokensRequest): TranslatedRequest {
  const unsupported: Unsupported[] = [];
  const messages: ChatRequest['messages'] = [];
  const system = inbound.system;
  if (typeof system === 'string' && system !== '') messages.push({ role: 'system', content: system });
  else if (Array.isArray(system)) {
    const blocks = system.filter((block) => !isBillingHeader(block.text));
    if (blocks.length > 0) messages.push({ role: 'system', content: blocks.map(textPart) });
  }
  append(messages, toChatMessages(inbound.messages, unsupported));

  const request: ChatRequest = { model: inbound.model, messages };
  const tools = (inbound.tools ?? []).flatMap((tool, index) => toTool(tool, `tools[${index}]`, unsupported));
  if (tools.length > 0) {
    request.tools = tools;
    Object.assign(request, toolChoice(inbound.tool_choice));
  }
  if ((inbound.mcp_servers?.length ?? 0) > 0) unsupported.push({ param: 'mcp_servers', what: 'remote MCP servers (Anthropic runs them)' });
  const effort = reasoningEffort(inbound);
  if (effort) request.reasoning_effort = effort;
  const format = inbound.output_config?.format;
  if (format?.type === 'json_schema' && format.schema)
    request.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: format.schema } };
  return { request, unsupported };
}

function generationSettings(inbound: MessagesRequest): Partial<ChatRequest> {
  const settings: Partial<ChatRequest> = { max_tokens: inbound.max_tokens };
  if (inbound.stream === true) settings.stream = true;
  if ((inbound.stop_sequences?.length ?? 0) > 0) settings.stop = inbound.stop_sequences ?? null;
  if (typeof inbound.temperature === 'number') settings.temperature = inbound.temperature;
  if (typeof inbound.top_p === 'number') settings.top_p = inbound.top_p;
  if (typeof inbound.top_k === 'number') settings['top_k'] = inbound.top_k;
  if (inbound.metadata?.user_id) settings.user = inbound.metadata.user_id;
  return settings;
}

/** Client tools only: server tools (web search, code execution) and Anthropic-defined ones (bash, computer) have
 *  no schema here and run at Anthropic or need its built-in definition. */
function toTool(tool: InboundTool, param: string, unsupported: Unsupported[]): ToolDefinition[] {
  const custom = tool.type === undefined || tool.type === null || tool.type === 'custom';
  if (!custom || !tool.input_schema) {
    unsupported.push({ param, what: `the '${tool.type ?? tool.name}' tool, which only Anthropic provides` });
    return [];
  }
  const definition: ToolDefinition = { type: 'function', function: { name: tool.name, parameters: tool.input_schema } };
  if (tool.description) definition.function.description = tool.description;
  if (typeof tool.strict === 'boolean') definition.function.strict = tool.strict;
  return [definition];
}

function toolChoice(choice: MessagesRequest['tool_choice']): Partial<ChatRequest> {
  if (!choice) return {};
  const parallel = choice.type !== 'none' && choice.disable_parallel_tool_use === true ? { parallel_tool_calls: false } : {};
  switch (choice.type) {
    case 'auto':
      return { tool_choice: 'auto', ...parallel };
    case 'any':
      return { tool_choice: 'required', ...parallel };
    case 'tool':
      return { tool_choice: { type: 'function', function: { name: choice.name } }, ...parallel };
    case 'none':
      return { tool_choice: 'none' };
  }
}

/**
 * APPROXIMATION: Anthropic's thinking budget (tokens) becomes an OpenAI effort level — up to 4,096 tokens "low",
 * up to 16,384 "medium", more "high" (Claude Code's "think" / "think hard" / "ultrathink" land in each). Adaptive
 * thinking and output_config.effort map by name; "max" and "xhigh" become "high", the most OpenAI-style servers take.
 */
export function reasoningEffort(inbound: Pick<CountTokensRequest, 'thinking' | 'output_config'>): string | undefined {
  const thinking = inbound.thinking;
  const effort = inbound.output_config?.effort;
  const named = effort === 'low' || effort === 'medium' || effort === 'high' ? effort : effort === 'max' || effort === 'xhigh' ? 'high' : undefined;
  switch (thinking?.type) {
    case 'disabled':
      return undefined;
    case 'enabled':
      return thinking.budget_tokens <= 4_096 ? 'low' : thinking.budget_tokens <= 16_384 ? 'medium' : 'high';
    case 'adaptive':
      return named ?? 'medium';
    default:
      return named;
  }
}
