// The Anthropic adapter against the fake Messages API: content blocks, `event:` SSE with message_stop as terminator,
// x-api-key auth, Anthropic's typed error bodies and its in-band `event: error`.
import { AnthropicAdapter } from '../../main/gateway/providers/anthropic/adapter.js';
import {
  FakeAnthropic,
  apiError,
  defaultScenario,
  errorBody,
  invalidApiKey,
  invalidRequest,
  overloaded,
  promptTooLong,
  rateLimited,
  type RecordedRequest,
  type Scenario,
} from '../fakes/anthropic-fake.js';
import {
  asArray,
  asRecord,
  jsonSchema,
  jsonSchemaAnswer,
  pngBase64,
  remoteImageUrl,
  type AdapterOverrides,
  type ProviderHarness,
  type ScriptedFailure,
  type TokenUsage,
  type ToolResultSeen,
  type UpstreamRequest,
} from './harness.js';

const apiKey = 'sk-ant-api03-CANARY-5Bk2Mw8Fz1Lq6Dh3Rx9Jc';

/** The blocks of every user turn (Anthropic merges consecutive user content into one turn). */
function userBlocks(body: unknown): Record<string, unknown>[] {
  return asArray(asRecord(body)['messages'])
    .map(asRecord)
    .filter((message) => message['role'] === 'user')
    .flatMap((message) => asArray(message['content']).map(asRecord));
}

const imageBlock = (body: unknown): unknown => userBlocks(body).find((block) => block['type'] === 'image');

/** A tool_result's content: a string, or text blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return asArray(content)
    .map((block) => asRecord(block)['text'])
    .filter((text): text is string => typeof text === 'string')
    .join('');
}

class AnthropicHarness implements ProviderHarness {
  readonly name = 'anthropic';
  readonly model = 'claude-sonnet-4-5-20250929';
  readonly apiKey = apiKey;
  readonly keyHeader = { name: 'x-api-key', value: (key: string): string => key };
  readonly overloadedClass = 'overloaded'; // 529 overloaded_error
  readonly retryAfter = 'header';
  readonly capabilities = {
    images: [
      {
        name: 'data: URL → image block with a base64 source',
        extract: imageBlock,
        expected: { type: 'image', source: { type: 'base64', media_type: 'image/png', data: pngBase64 } },
      },
    ],
    remoteImages: [
      { name: 'https URL → image block with a url source', extract: imageBlock, expected: { type: 'image', source: { type: 'url', url: remoteImageUrl } } },
    ],
    // The Messages API takes no audio; the adapter refuses input_audio parts.
    audio: [],
    json: [
      {
        name: 'json_schema → output_config.format (native structured outputs)',
        format: 'json_schema',
        extract: (body: unknown) => asRecord(asRecord(body)['output_config'])['format'],
        expected: { type: 'json_schema', schema: jsonSchema },
        answer: jsonSchemaAnswer,
      },
      {
        name: 'json_schema on a model without structured outputs → a forced `json` tool, turned back into text',
        model: 'claude-3-5-haiku-20241022',
        format: 'json_schema',
        extract: (body: unknown) => ({ tools: asRecord(body)['tools'], tool_choice: asRecord(body)['tool_choice'] }),
        expected: {
          tools: [{ name: 'json', description: 'Respond with a JSON object.', input_schema: jsonSchema }],
          tool_choice: { type: 'tool', name: 'json' },
        },
        answer: jsonSchemaAnswer,
      },
      {
        name: 'json_object → a forced `json` tool with an open object schema',
        format: 'json_object',
        extract: (body: unknown) => asRecord(body)['tool_choice'],
        expected: { type: 'tool', name: 'json' },
        answer: {},
      },
    ],
  } as const;

  private fake: FakeAnthropic | undefined;

  async start(): Promise<void> {
    this.fake = await FakeAnthropic.start({ apiKey });
  }

  async stop(): Promise<void> {
    await this.fake?.close();
  }

  adapter(overrides: AdapterOverrides = {}): AnthropicAdapter {
    const key = 'apiKey' in overrides ? overrides.apiKey : apiKey;
    return new AnthropicAdapter({
      id: 'anthropic',
      baseUrl: this.server().baseUrl,
      apiKey: () => key,
      ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    });
  }

  reset(): void {
    this.server().onMessages = defaultScenario;
  }

  replyText(text: string, usage: TokenUsage): void {
    this.script({ kind: 'reply', content: [{ type: 'text', text }], usage: { inputTokens: usage.input, outputTokens: usage.output } });
  }

  replyToolCall(name: string, args: Record<string, unknown>): void {
    this.script({ kind: 'reply', content: [{ type: 'tool_use', name, input: args }] });
  }

  failWith(kind: ScriptedFailure, retryAfterSeconds = 7): void {
    const replies: Record<ScriptedFailure, Scenario> = {
      auth: invalidApiKey(),
      rate_limit: rateLimited(retryAfterSeconds),
      overloaded: overloaded(),
      context_length: promptTooLong(),
      bad_request: invalidRequest('max_tokens: Input should be less than or equal to 64000'),
      server: apiError(),
    };
    this.script(replies[kind]);
  }

  failEchoingKey(key: string): void {
    this.script({ kind: 'error', status: 401, body: errorBody('authentication_error', `invalid x-api-key: ${key}`) });
  }

  inBandErrorAfter(chunks: number): void {
    this.script({
      kind: 'in-band-error-after',
      deltas: chunks,
      content: [{ type: 'text', text: 'one two three four five six' }],
      error: { type: 'api_error', message: 'Internal server error' },
    });
  }

  endWithoutTerminator(): void {
    this.script({ kind: 'end-without-message-stop', content: [{ type: 'text', text: 'cut short before the end' }] });
  }

  stallBeforeHeaders(): void {
    this.script({ kind: 'stall-before-headers' });
  }

  stallAfterHeaders(): void {
    this.script({ kind: 'stall-after-headers', maxMs: 30_000 });
  }

  slowStream(chunks: number, delayMs: number): void {
    this.script({ kind: 'slow', chunks, chunkDelayMs: delayMs });
  }

  requestCount(): number {
    return this.server().messageRequests().length;
  }

  lastUpstream(): UpstreamRequest {
    const last = this.lastMessagesRequest();
    return { path: last.path, headers: last.headers, body: last.body };
  }

  lastUpstreamClosed(timeoutMs: number): Promise<number> {
    return this.server().waitForRequestClose(this.lastMessagesRequest().index, timeoutMs);
  }

  /** Anthropic's shape: tool_result blocks in a user turn, bound by tool_use_id. */
  toolResults(upstreamBody: unknown): ToolResultSeen[] {
    return userBlocks(upstreamBody)
      .filter((block) => block['type'] === 'tool_result')
      .map((block) => ({ callId: String(block['tool_use_id']), content: resultText(block['content']) }));
  }

  private script(scenario: Scenario): void {
    this.server().onMessages = () => scenario;
  }

  private lastMessagesRequest(): RecordedRequest {
    const last = this.server().messageRequests().at(-1);
    if (!last) throw new Error('fake Anthropic: no messages request yet');
    return last;
  }

  private server(): FakeAnthropic {
    if (!this.fake) throw new Error('fake Anthropic: not started');
    return this.fake;
  }
}

export const anthropicHarness: ProviderHarness = new AnthropicHarness();
