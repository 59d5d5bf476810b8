// POST /v1/responses: the OpenAI Responses API in, routed to any target. A target that serves Responses itself
// (ProviderAdapter.forwards 'openai-responses') gets the request as written and its events come back unchanged;
// any other gets the canonical chat request (to-chat-request.ts) and its answer is turned into Responses items and
// events (to-response.ts, stream-events.ts). What only a Responses target can run (hosted-tool calls in the input,
// a forced hosted tool, stored files) keeps the request on such targets; hosted tools merely offered are left out
// for the others, since agents such as Codex offer web_search on every request. Finished responses are stored
// (store, the API's default) for previous_response_id, item_reference and GET /v1/responses/{id}.
import type { Usage } from '../../../../../shared/openai-types.js';
import type { AnswerSink, InboundRequest } from '../../../http/answer-sink.js';
import { parseJsonText } from '../../../http/body.js';
import type { RequestContext } from '../../../http/context.js';
import { GatewayError, sendOpenAIError } from '../../../http/errors.js';
import { runRouted, type CompleteAnswer, type StreamedAnswer } from '../../../pipeline/routed.js';
import { writeStream, type StreamEncoder } from '../../../pipeline/stream-writer.js';
import type { ProviderRegistry } from '../../../providers/registry.js';
import { forwardedBody } from '../../../providers/request-body.js';
import type { RoutedPlan } from '../../../routing/service.js';
import { estimateTokens, requestText } from '../../../token-estimate.js';
import { nativeResponsesRequest, passthroughFrames, withPreviousResponseId } from './native.js';
import { plainResponsesRequest } from './plain-request.js';
import { saveLater } from './deferred-saves.js';
import { plainInput, resolveInput, storedTurnJson } from './resolve-input.js';
import { newResponseId, type ResponseContext } from './response-object.js';
import { ResponsesRequestError, validateResponsesRequest } from './schema.js';
import { responseText } from './response-text.js';
import { responsesErrorCode, ResponsesEventEncoder } from './stream-events.js';
import { toChatRequest, type HostedUse } from './to-chat-request.js';
import { responseState } from './to-response.js';

export async function handleCreateResponse(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  const text = inbound.body.toString('utf8');
  const body = parseJsonText(text);
  // the common request (text input, the usual settings) is judged in place; everything else by the schema
  const request = plainResponsesRequest(body) ?? asGatewayError(() => validateResponsesRequest(body));
  const store = context.gateway.responses;
  const client = context.identity.name;
  // a request that names stored state waits for the store's reads (PostgreSQL in team mode); others never do
  const resolved = plainInput(request) ?? (await resolveInput(request, store, client).catch(asGatewayFailure));
  const translation = asGatewayError(() => toChatRequest(request, resolved.items));
  const required = translation.hosted.filter((use) => !use.param.startsWith('tools['));
  const stream = request.stream === true;
  const responseContext: ResponseContext = {
    id: newResponseId(),
    createdAt: Math.floor(Date.now() / 1000),
    model: request.model,
    request,
    tools: translation.tools,
    includeEncrypted: request.include?.includes('reasoning.encrypted_content') === true,
  };
  // written once the answer has left, with the other saves of this turn (deferred-saves.ts): the answer's own JSON
  // text, as the client got it, and the turn's items as text — neither is built or serialised again
  const previousResponseId = typeof request.previous_response_id === 'string' ? request.previous_response_id : undefined;
  const keep = (answer: () => StoredAnswer | undefined, executed: CompleteAnswer | StreamedAnswer): void => {
    if (!store?.enabled || request.store === false) return;
    const createdAt = Date.now();
    saveLater(store, () => {
      const response = answer();
      if (!response) return undefined;
      const turn = storedTurnJson(request, resolved);
      return {
        id: response.id,
        createdAt,
        clientTokenName: client,
        previousResponseId: previousResponseId ?? null,
        providerId: executed.target.providerId,
        model: executed.target.model,
        inputItems: turn.json,
        response: response.json,
        itemIds: [...turn.ids, ...response.outputIds],
      };
    });
  };
  return runRouted(
    context,
    inbound,
    sink,
    {
      meter: {
        endpoint: 'responses',
        requestedModel: request.model,
        stream,
        estimatedInputTokens: () => estimateTokens(requestText(translation.request)),
        requestBody: inbound.body,
      },
      request: translation.request,
      restrict: (plan) => restrictToNative(plan, required, context.gateway.registry),
      upstream: () => ({
        native: nativeResponsesRequest(body as Record<string, unknown>, forwardedBody(inbound.body, text), resolved.items, resolved.expanded),
      }),
    },
    {
      format: { name: 'openai-responses', requestIdHeader: 'x-request-id' },
      sendError: sendOpenAIError,
      complete: (executed, costUsd) => {
        if (executed.kind !== 'complete') throw new GatewayError(502, 'the upstream answered with embeddings');
        // the conversation spelt out from our store reached the upstream without previous_response_id: put it back
        const nativeRaw =
          executed.nativeRaw && previousResponseId !== undefined
            ? Buffer.from(withPreviousResponseId(executed.nativeRaw.toString('utf8'), previousResponseId))
            : executed.nativeRaw;
        if (nativeRaw) {
          keep(() => {
            const json = nativeRaw.toString('utf8');
            return storedAnswer(JSON.parse(json) as Record<string, unknown>, json);
          }, executed);
          return nativeRaw;
        }
        const state = responseState(executed.response, responseContext);
        // the price, when known, as chat's usage.cost (the last field of usage either way)
        if (costUsd !== undefined && state.usage) state.usage.cost = costUsd;
        // written without building the Response object; the stored copy is this very text
        const json = responseText(responseContext, state);
        keep(() => ({ id: responseContext.id, json, outputIds: state.output.map((item) => item.id) }), executed);
        return Buffer.from(json);
      },
      stream: (output, executed, options) => {
        // kept as the terminal event is encoded; a client that continues with previous_response_id the moment it
        // reads response.completed finds it, since every read of the store first writes what is pending
        const completed = (response: () => StoredAnswer | undefined): void => keep(response, executed);
        const native = executed.head[0]?.nativeFrames !== undefined;
        const frames = native
          ? passthroughFrames((response) => completed(() => storedAnswer(response)), previousResponseId)
          : translatedFrames(responseContext, completed, options.decorateUsage);
        return writeStream(output, executed.head, executed.rest, frames, options.signal);
      },
    },
  );
}

