// Response header values built from names the client or a provider chose (model ids) must be plain ASCII, or
// node:http throws; anything else is percent-encoded.
export function headerValue(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}
