// The Gemini family's endpoints, after generativelanguage.googleapis.com/v1beta: the model list, one model, and the
// methods on a model (`models/{model}:{method}`, one pattern since the method is a suffix of the model's last
// segment). Every path under /v1beta/, known or not, answers errors in Gemini's shape. The @google/genai SDK (3.x)
// calls API version v1 by default, `/v1/models/{model}:generateContent`, where OpenAI's model lookup lives: that path
// gains the Gemini methods as POST (withGeminiMethods), OpenAI's GET staying as it is. The handlers' modules load on
// their first request (lazy-handler.ts).
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { lazyHandler, lazyModule } from '../../http/lazy-handler.js';
import type { Endpoint, Family } from '../../http/route-table.js';
import { sendGeminiError } from './gemini-errors.js';
import { parseModelAction } from './model-action.js';

const generate = lazyModule(() => import('./generate-content.js'));
const countTokens = lazyModule(() => import('./count-tokens.js'));
const embed = lazyModule(() => import('./embed-content.js'));
const models = lazyModule(() => import('./models.js'));

async function handleModelMethod(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const { model, method } = parseModelAction(inbound.params['model'] ?? inbound.params['id'] ?? '');
  if (model === '') throw new GatewayError(400, 'the path names no model (models/{model}:{method})', 'invalid_request_error', 'invalid_value', 'model');
  switch (method) {
    case 'generateContent':
      return (generate.loaded ?? (await generate.load())).handleGenerateContent(context, inbound, sink, model, false);
    case 'streamGenerateContent':
      return (generate.loaded ?? (await generate.load())).handleGenerateContent(context, inbound, sink, model, true);
    case 'countTokens':
      return (countTokens.loaded ?? (await countTokens.load())).handleCountTokens(context, inbound, sink, model);
    case 'embedContent':
      return (embed.loaded ?? (await embed.load())).handleEmbedContent(context, inbound, sink, model, false);
    case 'batchEmbedContents':
      return (embed.loaded ?? (await embed.load())).handleEmbedContent(context, inbound, sink, model, true);
    case undefined:
      throw new GatewayError(
        404,
        `no such method: POST ${inbound.path} (expected models/{model}:generateContent, :streamGenerateContent, :countTokens, :embedContent or :batchEmbedContents)`,
        'not_found_error',
        'unknown_url',
      );
  }
}

async function handleModel(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const { model, method } = parseModelAction(inbound.params['model'] ?? '');
  if (method !== undefined) throw new GatewayError(404, `${method} takes POST, not GET`, 'not_found_error', 'unknown_url');
  return (models.loaded ?? (await models.load())).handleGetModel(context, sink, model);
}

export const geminiEndpoints: readonly Endpoint[] = [
  { path: '/v1beta/models', methods: { GET: lazyHandler(models, (module) => module.handleListModels) }, sendError: sendGeminiError },
  { path: '/v1beta/models/{model*}', methods: { GET: handleModel, POST: handleModelMethod }, sendError: sendGeminiError },
];

export const geminiFamily: Family = { prefix: '/v1beta/', sendError: sendGeminiError };

/**
 * The endpoints with POST `models/{model}:{method}` added to OpenAI's `models/{id*}`. That path's errors are OpenAI's
 * (its GET is OpenAI's), so the Gemini methods answer their own errors in Gemini's shape; only a refusal before the
 * handler runs (no token, a body too large) comes in OpenAI's shape there, with the same status.
 */
export function withGeminiMethods(endpoints: readonly Endpoint[]): Endpoint[] {
  return endpoints.map((endpoint) =>
    endpoint.path === '/models/{id*}' && endpoint.methods.POST === undefined
      ? { ...endpoint, methods: { ...endpoint.methods, POST: answeredInGeminiShape } }
      : endpoint,
  );
}

async function answeredInGeminiShape(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  try {
    await handleModelMethod(context, inbound, sink);
  } catch (error) {
    if (sink.headersSent || sink.destroyed) throw error;
    sendGeminiError(sink, error, context.corsHeaders);
  }
}
