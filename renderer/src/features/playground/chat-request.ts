// Turns a column's own conversation into the chat request the gateway gets: the system prompt, every turn that
// has an answer (a turn that produced nothing is left out, so no upstream sees an empty assistant message), the
// image as an OpenAI image part, and only the parameters the user set.
import type { PlaygroundParametersDto } from '../../../../shared/control/contract';
import type { ColumnMessage } from './playground-types';

type WireContent = string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } }>;

export function chatRequestBody(model: string, systemPrompt: string, parameters: PlaygroundParametersDto, messages: readonly ColumnMessage[]): string {
  const wire: Array<{ role: 'system' | 'user' | 'assistant'; content: WireContent }> = [];
  if (systemPrompt.trim() !== '') wire.push({ role: 'system', content: systemPrompt });
  messages.forEach((message, index) => {
    const next = messages[index + 1];
    if (message.role === 'assistant' && message.content === '') return;
    if (message.role === 'user' && next?.role === 'assistant' && next.content === '') return;
    if (message.role === 'user' && message.image) {
      wire.push({
        role: 'user',
        content: [
          { type: 'text', text: message.content },
          { type: 'image_url', image_url: { url: message.image.dataUrl } },
        ],
      });
    } else wire.push({ role: message.role, content: message.content });
  });
  return JSON.stringify({
    model,
    stream: true,
    stream_options: { include_usage: true },
    messages: wire,
    ...(parameters.temperature === null ? {} : { temperature: parameters.temperature }),
    ...(parameters.maxTokens === null ? {} : { max_tokens: parameters.maxTokens }),
    ...(parameters.topP === null ? {} : { top_p: parameters.topP }),
  });
}
