// Response header values built from names the client or a provider chose (model ids) must be plain ASCII, or
// node:http throws; anything else is percent-encoded. Also the provider's own request id, passed on to the client.
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

/**
 * The provider's id for the call that answered: always as x-switchyard-upstream-request-id, and under the
 * provider's own header name when the client speaks that provider's dialect (`x-request-id` from an OpenAI-compatible
 * upstream to an OpenAI client, `request-id` from Anthropic to an Anthropic client), where the official SDKs expose
 * it as `_request_id` for the provider's support.
 */
export function upstreamIdHeaders(upstreamRequestId: string | undefined, sameDialectHeader: 'x-request-id' | 'request-id' | undefined): Record<string, string> {
  if (upstreamRequestId === undefined) return {};
  const value = headerValue(upstreamRequestId);
  return sameDialectHeader ? { 'x-switchyard-upstream-request-id': value, [sameDialectHeader]: value } : { 'x-switchyard-upstream-request-id': value };
}
