// OpenAI image and file parts → Anthropic image and document blocks. A data: URL becomes a base64 source with its
// media type; an http(s) URL becomes a url source that Anthropic fetches itself. Anthropic takes JPEG, PNG, GIF and
// WebP images and PDF documents; anything else is refused here with a 400 naming the part, before any upstream call.
import type { AnthropicContentBlock } from './anthropic-api.js';
import { badRequest } from './anthropic-error.js';

const imageTypes = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const pdfType = 'application/pdf';

interface DataUrl {
  readonly mediaType: string;
  readonly base64: string;
}

function parseDataUrl(url: string): DataUrl | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*?)(;base64)?,(.*)$/is.exec(url);
  if (!match) return undefined;
  const mediaType = (match[1] || 'text/plain').toLowerCase();
  const payload = match[4] ?? '';
  // a non-base64 data URL holds percent-encoded bytes
  const base64 = match[3] ? payload.replace(/\s+/g, '') : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { mediaType: mediaType === 'image/jpg' ? 'image/jpeg' : mediaType, base64 };
}

export function imageBlock(url: string, param: string, providerId: string): AnthropicContentBlock {
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const data = parseDataUrl(url);
  if (!data) throw badRequest(providerId, 'image_url must be an http(s) URL or a data: URL', param);
  if (data.mediaType === pdfType) return { type: 'document', source: { type: 'base64', media_type: pdfType, data: data.base64 } };
  if (!imageTypes.has(data.mediaType)) {
    throw badRequest(providerId, `Anthropic accepts JPEG, PNG, GIF and WebP images, not ${data.mediaType}`, param);
  }
  return { type: 'image', source: { type: 'base64', media_type: data.mediaType, data: data.base64 } };
}

/** OpenAI's file part: `file_data` is a data: URL (a PDF, for Anthropic); uploaded `file_id`s live at OpenAI only. */
export function fileBlock(file: Record<string, unknown>, param: string, providerId: string): AnthropicContentBlock {
  const fileData = file['file_data'];
  const data = typeof fileData === 'string' ? parseDataUrl(fileData) : undefined;
  if (!data) throw badRequest(providerId, 'file parts must carry file_data as a data: URL for Anthropic (file_id is not supported)', `${param}.file_data`);
  if (data.mediaType !== pdfType) throw badRequest(providerId, `Anthropic accepts PDF files, not ${data.mediaType}`, `${param}.file_data`);
  const filename = file['filename'];
  return {
    type: 'document',
    source: { type: 'base64', media_type: pdfType, data: data.base64 },
    ...(typeof filename === 'string' && filename !== '' ? { title: filename } : {}),
  };
}
