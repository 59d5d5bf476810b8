// Ollama's /api/chat and /api/generate requests → the canonical (OpenAI chat) request. Messages keep their roles;
// images become data-URL parts; tool calls get ids (Ollama pairs results with calls by tool name, OpenAI by id);
// `format` becomes response_format; the sampling `options` with an OpenAI equivalent become those fields; `think`
// becomes reasoning_effort. What only Ollama understands (top_k, num_ctx, keep_alive, `think` itself) is kept in
// `ollamaExtras`, sent only when every target is an Ollama server (chat.ts).
import type { ChatMessage, ChatRequest, ContentPart, ToolDefinition } from '../../../../shared/openai-types.js';
import { GatewayError } from '../../http/errors.js';
import { imageDataUrl } from './images.js';
import { toSwitchyardModel } from './names.js';
import type { OllamaChatInbound, OllamaGenerateInbound, OllamaInboundMessage } from './ollama-request-schema.js';

export interface TranslatedChat {
  readonly request: ChatRequest;
  /** Ollama's own fields, for Ollama targets only */
  readonly ollamaExtras: Readonly<Record<string, unknown>>;
}

type Common = Pick<OllamaChatInbound, 'model' | 'stream' | 'format' | 'options' | 'think' | 'keep_alive'>;

export function chatToCanonical(body: OllamaChatInbound): TranslatedChat {
  const messages = toMessages(body.messages ?? []);
  const request: ChatRequest = { model: toSwitchyardModel(body.model), messages, stream: body.stream !== false };
  if (body.tools && body.tools.length > 0) {
    request.tools = body.tools.map((tool): ToolDefinition => ({ ...tool, type: 'function', function: { ...tool.function } }));
  }
  return finish(request, body);
}

/** /api/generate is one user turn (with an optional system prompt) in the chat shape. */
export function generateToCanonical(body: OllamaGenerateInbound): TranslatedChat {
  if (typeof body.suffix === 'string' && body.suffix !== '') {
    throw new GatewayError(
      400,
      'suffix (fill-in-the-middle) cannot be routed through Switchyard: the providers behind it take chat requests',
      'invalid_request_error',
      'unsupported_parameter',
      'suffix',
    );
  }
  const messages: ChatMessage[] = [];
  if (body.system) messages.push({ role: 'system', content: body.system });
  messages.push({ role: 'user', content: userContent(body.prompt ?? '', body.images ?? []) });
  return finish({ model: toSwitchyardModel(body.model), messages, stream: body.stream !== false }, body);
}

function finish(request: ChatRequest, body: Common): TranslatedChat {
  const format = body.format;
  if (format === 'json') request.response_format = { type: 'json_object' };
  else if (typeof format === 'object' && format !== null) request.response_format = { type: 'json_schema', json_schema: { name: 'response', schema: format } };
  const options = body.options ?? {};
  if (options.temperature !== undefined) request.temperature = options.temperature;
  if (options.top_p !== undefined) request.top_p = options.top_p;
  if (options.seed !== undefined) request.seed = options.seed;
  if (options.presence_penalty !== undefined) request.presence_penalty = options.presence_penalty;
  if (options.frequency_penalty !== undefined) request.frequency_penalty = options.frequency_penalty;
  // -1 (no limit) and -2 (fill the context) have no OpenAI form: the provider's own limit applies
  if (options.num_predict !== undefined && options.num_predict > 0) request.max_tokens = options.num_predict;
  if (options.stop !== undefined) request.stop = options.stop;
  const think = body.think;
  if (think === true) request.reasoning_effort = 'medium';
  else if (typeof think === 'string') request.reasoning_effort = think;
  const ollamaExtras: Record<string, unknown> = {};
  if (Object.keys(options).length > 0) ollamaExtras['options'] = options;
  if (body.keep_alive !== undefined && body.keep_alive !== null) ollamaExtras['keep_alive'] = body.keep_alive;
  if (think !== undefined && think !== null) ollamaExtras['think'] = think;
  return { request, ollamaExtras };
}

function toMessages(messages: readonly OllamaInboundMessage[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  /** calls made and not yet answered, oldest first: a `tool` message without an id answers the first of its name */
  const pending: Array<{ readonly id: string; readonly name: string }> = [];
  messages.forEach((message, index) => {
    const content = message.content ?? '';
    if (message.role === 'system') out.push({ role: 'system', content });
    else if (message.role === 'user') out.push({ role: 'user', content: userContent(content, message.images ?? []) });
    else if (message.role === 'assistant') {
      const calls = (message.tool_calls ?? []).map((call, position) => {
        const id = call.id ?? `call_${index}_${position}`;
        pending.push({ id, name: call.function.name });
        const args = call.function.arguments;
        return {
          id,
          type: 'function' as const,
          function: { name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
        };
      });
      out.push({ role: 'assistant', content: calls.length > 0 && content === '' ? null : content, ...(calls.length > 0 ? { tool_calls: calls } : {}) });
    } else {
      const byId = message.tool_call_id === undefined ? -1 : pending.findIndex((call) => call.id === message.tool_call_id);
      const byName = byId === -1 && message.tool_name !== undefined ? pending.findIndex((call) => call.name === message.tool_name) : -1;
      const position = byId !== -1 ? byId : byName !== -1 ? byName : pending.length > 0 ? 0 : -1;
      const answered = position === -1 ? undefined : pending.splice(position, 1)[0];
      out.push({ role: 'tool', content, tool_call_id: message.tool_call_id ?? answered?.id ?? `call_${index}` });
    }
  });
  if (out.length === 0) throw new GatewayError(400, 'messages: at least one message is required', 'invalid_request_error', 'invalid_value', 'messages');
  return out;
}

function userContent(text: string, images: readonly string[]): string | ContentPart[] {
  if (images.length === 0) return text;
  const parts: ContentPart[] = [];
  if (text !== '') parts.push({ type: 'text', text });
  for (const image of images) parts.push({ type: 'image_url', image_url: { url: imageDataUrl(image) } });
  return parts;
}
