// POST /v1beta/models/{model}:generateContent and :streamGenerateContent: the Gemini dialect in, routed to any
// target. A Gemini target gets the client's request as written (only the model in the path replaced) and its answer
// comes back unchanged (passthrough); any other target gets the request translated to the canonical OpenAI shape,
// and its answer translated back. Streams are SSE with `alt=sse` (what Google's SDKs ask for), else Google's JSON
// array. Errors in Gemini's shape.
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonText } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError } from '../../http/errors.js';
import { runRouted } from '../../pipeline/routed.js';
import { forwardedBody } from '../../providers/request-body.js';
import type { NativeRequest, RequestBody } from '../../providers/types.js';
import { estimateTokens, requestText } from '../../token-estimate.js';
import { validateInbound, withoutImpossibleThinking } from '../anthropic/inbound.js';
import { sendGeminiError } from './gemini-errors.js';
import { writeGeminiStream, type StreamForm } from './gemini-stream-writer.js';
import { restrictToGemini } from './restrict.js';
import { generateContentRequestSchema } from './request-schema.js';
import { modelVersion, toGeminiResponse } from './to-gemini-response.js';
import { toChatRequest } from './to-chat-request.js';

export const geminiFormat = 'gemini-generate-content';

export function handleGenerateContent(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, model: string, stream: boolean): Promise<void> {
  const text = inbound.body.toString('utf8');
  const body = parseJsonText(text);
  const request = validateInbound(generateContentRequestSchema, body);
  const translated = toChatRequest(request, model, stream);
  const { routing, registry, catalog } = context.gateway;
  const form: StreamForm = inbound.query.get('alt') === 'sse' ? 'sse' : 'json-array';
  const version = modelVersion(model);
  return runRouted(
    context,
    inbound,
    // the JSON-array stream is JSON, not an event stream
    stream && form === 'json-array' ? withContentType(sink, 'application/json; charset=utf-8') : sink,
    {
      // The ledger's endpoint column admits chat | messages | embeddings | responses (a CHECK constraint): a Gemini
      // generate call is a chat call in every sense the ledger records, so it is filed as one rather than migrating.
      meter: {
        endpoint: 'chat',
        requestedModel: model,
        stream,
        estimatedInputTokens: () => estimateTokens(requestText(translated.request)),
        requestBody: inbound.body,
      },
      request: translated.request,
      restrict: (plan) => restrictToGemini(plan, translated.unsupported, registry),
      upstream: (plan) => ({
        request: withoutImpossibleThinking(translated.request, plan, (candidate) => routing.details.get(candidate) ?? catalog.details(candidate)),
        native: nativeRequest(body as Record<string, unknown>, forwardedBody(inbound.body, text)),
      }),
    },
    {
      sendError: sendGeminiError,
      complete: (executed) => {
        if (executed.kind !== 'complete') throw new GatewayError(502, 'the upstream answered with embeddings');
        return executed.nativeRaw ?? Buffer.from(JSON.stringify(toGeminiResponse(executed.response, model)));
      },
      stream: (output, executed, options) => writeGeminiStream(output, executed.head, executed.rest, { form, modelVersion: version, signal: options.signal }),
    },
  );
}

/** The request as a Gemini upstream gets it: the client's bytes; no header of the client's travels (its key least of all). */
function nativeRequest(body: Record<string, unknown>, raw: RequestBody): NativeRequest {
  return { dialect: geminiFormat, body, raw, headers: {} };
}

/** The sink with the response's content type replaced (runRouted writes a stream's head as an event stream). */
function withContentType(sink: AnswerSink, contentType: string): AnswerSink {
  return new Proxy(sink, {
    get(target, property) {
      if (property === 'writeHead') {
        return (status: number, headers: Record<string, string | number>) =>
          target.writeHead(status, headers['content-type'] === undefined ? headers : { ...headers, 'content-type': contentType });
      }
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
