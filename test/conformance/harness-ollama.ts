// The Ollama adapter against the fake `ollama serve`: native /api/chat with NDJSON streams, `{"error": "…"}` bodies
// and stream lines, and a Bearer key as a proxy or ollama.com in front of Ollama would want it.
import { OllamaAdapter } from '../../main/gateway/providers/ollama/adapter.js';
import { OllamaFake, type FakeChatScenario, type RecordedRequest } from '../fakes/ollama-fake.js';
import {
  asArray,
  asRecord,
  jsonSchema,
  jsonSchemaAnswer,
  pngBase64,
  type AdapterOverrides,
  type ProviderHarness,
  type ScriptedFailure,
  type TokenUsage,
  type ToolResultSeen,
  type UpstreamRequest,
} from './harness.js';

const apiKey = 'sk-CANARY-ol-4Hf8Jq1Xc5Ns9Pv2Gd7Ty0';
const chatPath = '/api/chat';

class OllamaHarness implements ProviderHarness {
  readonly name = 'ollama';
  readonly model = 'llama3.2:3b';
  readonly apiKey = apiKey;
  readonly keyHeader = { name: 'authorization', value: (key: string): string => `Bearer ${key}` };
  // Ollama has no overload error of its own: a full queue is 503 "server busy, please try again", the generic
  // 'unavailable'.
  readonly overloadedClass = 'unavailable';
  // The fake's `http-error` scenario sends a status and `{"error": …}` only, no headers, and it has no raw scenario:
  // a Retry-After cannot be scripted (reported as a fake gap). Ollama itself sends none.
  readonly retryAfter = 'unscriptable';
  readonly capabilities = {
    images: [
      {
        name: 'data: URL → bare base64 in message.images',
        model: 'llava:7b',
        extract: (body: unknown) => this.userMessage(body)['images'],
        expected: [pngBase64],
      },
    ],
    // Ollama cannot fetch a URL: the adapter refuses http(s) images with a 400 naming the part (convert-messages.ts).
    remoteImages: [],
    // /api/chat takes text and images only; the adapter refuses input_audio parts.
    audio: [],
    json: [
      {
        name: 'json_schema → format holds the schema',
        format: 'json_schema',
        // the fake answers `format` requests with its usual text, so the JSON an Ollama model would produce is scripted
        prepare: () => this.replyText(JSON.stringify(jsonSchemaAnswer), { input: 20, output: 8 }),
        extract: (body: unknown) => asRecord(body)['format'],
        expected: jsonSchema,
        answer: jsonSchemaAnswer,
      },
      {
        name: 'json_object → format "json"',
        format: 'json_object',
        prepare: () => this.replyText('{"ok": true}', { input: 20, output: 4 }),
        extract: (body: unknown) => asRecord(body)['format'],
        expected: 'json',
        answer: { ok: true },
      },
    ],
  } as const;

  private fake: OllamaFake | undefined;

  async start(): Promise<void> {
    this.fake = await OllamaFake.start();
  }

  async stop(): Promise<void> {
    await this.fake?.close();
  }

  adapter(overrides: AdapterOverrides = {}): OllamaAdapter {
    const key = 'apiKey' in overrides ? overrides.apiKey : apiKey;
    return new OllamaAdapter({
      id: 'ollama',
      baseUrl: this.server().baseUrl,
      apiKey: () => key,
      ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    });
  }

  reset(): void {
    this.server().onChat = undefined;
  }

  replyText(text: string, usage: TokenUsage): void {
    this.script({ kind: 'reply', content: text, promptEvalCount: usage.input, evalCount: usage.output });
  }

  replyToolCall(name: string, args: Record<string, unknown>): void {
    this.script({ kind: 'reply', toolCalls: [{ name, arguments: args }] });
  }

  failWith(kind: ScriptedFailure): void {
    const replies: Record<ScriptedFailure, FakeChatScenario> = {
      auth: { kind: 'http-error', status: 401, error: 'unauthorized' },
      rate_limit: { kind: 'http-error', status: 429, error: 'too many requests, please slow down' },
      overloaded: { kind: 'http-error', status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' },
      context_length: { kind: 'http-error', status: 400, error: 'the input length exceeds the context length' },
      bad_request: { kind: 'http-error', status: 400, error: 'invalid format: expected "json" or a valid JSON schema' },
      server: { kind: 'http-error', status: 500, error: 'llama runner process has terminated: exit status 2' },
    };
    this.script(replies[kind]);
  }

  failEchoingKey(key: string): void {
    this.script({ kind: 'http-error', status: 401, error: `unauthorized: invalid key ${key}` });
  }

  inBandErrorAfter(chunks: number): void {
    this.script({
      kind: 'error-line',
      afterLines: chunks,
      error: 'an error was encountered while running the model: unexpected EOF',
      reply: { content: 'one two three four five six' },
    });
  }

  endWithoutTerminator(): void {
    this.script({ kind: 'no-done', reply: { content: 'cut short before the end' } });
  }

  stallBeforeHeaders(): void {
    this.script({ kind: 'stall-before-headers' });
  }

  stallAfterHeaders(): void {
    this.script({ kind: 'stall-before-first-line' });
  }

  slowStream(chunks: number, delayMs: number): void {
    this.script({ kind: 'reply', content: Array.from({ length: chunks }, () => 'slow').join(' '), lineDelayMs: delayMs });
  }

  requestCount(): number {
    return this.server().requestsTo(chatPath).length;
  }

  lastUpstream(): UpstreamRequest {
    const last = this.lastChatRequest();
    return { path: last.path, headers: last.headers, body: last.body };
  }

  /** The fake tracks sockets, not responses: an aborted Ollama request shows as its connection closing. */
  lastUpstreamClosed(timeoutMs: number): Promise<number> {
    const closed = this.lastChatRequest().socketClosed.then(() => performance.now());
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fake Ollama: the socket stayed open for ${timeoutMs} ms`)), timeoutMs);
      void closed.then((at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  }

  /** Ollama's shape: `{"role":"tool","tool_name":…,"content":…}` (plus the OpenAI call id the adapter keeps). */
  toolResults(upstreamBody: unknown): ToolResultSeen[] {
    return asArray(asRecord(upstreamBody)['messages'])
      .map(asRecord)
      .filter((message) => message['role'] === 'tool')
      .map((message) => ({
        ...(typeof message['tool_call_id'] === 'string' ? { callId: message['tool_call_id'] } : {}),
        ...(typeof message['tool_name'] === 'string' ? { toolName: message['tool_name'] } : {}),
        content: String(message['content']),
      }));
  }

  private userMessage(body: unknown): Record<string, unknown> {
    return asRecord(
      asArray(asRecord(body)['messages'])
        .map(asRecord)
        .find((message) => message['role'] === 'user'),
    );
  }

  private script(scenario: FakeChatScenario): void {
    this.server().onChat = () => scenario;
  }

  private lastChatRequest(): RecordedRequest {
    const last = this.server().requestsTo(chatPath).at(-1);
    if (!last) throw new Error('fake Ollama: no chat request yet');
    return last;
  }

  private server(): OllamaFake {
    if (!this.fake) throw new Error('fake Ollama: not started');
    return this.fake;
  }
}

export const ollamaHarness: ProviderHarness = new OllamaHarness();
