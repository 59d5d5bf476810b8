// POST /v1beta/models/{model}:countTokens: a local ESTIMATE (about four characters a token over the translated
// request, a flat figure per image, as count_tokens does for Anthropic clients), marked with
// `x-switchyard-estimate: true`. No provider adapter counts Gemini requests upstream yet; the model must still route,
// so a name nothing serves is a 404 here as it would be on generateContent.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import { estimateInputTokens } from '../anthropic/estimate-tokens.js';
import { validateInbound } from '../anthropic/inbound.js';
import { countTokensRequestSchema } from './request-schema.js';
import { toChatRequest } from './to-chat-request.js';

export async function handleCountTokens(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, model: string): Promise<void> {
  const body = validateInbound(countTokensRequestSchema, parseJsonText(inbound.body.toString('utf8')));
  const request = body.generateContentRequest ?? { contents: body.contents ?? [] };
  const translated = toChatRequest(request, model, false);
  const planned = await context.gateway.routing.plan(translated.request, undefined);
  if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');
  sendJson(sink, 200, { totalTokens: estimateInputTokens(translated.request) }, { ...context.corsHeaders, 'x-switchyard-estimate': 'true' });
}
