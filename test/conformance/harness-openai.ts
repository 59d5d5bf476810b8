// The OpenAI-compatible adapter against the fake OpenAI upstream: chat-completions bodies and chunks, Bearer auth,
// OpenAI's own error bodies and its mid-stream `{"error": …}` event.
import { OpenAICompatibleAdapter } from '../../main/gateway/providers/openai-compatible/adapter.js';
import {
  FakeOpenAI,
  contextLengthExceeded,
  defaultScenario,
  invalidApiKey,
  invalidRequest,
  openAIErrorBody,
  overloaded,
  rateLimited,
  serverError,
  type RecordedRequest,
  type Scenario,
} from '../fakes/openai-fake.js';
import {
  asArray,
  asRecord,
  jsonSchemaAnswer,
  jsonSchemaFormat,
  pngDataUrl,
  remoteImageUrl,
  wavBase64,
  type AdapterOverrides,
  type ProviderHarness,
  type ScriptedFailure,
  type TokenUsage,
  type ToolResultSeen,
  type UpstreamRequest,
} from './harness.js';

const apiKey = 'sk-CANARY-oa-7Qx9Lm2Vb8Kd4Rt6Wn1Zp3';
const model = 'gpt-4o-mini';

/** The first user message's content parts, where the image and audio parts travel unchanged. */
const userPart = (body: unknown, type: string): unknown =>
  asArray(asRecord(asArray(asRecord(body)['messages'])[0])['content'])
    .map(asRecord)
    .find((part) => part['type'] === type);

class OpenAIHarness implements ProviderHarness {
  readonly name = 'openai-compatible';
  readonly model = model;
  readonly apiKey = apiKey;
  readonly keyHeader = { name: 'authorization', value: (key: string): string => `Bearer ${key}` };
  // OpenAI reports overload as 503 with type "server_error" and no overload-specific type or code, so it is the
  // generic 'unavailable' (a 529 overloaded_error from an Anthropic-fronting proxy would be 'overloaded').
  readonly overloadedClass = 'unavailable';
  readonly retryAfter = 'header';
  readonly capabilities = {
    // The body goes upstream as the client sent it: every content part arrives in OpenAI's own field.
    images: [
      {
        name: 'data: URL stays an image_url part',
        extract: (body: unknown) => userPart(body, 'image_url'),
        expected: { type: 'image_url', image_url: { url: pngDataUrl } },
      },
    ],
    remoteImages: [
      {
        name: 'https URL stays an image_url part',
        extract: (body: unknown) => userPart(body, 'image_url'),
        expected: { type: 'image_url', image_url: { url: remoteImageUrl } },
      },
    ],
    audio: [
      {
        name: 'input_audio stays an input_audio part',
        extract: (body: unknown) => userPart(body, 'input_audio'),
        expected: { type: 'input_audio', input_audio: { data: wavBase64, format: 'wav' } },
      },
    ],
    json: [
      {
        name: 'json_schema goes through as response_format',
        format: 'json_schema',
        extract: (body: unknown) => asRecord(body)['response_format'],
        expected: jsonSchemaFormat,
        answer: jsonSchemaAnswer,
      },
      {
        name: 'json_object goes through as response_format',
        format: 'json_object',
        extract: (body: unknown) => asRecord(body)['response_format'],
        expected: { type: 'json_object' },
        answer: { message: `Hello from ${model}!` },
      },
    ],
  } as const;

  private fake: FakeOpenAI | undefined;

  async start(): Promise<void> {
    this.fake = await FakeOpenAI.start({ apiKey });
  }

  async stop(): Promise<void> {
    await this.fake?.close();
  }

  adapter(overrides: AdapterOverrides = {}): OpenAICompatibleAdapter {
    const key = 'apiKey' in overrides ? overrides.apiKey : apiKey;
    return new OpenAICompatibleAdapter({
      id: 'openai',
      baseUrl: this.server().baseUrl,
      locality: 'cloud',
      apiKey: () => key,
      ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    });
  }

  reset(): void {
    this.script(defaultScenario);
  }

  replyText(text: string, usage: TokenUsage): void {
    this.script(() => ({ kind: 'reply', content: text, usage: { promptTokens: usage.input, completionTokens: usage.output } }));
  }

  replyToolCall(name: string, args: Record<string, unknown>): void {
    this.script(() => ({ kind: 'reply', toolCalls: [{ name, arguments: JSON.stringify(args) }] }));
  }

  failWith(kind: ScriptedFailure, retryAfterSeconds = 7): void {
    const replies: Record<ScriptedFailure, Scenario> = {
      auth: invalidApiKey('sk-wrong-0000000000000000'),
      rate_limit: rateLimited({ retryAfterSeconds, retryAfterMs: null }),
      overloaded: overloaded(),
      context_length: contextLengthExceeded(),
      bad_request: invalidRequest("Invalid type for 'temperature': expected a decimal, but got a string instead.", 'temperature', 'invalid_type'),
      server: serverError(),
    };
    this.script(() => replies[kind]);
  }

  failEchoingKey(key: string): void {
    const body = openAIErrorBody(
      `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
    this.script(() => ({ kind: 'error', status: 401, body }));
  }

  inBandErrorAfter(chunks: number): void {
    this.script(() => ({ kind: 'in-band-error-after', contentChunks: chunks, content: 'one two three four five six' }));
  }

  endWithoutTerminator(): void {
    this.script(() => ({ kind: 'end-without-done', content: 'cut short before the end' }));
  }

  stallBeforeHeaders(): void {
    this.script(() => ({ kind: 'stall-before-headers' }));
  }

  stallAfterHeaders(): void {
    this.script(() => ({ kind: 'stall-after-headers', maxMs: 30_000 }));
  }

  slowStream(chunks: number, delayMs: number): void {
    this.script(() => ({ kind: 'slow', chunks, chunkDelayMs: delayMs }));
  }

  requestCount(): number {
    return this.server().chatRequests().length;
  }

  lastUpstream(): UpstreamRequest {
    const last = this.lastChatRequest();
    return { path: last.path, headers: last.headers, body: last.body };
  }

  lastUpstreamClosed(timeoutMs: number): Promise<number> {
    return this.server().waitForRequestClose(this.lastChatRequest().index, timeoutMs);
  }

  /** OpenAI's own shape: `{"role":"tool","tool_call_id":…,"content":…}`. */
  toolResults(upstreamBody: unknown): ToolResultSeen[] {
    return asArray(asRecord(upstreamBody)['messages'])
      .map(asRecord)
      .filter((message) => message['role'] === 'tool')
      .map((message) => ({ callId: String(message['tool_call_id']), content: String(message['content']) }));
  }

  private script(scenario: (request: RecordedRequest) => Scenario): void {
    this.server().onChat = scenario;
  }

  private lastChatRequest(): RecordedRequest {
    const last = this.server().chatRequests().at(-1);
    if (!last) throw new Error('fake OpenAI: no chat request yet');
    return last;
  }

  private server(): FakeOpenAI {
    if (!this.fake) throw new Error('fake OpenAI: not started');
    return this.fake;
  }
}

export const openAIHarness: ProviderHarness = new OpenAIHarness();
