// The model id as a URL path segment. Gemini addresses a model in the path (models/{model}:generateContent), so an
// id must never be able to change the path: anything but a plain name (letters, digits, '.', '-', '_') is refused
// before a request is built, including '/', '..', ':', '?', '#', '%' and spaces.
import { badRequest } from './gemini-error.js';

const plainModelName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** "gemini-2.5-flash" or "models/gemini-2.5-flash" → "gemini-2.5-flash"; anything else is a 400 naming `model`. */
export function modelPathSegment(upstreamModel: string, providerId: string): string {
  const name = upstreamModel.startsWith('models/') ? upstreamModel.slice('models/'.length) : upstreamModel;
  if (!plainModelName.test(name) || name.includes('..')) {
    throw badRequest(
      providerId,
      `'${upstreamModel.slice(0, 100)}' is not a valid Gemini model name: use letters, digits, '.', '-' and '_' only (e.g. gemini-2.5-flash)`,
      'model',
    );
  }
  // the pattern admits nothing that needs escaping; encoding anyway keeps the guarantee if the pattern ever widens
  return encodeURIComponent(name);
}
