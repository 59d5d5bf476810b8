// POST /v1/chat/completions: validate, resolve the model, execute the plan, answer in OpenAI's dialect.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chatRequestSchema, describeIssue, type ChatRequest } from '../../../shared/openai-schema.js';
import { ExecutionError, executeChat, formatAttempts, type AttemptRecord } from '../routing/execute.js';
import { resolveModel } from '../routing/resolve.js';
import { parseJsonBody, readBody } from './body.js';
import type { RequestContext } from './context.js';
import { GatewayError, sendOpenAIError } from './errors.js';
import { headerValue } from './headers.js';
import { writeOpenAIStream } from './openai-stream-writer.js';

export async function handleChatCompletions(context: RequestContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request, context.gateway.config.server.maxBodyBytes);
  const chatRequest = validateChatRequest(parseJsonBody(raw));
  const providers = context.gateway.registry;
  const resolution = resolveModel(chatRequest.model, new Set(providers.settings.map((provider) => provider.id)));
  if (!resolution.ok) throw new GatewayError(resolution.status, resolution.message, 'invalid_request_error', resolution.code, 'model');

  const stream = chatRequest.stream === true;
  const clientWantsUsage = chatRequest.stream_options?.include_usage === true;
  let executed;
  try {
    executed = await executeChat({
      registry: providers,
      targets: resolution.targets,
      request: chatRequest,
      rawBody: raw,
      forceStreamUsage: stream,
      signal: context.signal,
    });
  } catch (error) {
    if (error instanceof ExecutionError) {
      sendOpenAIError(response, error.error, { ...context.corsHeaders, 'x-switchyard-attempts': headerValue(formatAttempts(error.attempts)) });
      return;
    }
    throw error;
  }

  const headers = {
    ...context.corsHeaders,
    ...routingHeaders(executed.target.providerId, executed.target.model, executed.attempts),
    'x-switchyard-overhead-ms': (performance.now() - context.startedAt - executed.upstreamMs).toFixed(2),
  };
  if (executed.kind === 'complete') {
    const body = executed.raw ?? Buffer.from(JSON.stringify(executed.response));
    response.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': body.length });
    response.end(body);
    return;
  }
  if (!stream) throw new GatewayError(502, 'upstream streamed a response to a non-stream request');
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
  });
  response.flushHeaders();
  await writeOpenAIStream(response, executed.head, executed.rest, { clientWantsUsage, signal: context.signal });
}

export function validateChatRequest(value: unknown): ChatRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  }
  const result = chatRequestSchema.safeParse(value);
  if (!result.success) {
    const { param, message } = describeIssue(result.error);
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param);
  }
  return result.data;
}

function routingHeaders(providerId: string, model: string, attempts: readonly AttemptRecord[]): Record<string, string> {
  return {
    'x-switchyard-provider': headerValue(providerId),
    'x-switchyard-model': headerValue(model),
    'x-switchyard-attempts': headerValue(formatAttempts(attempts)),
  };
}
