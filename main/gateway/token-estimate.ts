// Token counts for requests whose provider reported none (a stream cut short, a server without usage): counted
// with a real tokenizer (o200k_base, gpt-tokenizer) once it is loaded, and by characters / 4 until then. The
// tokenizer (~100 ms, ~35 MB) is loaded only the first time an estimate is needed, never on the request path; the
// ledger marks every such row as estimated either way.
import type { ChatRequest } from '../../shared/openai-types.js';

type Counter = (text: string) => number;

let counter: Counter | undefined;
let loading: Promise<void> | undefined;

/** Starts loading the tokenizer in the background; resolves when it is ready (or failed to load). */
export function loadTokenizer(): Promise<void> {
  loading ??= import('gpt-tokenizer/encoding/o200k_base').then(
    (module) => {
      counter = module.countTokens as Counter;
    },
    () => undefined,
  );
  return loading;
}

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  if (counter) return counter(text);
  void loadTokenizer();
  return Math.ceil(text.length / 4);
}

/** The text a chat request sends: message contents, tool calls and results, tool definitions. */
export function requestText(request: ChatRequest): string {
  const pieces: string[] = [];
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') pieces.push(content);
    else if (Array.isArray(content)) for (const part of content) if (part.type === 'text') pieces.push(part.text);
    if (message.role === 'assistant' && message.tool_calls) for (const call of message.tool_calls) pieces.push(call.function.name, call.function.arguments);
  }
  if (request.tools) pieces.push(JSON.stringify(request.tools));
  return pieces.join('\n');
}
