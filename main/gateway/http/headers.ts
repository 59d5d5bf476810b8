// Response header values built from names the client or a provider chose (model ids) must be plain ASCII, or
// node:http throws; anything else is percent-encoded. Also the headers every routed answer carries.
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

/** Response headers, as node:http takes them. */
export type ResponseHeaders = Record<string, string>;

/**
 * The headers every answer after routing starts from (an error's too): CORS, then what the request itself learnt —
 * its ledger row (chat), a budget warning, why only local targets were used. One object, filled in place by the
 * handler: spreading several small objects into the answer's headers was a measurable cost per request.
 */
export function routedHeaders(
  cors: Readonly<Record<string, string>>,
  requestId: string | undefined,
  budget: Readonly<Record<string, string>>,
  offline: string | undefined,
): ResponseHeaders {
  const headers: ResponseHeaders = {};
  for (const name in cors) headers[name] = cors[name] as string;
  if (requestId !== undefined) headers['x-switchyard-request-id'] = requestId;
  for (const name in budget) headers[name] = budget[name] as string;
  if (offline !== undefined) headers['x-switchyard-offline'] = headerValue(offline);
  return headers;
}

/**
 * Who answered, the trail, the time spent in Switchyard, and the provider's own id for the call: always as
 * x-switchyard-upstream-request-id, and under the provider's own header name when the client speaks that provider's
 * dialect (`x-request-id` from an OpenAI-compatible upstream to an OpenAI client, `request-id` from Anthropic to an
 * Anthropic client), where the official SDKs expose it as `_request_id` for the provider's support.
 */
export function addAnswerHeaders(
  headers: ResponseHeaders,
  answer: {
    readonly providerId: string;
    readonly model: string;
    readonly attempts: string;
    readonly upstreamRequestId: string | undefined;
    readonly overheadMs: number;
  },
  sameDialectHeader: 'x-request-id' | 'request-id' | undefined,
): ResponseHeaders {
  headers['x-switchyard-provider'] = headerValue(answer.providerId);
  headers['x-switchyard-model'] = headerValue(answer.model);
  headers['x-switchyard-attempts'] = headerValue(answer.attempts);
  if (answer.upstreamRequestId !== undefined) {
    const value = headerValue(answer.upstreamRequestId);
    headers['x-switchyard-upstream-request-id'] = value;
    if (sameDialectHeader) headers[sameDialectHeader] = value;
  }
  headers['x-switchyard-overhead-ms'] = answer.overheadMs.toFixed(2);
  return headers;
}

/** A whole JSON answer of `length` bytes. */
export function jsonAnswerHeaders(headers: ResponseHeaders, length: number): ResponseHeaders {
  headers['content-type'] = 'application/json';
  headers['content-length'] = String(length);
  return headers;
}

/** A server-sent-events answer, never buffered by a proxy in between. */
export function eventStreamHeaders(headers: ResponseHeaders): ResponseHeaders {
  headers['content-type'] = 'text/event-stream; charset=utf-8';
  headers['cache-control'] = 'no-cache';
  headers['x-accel-buffering'] = 'no';
  return headers;
}
