// The Gemini adapter against the fake generativelanguage API: contents/parts, streamGenerateContent?alt=sse whose
// finishReason frame is the terminator, x-goog-api-key auth, google.rpc.Status errors and in-band error frames.
import { GeminiAdapter } from '../../main/gateway/providers/gemini/adapter.js';
import {
  GeminiFake,
  apiKeyInvalid,
  contextTooLong,
  errorReply,
  internalError,
  overloaded,
  rateLimited,
  type GeminiScenario,
  type RecordedRequest,
} from '../fakes/gemini-fake.js';
import {
  asArray,
  asRecord,
  jsonSchema,
  jsonSchemaAnswer,
  pngBase64,
  remoteImageUrl,
  wavBase64,
  type AdapterOverrides,
  type ProviderHarness,
  type ScriptedFailure,
  type TokenUsage,
  type ToolResultSeen,
  type UpstreamRequest,
} from './harness.js';

const apiKey = 'AIzaSyCANARY-g3M8qT2vN6xK1pW9dR4hZ7';
const model = 'gemini-2.0-flash'; // no thinking, so the reported usage is exactly the scripted one

/** The parts of every user content. */
function userParts(body: unknown): Record<string, unknown>[] {
  return asArray(asRecord(body)['contents'])
    .map(asRecord)
    .filter((content) => content['role'] === 'user')
    .flatMap((content) => asArray(content['parts']).map(asRecord));
}

const partWith = (body: unknown, field: string): unknown => userParts(body).find((part) => part[field] !== undefined)?.[field];

function pickGeneration(body: unknown, ...fields: string[]): Record<string, unknown> {
  const generation = asRecord(asRecord(body)['generationConfig']);
  return Object.fromEntries(fields.filter((field) => generation[field] !== undefined).map((field) => [field, generation[field]]));
}

class GeminiHarness implements ProviderHarness {
  readonly name = 'gemini';
  readonly model = model;
  readonly apiKey = apiKey;
  readonly keyHeader = { name: 'x-goog-api-key', value: (key: string): string => key };
  readonly overloadedClass = 'overloaded'; // 503 UNAVAILABLE "The model is overloaded"
  readonly retryAfter = 'body'; // google.rpc.RetryInfo.retryDelay, not a header
  readonly capabilities = {
    images: [
      { name: 'data: URL → inlineData', extract: (body: unknown) => partWith(body, 'inlineData'), expected: { mimeType: 'image/png', data: pngBase64 } },
    ],
    remoteImages: [
      { name: 'https URL → fileData', extract: (body: unknown) => partWith(body, 'fileData'), expected: { mimeType: 'image/png', fileUri: remoteImageUrl } },
    ],
    audio: [
      {
        name: 'input_audio → inlineData audio/wav',
        extract: (body: unknown) => partWith(body, 'inlineData'),
        expected: { mimeType: 'audio/wav', data: wavBase64 },
      },
    ],
    json: [
      {
        name: 'json_schema → responseMimeType + responseJsonSchema',
        format: 'json_schema',
        extract: (body: unknown) => pickGeneration(body, 'responseMimeType', 'responseJsonSchema', 'responseSchema'),
        expected: { responseMimeType: 'application/json', responseJsonSchema: jsonSchema },
        answer: jsonSchemaAnswer,
      },
      {
        name: 'json_object → responseMimeType application/json',
        format: 'json_object',
        extract: (body: unknown) => pickGeneration(body, 'responseMimeType', 'responseJsonSchema', 'responseSchema'),
        expected: { responseMimeType: 'application/json' },
        answer: { message: `Hello from ${model}!` },
      },
    ],
  } as const;

  private fake: GeminiFake | undefined;

  async start(): Promise<void> {
    this.fake = await GeminiFake.start({ apiKey });
  }

  async stop(): Promise<void> {
    await this.fake?.close();
  }

  adapter(overrides: AdapterOverrides = {}): GeminiAdapter {
    const key = 'apiKey' in overrides ? overrides.apiKey : apiKey;
    return new GeminiAdapter({
      id: 'gemini',
      baseUrl: this.server().baseUrl,
      apiKey: () => key,
      ...(overrides.timeouts ? { timeouts: overrides.timeouts } : {}),
    });
  }

  reset(): void {
    this.server().onGenerate = undefined;
  }

  replyText(text: string, usage: TokenUsage): void {
    this.script({ kind: 'reply', text, usage: { promptTokenCount: usage.input, candidatesTokenCount: usage.output } });
  }

  replyToolCall(name: string, args: Record<string, unknown>): void {
    this.script({ kind: 'reply', functionCalls: [{ name, args }] });
  }

  failWith(kind: ScriptedFailure, retryAfterSeconds = 7): void {
    const replies: Record<ScriptedFailure, GeminiScenario> = {
      auth: apiKeyInvalid(),
      rate_limit: rateLimited(`${retryAfterSeconds}s`),
      overloaded: overloaded(),
      context_length: contextTooLong(),
      bad_request: errorReply(400, 'Invalid value at \'generation_config.temperature\' (TYPE_FLOAT), "hot"', 'INVALID_ARGUMENT'),
      server: internalError(),
    };
    this.script(replies[kind]);
  }

  /** Google's own API_KEY_INVALID answer, whose DebugInfo detail repeats the presented key. */
  failEchoingKey(key: string): void {
    this.script(apiKeyInvalid(key));
  }

  inBandErrorAfter(chunks: number): void {
    this.script({ kind: 'stream-error', afterFrames: chunks, text: 'one two three four five six' });
  }

  endWithoutTerminator(): void {
    this.script({ kind: 'no-finish', text: 'cut short before the end' });
  }

  stallBeforeHeaders(): void {
    this.script({ kind: 'stall-before-headers' });
  }

  stallAfterHeaders(): void {
    this.script({ kind: 'raw', writes: [], end: 'hold' });
  }

  slowStream(chunks: number, delayMs: number): void {
    this.script({ kind: 'reply', text: Array.from({ length: chunks }, () => 'slow').join(' '), frameDelayMs: delayMs });
  }

  requestCount(): number {
    return this.server().generateRequests().length;
  }

  lastUpstream(): UpstreamRequest {
    const last = this.lastGenerateRequest();
    return { path: last.path, headers: last.headers, body: last.body };
  }

  lastUpstreamClosed(timeoutMs: number): Promise<number> {
    return this.server().waitForRequestClose(this.lastGenerateRequest().index, timeoutMs);
  }

  /** Gemini's shape: functionResponse parts bound by function name (and Gemini's own call id, when it gave one). */
  toolResults(upstreamBody: unknown): ToolResultSeen[] {
    return userParts(upstreamBody)
      .map((part) => asRecord(part['functionResponse']))
      .filter((response) => typeof response['name'] === 'string')
      .map((response) => {
        const payload = asRecord(response['response']);
        return {
          toolName: String(response['name']),
          ...(typeof response['id'] === 'string' ? { callId: response['id'] } : {}),
          content: typeof payload['output'] === 'string' ? payload['output'] : JSON.stringify(payload),
        };
      });
  }

  private script(scenario: GeminiScenario): void {
    this.server().onGenerate = () => scenario;
  }

  private lastGenerateRequest(): RecordedRequest {
    const last = this.server().generateRequests().at(-1);
    if (!last) throw new Error('fake Gemini: no generate request yet');
    return last;
  }

  private server(): GeminiFake {
    if (!this.fake) throw new Error('fake Gemini: not started');
    return this.fake;
  }
}

export const geminiHarness: ProviderHarness = new GeminiHarness();
