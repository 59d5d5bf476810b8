// OpenAI carries a tool call's arguments as JSON text; Anthropic, Gemini and Ollama want the object itself. One
// reading for the three, so that the same arguments are refused with the same 400 whichever provider a route picks.
import { ProviderError } from './errors.js';

/** `text` as the object the provider wants; empty text means no arguments. `target` names the provider in errors. */
export function toolArgumentsObject(text: string, param: string, providerId: string, target: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refused(providerId, 'tool call arguments are not valid JSON', param);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw refused(providerId, `tool call arguments must be a JSON object for ${target}`, param);
  }
  return value as Record<string, unknown>;
}

function refused(providerId: string, message: string, param: string): ProviderError {
  return new ProviderError({ kind: 'http', errorClass: 'bad_request', status: 400, message, providerId, retryable: false, param });
}