/**
 * Frames for a translated stream: the chat chunks as Responses events, response.failed for a late failure. Usage gets
 * its cost (`decorateUsage`) as chat's usage chunk does, so response.completed carries usage.cost for a priced model.
 */
function translatedFrames(
  responseContext: ResponseContext,
  completed: (response: () => StoredAnswer) => void,
  decorateUsage: ((usage: Usage) => Usage) | undefined,
): StreamEncoder {
  const encoder = new ResponsesEventEncoder(responseContext);
  let started = false;
  return (part) => {
    const head = started ? '' : encoder.startFrames();
    started = true;
    if (part.type === 'chunk') {
      const { chunk } = part;
      return head + encoder.chunkFrames(chunk.usage && decorateUsage ? { ...chunk, usage: decorateUsage(chunk.usage) } : chunk);
    }
    if (part.type === 'error') return head + encoder.failFrames({ code: responsesErrorCode(part.error.errorClass), message: part.error.message });
    const frames = head + encoder.finishFrames();
    // the response.completed frame's own text (responseJson), read once the frames are written
    completed(() => ({ id: responseContext.id, json: encoder.responseJson, outputIds: encoder.response.output.map((item) => item.id) }));
    return frames;
  };
}

/** A finished response to store: its id, its JSON text as the client got it, and the ids of its output items. */
interface StoredAnswer {
  readonly id: string;
  readonly json: string;
  readonly outputIds: readonly string[];
}

/** A Response object an upstream sent (passthrough), as a StoredAnswer; undefined without an id. */
function storedAnswer(response: Record<string, unknown>, json: string = JSON.stringify(response)): StoredAnswer | undefined {
  const id = response['id'];
  if (typeof id !== 'string') return undefined;
  const outputIds: string[] = [];
  const output = response['output'];
  if (Array.isArray(output))
    for (const item of output as unknown[]) {
      const itemId = typeof item === 'object' && item !== null ? (item as Record<string, unknown>)['id'] : undefined;
      if (typeof itemId === 'string' && itemId !== '') outputIds.push(itemId);
    }
  return { id, json, outputIds };
}

/**
 * A request that needs what only a Responses target can do is kept on such targets (the others skipped with the
 * reason); when none is left, a 400 names the part.
 */
function restrictToNative(plan: RoutedPlan, required: readonly HostedUse[], registry: ProviderRegistry): RoutedPlan {
  const [first] = required;
  if (!first) return plan;
  const native = (providerId: string): boolean => registry.get(providerId)?.forwards.has('openai-responses') === true;
  const reason = `${first.param}: ${first.type} needs a provider that serves the Responses API itself`;
  const candidates = plan.candidates.filter((candidate) => native(candidate.providerId));
  if (candidates.length === 0) {
    throw new GatewayError(
      400,
      `${reason}; none of this model's targets does (route it to OpenAI, or a provider with responses_api: true)`,
      'invalid_request_error',
      'unsupported_for_target',
      first.param,
    );
  }
  const skipped = plan.candidates.filter((candidate) => !native(candidate.providerId)).map((candidate) => ({ candidate, reason }));
  return {
    ...plan,
    candidates,
    skipped: [...plan.skipped, ...skipped],
    contextFallbacks: plan.contextFallbacks.filter((candidate) => native(candidate.providerId)),
  };
}

function asGatewayError<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    return asGatewayFailure(error);
  }
}

function asGatewayFailure(error: unknown): never {
  if (error instanceof ResponsesRequestError) throw new GatewayError(error.status, error.message, error.type, error.code ?? 'invalid_value', error.param);
  throw error;
}
