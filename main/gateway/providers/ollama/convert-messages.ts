// OpenAI chat messages → Ollama /api/chat messages. Ollama's content is one string, images ride beside it as bare
// base64, tool-call arguments are objects, and a tool result names its tool (`tool_name`) rather than a call id,
// so the ids of earlier assistant tool calls are remembered to look the names up.
import type { ChatMessage, ContentPart } from '../../../../shared/openai-types.js';
import { ProviderError } from '../errors.js';
import type { OllamaMessage, OllamaToolCall } from './ollama-api.js';
import { toolArgumentsObject } from '../tool-arguments.js';

export function toOllamaMessages(messages: readonly ChatMessage[], providerId: string): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index) => {
    switch (message.role) {
      case 'system':
      case 'developer':
        return { role: 'system', content: joinText(message.content) };
      case 'user':
        return userMessage(message.content, `messages[${index}].content`, providerId);
      case 'assistant': {
        const converted: OllamaMessage = { role: 'assistant', content: joinText(message.content ?? message.refusal ?? '') };
        if (message.reasoning_content) converted.thinking = message.reasoning_content;
        if (message.tool_calls && message.tool_calls.length > 0) {
          converted.tool_calls = message.tool_calls.map((call, callIndex): OllamaToolCall => {
            toolNames.set(call.id, call.function.name);
            const param = `messages[${index}].tool_calls[${callIndex}].function.arguments`;
            return {
              id: call.id,
              type: 'function',
              function: { index: callIndex, name: call.function.name, arguments: toolArgumentsObject(call.function.arguments, param, providerId, 'Ollama') },
            };
          });
        }
        return converted;
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id);
        return { role: 'tool', content: joinText(message.content), ...(name ? { tool_name: name } : {}), tool_call_id: message.tool_call_id };
      }
      case 'function':
        return { role: 'tool', content: message.content ?? '', tool_name: message.name };
    }
  });
}

function joinText(content: string | ReadonlyArray<{ type: string; text?: string; refusal?: string }>): string {
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' ? part.text : part.refusal))
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

function userMessage(content: string | readonly ContentPart[], param: string, providerId: string): OllamaMessage {
  if (typeof content === 'string') return { role: 'user', content };
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, partIndex) => {
    const partParam = `${param}[${partIndex}]`;
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'image_url') images.push(imageBase64(part.image_url.url, `${partParam}.image_url.url`, providerId));
    else if (part.type === 'refusal') texts.push(part.refusal);
    else throw badRequest(providerId, `Ollama does not accept '${part.type}' content parts: send text and images only`, partParam);
  });
  return { role: 'user', content: texts.join('\n'), ...(images.length > 0 ? { images } : {}) };
}

/** Ollama wants the bare base64 of the image bytes; it cannot fetch a URL itself. */
function imageBase64(url: string, param: string, providerId: string): string {
  if (/^https?:\/\//i.test(url)) {
    throw badRequest(
      providerId,
      `Ollama cannot fetch remote images (${url.slice(0, 100)}): send the image inline as a data: URL (data:image/png;base64,…)`,
      param,
    );
  }
  const match = /^data:([^,]*?)(;base64)?,(.*)$/is.exec(url);
  if (!match) throw badRequest(providerId, 'image_url must be a data: URL holding the image for Ollama', param);
  const payload = match[3] ?? '';
  if (match[2]) return payload.replace(/\s+/g, '');
  // a non-base64 data URL (rare: SVG text) is percent-encoded bytes
  return Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
}

export function badRequest(providerId: string, message: string, param: string | null): ProviderError {
  return new ProviderError({ kind: 'http', errorClass: 'bad_request', status: 400, message, providerId, retryable: false, param });
}
