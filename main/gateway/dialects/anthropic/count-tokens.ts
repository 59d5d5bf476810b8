// POST /v1/messages/count_tokens: exact when the route's first target can count (Anthropic, sent the client's
// request as it was written), otherwise a local estimate marked with `x-switchyard-estimate: true`. A count that
// fails with a retryable error (rate limit, overload) falls back to the estimate; any other failure is the answer.
// A prompt the privacy guard holds back (redact, local-only, block) is estimated rather than sent to a cloud counter.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { ProviderError } from '../../providers/errors.js';
import { validateInbound, nativeRequest } from './inbound.js';
import { estimateInputTokens } from './estimate-tokens.js';
import { countTokensRequestSchema } from './messages-schema.js';
import { toCountTokensChatRequest } from './to-chat-request.js';
import { forwardedBody } from '../../providers/request-body.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import { headerValue } from '../../http/headers.js';
import { inspectPrivacy } from '../../pipeline/privacy-step.js';

export async function handleCountTokens(context: RequestContext, request: InboundRequest, response: AnswerSink): Promise<void> {
  const raw = request.body;
  const text = raw.toString('utf8');
  const body = parseJsonText(text);
  const inbound = validateInbound(countTokensRequestSchema, body);
  const translated = toCountTokensChatRequest(inbound);
  const planned = await context.gateway.routing.plan(translated.request, undefined);
  if (!planned.ok) throw new GatewayError(planned.status, planned.message, 'invalid_request_error', planned.code, 'model');

  const target = planned.plan.candidates[0];
  const adapter = target ? context.gateway.registry.get(target.providerId) : undefined;
  // a prompt the privacy guard would not send as written is not sent to a cloud provider to be counted either
  const privacy = inspectPrivacy(context, translated);
  const withheld = privacy !== undefined && privacy.action !== 'warn' && target?.locality === 'cloud';
  if (target && adapter?.countTokens && !withheld) {
    try {
      const native = nativeRequest(body as Record<string, unknown>, forwardedBody(raw, text), request.headers);
      const inputTokens = await adapter.countTokens(translated.request, target.model, context.signal, native);
      const headers = { ...context.corsHeaders, 'x-switchyard-provider': headerValue(target.providerId), 'x-switchyard-model': headerValue(target.model) };
      sendJson(response, 200, { input_tokens: inputTokens }, headers);
      return;
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.retryable || context.signal.aborted) throw error;
    }
  }
  const headers: Record<string, string> = { ...context.corsHeaders, 'x-switchyard-estimate': 'true' };
  if (privacy) headers['x-switchyard-privacy'] = headerValue(privacy.detectors.join(','));
  sendJson(response, 200, { input_tokens: estimateInputTokens(translated.request) }, headers);
}
