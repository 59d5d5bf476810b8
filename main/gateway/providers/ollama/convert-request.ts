// An OpenAI chat request → the body of Ollama's POST /api/chat. Sampling settings move into `options`, the
// response format into `format`, reasoning effort into `think`, and a long request gets the context it needs. Clients that know Ollama may add its own fields
// (`num_ctx`, `keep_alive`, `options`, `think`) to an OpenAI request and they are honoured.
import type { ChatRequest } from '../../../../shared/openai-types.js';
import { badRequest, toOllamaMessages } from './convert-messages.js';
import type { ChatCall } from '../types.js';
import type { OllamaChatRequest, OllamaThink } from './ollama-api.js';

export function toOllamaChatRequest(request: ChatRequest, upstreamModel: string, providerId: string, context?: ChatCall['context']): OllamaChatRequest {
  if (typeof request.n === 'number' && request.n > 1) {
    throw badRequest(providerId, 'Ollama returns one choice per request: n must be 1', 'n');
  }
  const body: OllamaChatRequest = {
    model: upstreamModel,
    messages: toOllamaMessages(request.messages, providerId),
    stream: request.stream === true,
  };
  const tools = selectTools(request);
  if (tools) body.tools = tools;
  const format = toFormat(request.response_format);
  if (format !== undefined) body.format = format;
  const options = toOptions(request);
  const numCtx = options['num_ctx'] === undefined ? contextSize(context) : undefined;
  if (numCtx !== undefined) options['num_ctx'] = numCtx;
  if (Object.keys(options).length > 0) body.options = options;
  const keepAlive = request['keep_alive'];
  if (typeof keepAlive === 'string' || typeof keepAlive === 'number') body.keep_alive = keepAlive;
  const think = toThink(request, upstreamModel);
  if (think !== undefined) body.think = think;
  return body;
}

/**
 * Ollama runs a model with a small context unless asked (num_ctx: 2048 in older versions, 4096 now) and silently
 * drops the start of a longer prompt — an agent's system prompt and tools first (Claude Code's alone is ~12k tokens).
 * So a request that needs more asks for it: the next power of two that holds the input and room for an answer,
 * within the window the model reports. Powers of two, because Ollama reloads the model for every new num_ctx.
 */
export function contextSize(context: ChatCall['context']): number | undefined {
  if (!context) return undefined;
  const needed = context.needed();
  if (needed <= ollamaDefaultContext) return undefined;
  let size = ollamaDefaultContext;
  while (size < needed) size *= 2;
  return context.window !== undefined ? Math.min(size, context.window) : size;
}

const ollamaDefaultContext = 4_096;

/** Ollama has no tool_choice: "none" sends no tools, a named function sends only that one. */
function selectTools(request: ChatRequest): unknown[] | undefined {
  const tools = request.tools;
  if (!tools || tools.length === 0 || request.tool_choice === 'none') return undefined;
  const choice = request.tool_choice;
  if (typeof choice === 'object') {
    const chosen = tools.filter((tool) => tool.function.name === choice.function.name);
    if (chosen.length > 0) return chosen;
  }
  return tools;
}

function toFormat(format: ChatRequest['response_format']): OllamaChatRequest['format'] {
  if (!format) return undefined;
  if (format.type === 'json_object') return 'json';
  // a json_schema without a schema still asks for JSON
  if (format.type === 'json_schema') return format.json_schema.schema ?? 'json';
  return undefined;
}

function toOptions(request: ChatRequest): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined && value !== null) options[key] = value;
  };
  set('temperature', request.temperature);
  set('top_p', request.top_p);
  set('seed', request.seed);
  set('presence_penalty', request.presence_penalty);
  set('frequency_penalty', request.frequency_penalty);
  set('num_predict', request.max_completion_tokens ?? request.max_tokens);
  if (typeof request.stop === 'string') set('stop', [request.stop]);
  else if (Array.isArray(request.stop) && request.stop.length > 0) set('stop', request.stop);
  // sampling knobs that are not OpenAI's but that clients of local models commonly send
  if (typeof request['top_k'] === 'number') set('top_k', request['top_k']);
  if (typeof request['min_p'] === 'number') set('min_p', request['min_p']);
  if (typeof request['num_ctx'] === 'number') set('num_ctx', request['num_ctx']);
  const extra = request['options'];
  if (typeof extra === 'object' && extra !== null && !Array.isArray(extra)) Object.assign(options, extra);
  return options;
}

/**
 * reasoning_effort → think. Only models with named levels (gpt-oss) take "low"/"medium"/"high": some Ollama
 * versions answer 400 to a level on any other model (newer ones ignore it), so those get `true`. "none" is off.
 */
function toThink(request: ChatRequest, upstreamModel: string): OllamaThink | undefined {
  const explicit = request['think'];
  if (typeof explicit === 'boolean' || explicit === 'low' || explicit === 'medium' || explicit === 'high') return explicit;
  const effort = request.reasoning_effort;
  if (effort === undefined) return undefined;
  if (effort === 'none') return false;
  if (!/^gpt-oss\b/i.test(upstreamModel)) return true;
  if (effort === 'minimal' || effort === 'low') return 'low';
  if (effort === 'high' || effort === 'xhigh') return 'high';
  return 'medium';
}
