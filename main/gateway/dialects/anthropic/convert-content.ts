// Anthropic content blocks → OpenAI content parts: text (cache_control kept on the part, as the outbound Anthropic
// adapter and OpenRouter read it), images (base64 → data: URL, url as it is), PDF documents (→ file parts with a
// data: URL) and plain-text documents (→ text). What OpenAI's chat format cannot carry is reported, not dropped.
import type { ContentPart } from '../../../../shared/openai-types.js';
import type { DocumentBlock, ImageBlock, TextBlock, ToolResultContentBlock } from './messages-schema.js';
import { append } from '../../../../shared/append.js';

export interface Unsupported {
  /** where in the request, e.g. messages[3].content[1] */
  readonly param: string;
  readonly what: string;
}

export type TextPart = Extract<ContentPart, { type: 'text' }>;

export function textPart(block: TextBlock): TextPart {
  return block.cache_control ? { type: 'text', text: block.text, cache_control: block.cache_control } : { type: 'text', text: block.text };
}

export function imagePart(block: ImageBlock, param: string, unsupported: Unsupported[]): ContentPart | undefined {
  const source = block.source;
  const cache = block.cache_control ? { cache_control: block.cache_control } : {};
  if (source.type === 'base64') return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` }, ...cache };
  if (source.type === 'url') return { type: 'image_url', image_url: { url: source.url }, ...cache };
  unsupported.push({ param: `${param}.source`, what: 'an image given by file_id (Anthropic Files API)' });
  return undefined;
}

export function documentParts(block: DocumentBlock, param: string, unsupported: Unsupported[]): ContentPart[] {
  const source = block.source;
  const title = block.title ?? undefined;
  const cache = block.cache_control ? { cache_control: block.cache_control } : {};
  switch (source.type) {
    case 'base64':
      if (source.media_type !== 'application/pdf') break;
      return [{ type: 'file', file: { filename: title ?? 'document.pdf', file_data: `data:application/pdf;base64,${source.data}` }, ...cache }];
    case 'text':
      return [{ type: 'text', text: title ? `${title}\n\n${source.data}` : source.data, ...cache }];
    case 'content': {
      const texts =
        typeof source.content === 'string'
          ? [source.content]
          : source.content.flatMap((part) => (part['type'] === 'text' && typeof part['text'] === 'string' ? [part['text']] : []));
      return [{ type: 'text', text: [title, ...texts].filter((text) => text !== undefined && text !== '').join('\n\n'), ...cache }];
    }
    default:
      break;
  }
  unsupported.push({ param: `${param}.source`, what: `a document given as ${source.type === 'base64' ? source.media_type : `a ${source.type} source`}` });
  return [];
}

/** A tool result's content: its text for the tool message, and any images or files, which only a user turn can carry. */
export function toolResultContent(
  content: string | readonly ToolResultContentBlock[] | undefined,
  param: string,
  unsupported: Unsupported[],
): { readonly texts: TextPart[]; readonly media: ContentPart[] } {
  if (content === undefined) return { texts: [], media: [] };
  if (typeof content === 'string') return { texts: content === '' ? [] : [{ type: 'text', text: content }], media: [] };
  const texts: TextPart[] = [];
  const media: ContentPart[] = [];
  content.forEach((block, index) => {
    const blockParam = `${param}[${index}]`;
    if (block.type === 'text') texts.push(textPart(block));
    else if (block.type === 'image') append(media, optional(imagePart(block, blockParam, unsupported)));
    else if (block.type === 'document') {
      for (const part of documentParts(block, blockParam, unsupported)) {
        if (part.type === 'text') texts.push(part);
        else media.push(part);
      }
    } else unsupported.push({ param: blockParam, what: `a '${block.originalType}' block in a tool result` });
  });
  return { texts, media };
}

function optional<Value>(value: Value | undefined): Value[] {
  return value === undefined ? [] : [value];
}
