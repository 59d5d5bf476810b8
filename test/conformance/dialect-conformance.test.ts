// One conformance suite every inbound dialect must pass (DESIGN.md, "Inbound dialects"): text, stream, tools, usage
// + ledger row, an error before the first byte, an in-band error after it, a client leaving mid-stream, and a budget
// 429 — each run twice: in-process (the endpoint handler called with a memory sink, over a GatewayState built here
// from real parts) and over loopback (a real Gateway and plain fetch / node:http). A case a dialect cannot have is an
// empty list in its harness (dialect-harness*.ts). The dialects: OpenAI chat completions, Anthropic Messages,
// Responses, OpenAI embeddings, Ollama's /api/chat and /api/embed, Gemini's generateContent and embedContent.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveConfig, type GatewayConfig } from '../../main/config/load.js';
import { configFileSchema } from '../../main/config/schema.js';
import { gatewayRoutes } from '../../main/gateway/dialects/index.js';
import { ollamaClientName } from '../../main/gateway/dialects/ollama/access.js';
import { startGateway, type Gateway } from '../../main/gateway/gateway.js';
import type { InboundRequest } from '../../main/gateway/http/answer-sink.js';
import { resolvedHandler } from '../../main/gateway/http/lazy-handler.js';
import type { GatewayState, RequestContext } from '../../main/gateway/http/context.js';
import { sendOpenAIError } from '../../main/gateway/http/errors.js';
import { RequestGuard } from '../../main/gateway/http/guard.js';
import { MemorySink } from '../../main/gateway/pipeline/memory-sink.js';
import { loadAdapters, ProviderRegistry } from '../../main/gateway/providers/registry.js';
import { ModelCatalog } from '../../main/gateway/routing/model-catalog.js';
import { RoutingService } from '../../main/gateway/routing/service.js';
import { setupMetering, type MeteringSetup } from '../../main/metering-setup.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { LedgerReader } from '../support/ledger-reader.js';
import { embeddingsHarness } from './dialect-harness-embeddings.js';
import { geminiEmbedHarness, geminiGenerateHarness } from './dialect-harness-gemini.js';
import { ollamaChatHarness, ollamaEmbedHarness } from './dialect-harness-ollama.js';
import {
  answerText,
  chatHarness,
  chatModel,
  embeddingsModel,
  messagesHarness,
  scriptStreamBreak,
  scriptToolCall,
  streamed,
  toolArguments,
  upstreamId,
  responsesHarness,
  weatherTool,
  type DialectHarness,
  type Shape,
  type StreamReading,
} from './dialect-harness.js';
import { asArray, asRecord } from './harness.js';
import { until, within } from './support.js';
import { StaticTokenVerifier } from '../../main/secrets/token-verifier.js';

const dialects: readonly DialectHarness[] = [
  chatHarness,
  messagesHarness,
  responsesHarness,
  embeddingsHarness,
  ollamaChatHarness,
  ollamaEmbedHarness,
  geminiGenerateHarness,
  geminiEmbedHarness,
];

/** The client every case calls as, and one whose budget (a daily $0 limit, action block) is spent from the start. */
const client = { name: 'conformance', token: 'sy-conformance-client-token-0001' };
const brokeClient = { name: 'broke', token: 'sy-conformance-broke-token-0002' };
type Client = typeof client;
const nativeResponsesId = 'native';
const nativeResponsesModel = 'conformance-native';

/** One answer as the client received it. */
interface Exchange {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A request the client left once it was ready to: what it had read by then, and when it left (performance.now()). */
interface Departure {
  readonly text: string;
  readonly leftAt: number;
}

/** How a request reaches the dialect's endpoint (the shape's, which for Gemini names the method in the path). */
interface Transport {
  readonly name: string;
  exchange(harness: DialectHarness, shape: Shape, body: unknown, as?: Client): Promise<Exchange>;
  /** sends the request and leaves as soon as `ready` (asked on every byte read and every 5 ms) says so */
  leave(harness: DialectHarness, shape: Shape, body: unknown, ready: (text: string) => boolean): Promise<Departure>;
}

const targetOf = (harness: DialectHarness, shape: Shape): string => harness.target?.(shape) ?? harness.path;

// ---------------------------------------------------------------------------------------------------------
// The world both transports share: one fake upstream, one config, one ledger

let fake: FakeOpenAI;
let dataDir: string;
let config: GatewayConfig;
let metering: MeteringSetup;
let ledger: LedgerReader;
const tokens = new StaticTokenVerifier([client, brokeClient]);

function suiteConfig(baseUrl: string): GatewayConfig {
  const file = configFileSchema.parse({
    server: { host: '127.0.0.1', port: 0 },
    providers: [
      { id: upstreamId, type: 'openai-compatible', base_url: baseUrl, locality: 'cloud' },
      // the same fake, as a provider that serves the Responses API itself: Responses requests pass through
      { id: nativeResponsesId, type: 'openai-compatible', base_url: baseUrl, locality: 'cloud', responses_api: true },
    ],
    // two targets each, so that "fails on every target" means both were tried
    routes: {
      [chatModel]: { targets: [`${upstreamId}/gpt-4o-mini`, `${upstreamId}/gpt-4.1`] },
      [embeddingsModel]: { targets: [`${upstreamId}/text-embedding-3-small`, `${upstreamId}/text-embedding-3-large`] },
      [nativeResponsesModel]: { targets: [`${nativeResponsesId}/gpt-4o-mini`] },
    },
    // no retries on the same target, and no circuit opening or offline switch from the error cases
    routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    ledger: { price_refresh: false },
    budgets: { clients: { [brokeClient.name]: { daily_usd: 0, action: 'block' } } },
    // the Ollama surface is off unless turned on; on, and on loopback, it also takes tokenless requests
    ollama_api: { enabled: true },
  });
  return resolveConfig(file, { path: undefined, env: {} });
}

beforeAll(async () => {
  fake = await FakeOpenAI.start({ models: ['gpt-4o-mini', 'gpt-4.1', 'text-embedding-3-small', 'text-embedding-3-large'] });
  dataDir = mkdtempSync(join(tmpdir(), 'sy-dialects-'));
  config = suiteConfig(fake.baseUrl);
  await loadAdapters(config.providers); // the in-process transport builds its registry itself
  metering = setupMetering({ dataDir, config, log: () => undefined });
  ledger = LedgerReader.open(dataDir);
});

afterAll(async () => {
  ledger?.close();
  await metering?.close();
  await fake?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------
// Transports

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The handler called directly, as http/dispatch.ts calls it, with a GatewayState built from real parts. */
function inProcessTransport(): Transport & { start(): void; stop(): Promise<void> } {
  let state: GatewayState | undefined;
  const run = (harness: DialectHarness, shape: Shape, body: unknown, as: Client, sink: MemorySink): Promise<void> => {
    if (!state) throw new Error('the in-process gateway state is not built yet');
    const controller = new AbortController();
    // the dispatcher's rule: a response that closes before it finished is a client that left
    sink.on('close', () => {
      if (!sink.writableFinished) controller.abort();
    });
    // the path's parameters and query as the dispatcher hands them over (Gemini's model and method, `alt=sse`)
    const [path = '', query = ''] = targetOf(harness, shape).split('?');
    const match = gatewayRoutes.match(path);
    const inbound: InboundRequest = {
      method: 'POST',
      path,
      query: new URLSearchParams(query),
      params: match?.params ?? {},
      headers: lowerCased(harness.headers(as.token)),
      body: Buffer.from(JSON.stringify(body)),
    };
    const context: RequestContext = { gateway: state, identity: { name: as.name }, signal: controller.signal, startedAt: performance.now(), corsHeaders: {} };
    const sendError = match?.endpoint.sendError ?? sendOpenAIError;
    // the route's POST handler, as the dispatcher picks it (the harness's own for its `path`, checked below)
    const handler = match?.endpoint.methods.POST ?? harness.handler;
    return handler(context, inbound, sink).catch((error: unknown) => {
      // what the dispatcher does with an error a handler throws
      if (sink.headersSent) sink.end();
      else if (!sink.destroyed) sendError(sink, error, {});
    });
  };
  return {
    name: 'in-process',
    start() {
      const registry = new ProviderRegistry(config.providers, () => undefined, config.routing.timeouts);
      const catalog = new ModelCatalog(registry);
      const { host, allowedHosts, allowedOrigins } = config.server;
      state = {
        config,
        registry,
        catalog,
        routing: new RoutingService(config, registry, catalog),
        tokens,
        guard: new RequestGuard({ port: 0, host, allowedHosts, allowedOrigins }),
        metering: metering.metering,
        budgets: metering.budgets,
        responses: metering.responses,
      };
    },
    async stop() {
      await state?.registry.close();
    },
    async exchange(harness, shape, body, as = client) {
      const sink = new MemorySink();
      await within(10_000, run(harness, shape, body, as, sink), `${harness.name}: the handler to finish`);
      return { status: sink.status ?? 0, headers: sink.headers, body: sink.text };
    },
    async leave(harness, shape, body, ready) {
      const sink = new MemorySink();
      const handled = run(harness, shape, body, client, sink);
      await until(() => ready(sink.text), 5_000, `${harness.name}: the moment to leave`);
      const text = sink.text;
      sink.close();
      const leftAt = performance.now();
      await within(5_000, handled, `${harness.name}: the handler to finish after the client left`);
      return { text, leftAt };
    },
  };
}

/** A real Gateway on 127.0.0.1, called with fetch, and with node:http for a client that cuts its socket. */
function loopbackTransport(): Transport & { start(): Promise<void>; stop(): Promise<void>; url(path: string): string } {
  let gateway: Gateway | undefined;
  const url = (path: string): string => {
    if (!gateway) throw new Error('the gateway is not started yet');
    return `${gateway.url}${path}`;
  };
  return {
    name: 'loopback',
    url,
    async start() {
      gateway = await startGateway({ config, tokens, env: {}, metering: metering.metering, budgets: metering.budgets, responses: metering.responses });
    },
    async stop() {
      await gateway?.stop(1_000);
    },
    async exchange(harness, shape, body, as = client) {
      const response = await fetch(url(targetOf(harness, shape)), {
        method: 'POST',
        headers: harness.headers(as.token),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    },
    leave(harness, shape, body, ready) {
      return within(
        5_000,
        new Promise<Departure>((resolve, reject) => {
          let text = '';
          const outgoing = httpRequest(url(targetOf(harness, shape)), { method: 'POST', headers: harness.headers(client.token) });
          const check = (): void => {
            if (!ready(text)) return;
            clearInterval(poll);
            // the client goes away: its socket is destroyed, whatever it was waiting for
            outgoing.destroy();
            resolve({ text, leftAt: performance.now() });
          };
          const poll = setInterval(check, 5);
          outgoing.on('response', (response) => {
            response.setEncoding('utf8');
            response.on('data', (chunk: string) => {
              text += chunk;
              check();
            });
            response.on('error', () => undefined);
            response.on('end', () => {
              clearInterval(poll);
              reject(new Error(`${harness.name}: the answer ended before the client was ready to leave`));
            });
          });
          outgoing.on('error', () => undefined);
          outgoing.end(JSON.stringify(body));
        }),
        `${harness.name}: the moment to leave, over loopback`,
      );
    },
  };
}

const inProcess = inProcessTransport();
const loopback = loopbackTransport();

// ---------------------------------------------------------------------------------------------------------
// Reading answers

function jsonOf(exchange: Exchange): unknown {
  expect(exchange.headers['content-type'], `a JSON answer: ${exchange.body.slice(0, 300)}`).toMatch(/^application\/json/);
  return JSON.parse(exchange.body) as unknown;
}

function streamOf(harness: DialectHarness, exchange: Exchange): StreamReading {
  expect(exchange.status, exchange.body.slice(0, 300)).toBe(200);
  expect(exchange.headers['content-type']).toMatch(harness.streamContentType ?? /^text\/event-stream/);
  return harness.parseStream(exchange.body);
}

/** A stream that ended well: its end marker exactly once, as the last event, and nothing a strict client rejects. */
function expectCleanEnd(reading: StreamReading): void {
  expect(reading.problems).toEqual([]);
  expect(reading.inBandErrors).toEqual([]);
  expect(reading.endMarkers, 'the end marker, exactly once').toBe(1);
  expect(reading.endedWithMarker, 'the end marker is the last event').toBe(true);
}

async function answerOf(
  transport: Transport,
  harness: DialectHarness,
  shape: Shape,
  body: unknown,
): Promise<{ exchange: Exchange; content: unknown; toolCall: unknown; usage: unknown }> {
  const exchange = await transport.exchange(harness, shape, body);
  if (!shape.stream) {
    expect(exchange.status, exchange.body.slice(0, 300)).toBe(200);
    const answer = harness.parseComplete(jsonOf(exchange));
    return { exchange, ...answer };
  }
  const reading = streamOf(harness, exchange);
  expectCleanEnd(reading);
  return { exchange, content: reading.deltas.join(''), toolCall: reading.toolCall, usage: reading.usage };
}

const shapeName = (shape: Shape): string => `${shape.stream ? 'stream' : 'whole answer'}${shape.variant ? `, ${shape.variant}` : ''}`;
/** ` (variant)` for a dialect's other form of a shape, nothing for the usual one */
const variantOf = (shape: Shape): string => (shape.variant ? ` (${shape.variant})` : '');

/** Registers one test per shape; an empty list registers none (the harness says why). */
function eachShape<S extends Shape>(shapes: readonly S[], title: (shape: S) => string, test: (shape: S) => Promise<void>): void {
  for (const shape of shapes) it(title(shape), () => test(shape));
}

// ---------------------------------------------------------------------------------------------------------
// The suite

describe.each([
  { transport: inProcess as Transport, start: () => inProcess.start(), stop: () => inProcess.stop() },
  { transport: loopback as Transport, start: () => loopback.start(), stop: () => loopback.stop() },
])('$transport.name', ({ transport, start, stop }) => {
  beforeAll(() => start());
  afterAll(() => stop());

  describe.each(dialects)('$name', (harness) => {
    beforeEach(() => {
      harness.scriptAnswer(fake);
      // rows a failed case left behind are written and set aside, so one failure does not fail the next case too
      metering.ledger.flush();
      ledger.skipAll();
    });

    it('is the route table’s POST handler for its path', async () => {
      expect(await resolvedHandler(gatewayRoutes.match(harness.path)?.endpoint.methods.POST)).toBe(harness.handler);
    });

    eachShape(
      harness.cases.text,
      (shape) => `1. text (${shapeName(shape)}): the answer is the upstream’s`,
      async (shape) => {
        const expected = harness.scriptAnswer(fake);
        const answer = await answerOf(transport, harness, shape, harness.request(shape));
        expect(answer.content).toEqual(expected.content);
        await ledger.newRow();
      },
    );

    eachShape(
      harness.cases.stream,
      (shape) => `2. stream${variantOf(shape)}: the deltas make the text, the end marker once and last`,
      async (shape) => {
        const expected = harness.scriptAnswer(fake);
        const reading = streamOf(harness, await transport.exchange(harness, shape, harness.request(shape)));
        expectCleanEnd(reading);
        expect(reading.deltas.length, 'the text arrives in several deltas').toBeGreaterThan(1);
        expect(reading.deltas.join('')).toBe(expected.content);
        await ledger.newRow();
      },
    );

    eachShape(
      harness.cases.tools,
      (shape) => `3. tools (${shapeName(shape)}): the client sees the tool call in its dialect`,
      async (shape) => {
        scriptToolCall(fake);
        const answer = await answerOf(transport, harness, shape, harness.request(shape, { tool: true }));
        expect(answer.toolCall).toEqual({ name: weatherTool.name, arguments: toolArguments });
        // the tool reached the upstream as an OpenAI function tool, whatever the dialect wrote
        const upstreamTools = asArray(asRecord(harness.upstreamCalls(fake).at(-1)?.body)['tools']).map((tool) => asRecord(asRecord(tool)['function'])['name']);
        expect(upstreamTools).toEqual([weatherTool.name]);
        await ledger.newRow();
      },
    );

    eachShape(
      harness.cases.usage,
      (shape) => `4. usage + ledger row (${shapeName(shape)})`,
      async (shape) => {
        const expected = harness.scriptAnswer(fake);
        const answer = await answerOf(transport, harness, shape, harness.request(shape));
        expect(answer.usage, harness.usageInAnswer === false ? 'the dialect’s answer has no token counts' : 'the upstream’s counts').toEqual(
          harness.usageInAnswer === false ? undefined : expected.usage,
        );
        const row = await ledger.newRow();
        expect(row).toMatchObject({
          endpoint: harness.endpoint,
          status: 'ok',
          http_status: 200,
          input_tokens: expected.usage.input,
          output_tokens: expected.usage.output,
          tokens_estimated: 0,
          provider_id: harness.answeredBy.providerId,
          model: harness.answeredBy.model,
          requested_model: harness.model,
          route: harness.model,
          client_token_name: client.name,
          stream: shape.stream ? 1 : 0,
        });
        expect(answer.exchange.headers['x-switchyard-request-id'], 'the answer names its ledger row').toBe(row.id);
      },
    );

    eachShape(
      harness.cases.errorBeforeFirstByte,
      (failure) => `5. error before the first byte (${shapeName(failure)}, upstream ${failure.upstreamStatus} on every target)`,
      async (failure) => {
        harness.scriptFailure(fake, failure.upstreamStatus);
        const before = harness.upstreamCalls(fake).length;
        const exchange = await transport.exchange(harness, failure, harness.request(failure));
        expect(exchange.status, 'the upstream status is kept').toBe(failure.upstreamStatus);
        const error = harness.errorBody(jsonOf(exchange));
        expect(error.message.length).toBeGreaterThan(0);
        if (error.httpCode !== undefined) expect(error.httpCode, 'the body names the HTTP status').toBe(failure.upstreamStatus);
        if (harness.errorTypeFor) expect(error.type).toBe(harness.errorTypeFor(failure.upstreamStatus));
        expect(harness.upstreamCalls(fake).length - before, 'both targets were tried').toBe(2);
        const row = await ledger.newRow();
        expect(row).toMatchObject({
          endpoint: harness.endpoint,
          status: 'error',
          http_status: failure.upstreamStatus,
          requested_model: harness.model,
          stream: failure.stream ? 1 : 0,
        });
        expect(exchange.headers['x-switchyard-request-id'], 'the error names its ledger row').toBe(row.id);
      },
    );

    eachShape(
      harness.cases.inBandError,
      (shape) => `6. in-band error after the first byte${variantOf(shape)} (upstream ${shape.upstreamBreak}): the chunks sent, one error, no end marker`,
      async (shape) => {
        const expected = harness.scriptAnswer(fake);
        scriptStreamBreak(fake, shape.upstreamBreak, 2);
        const reading = streamOf(harness, await transport.exchange(harness, shape, harness.request(shape)));
        expect(reading.problems).toEqual([]);
        expect(reading.deltas.join(''), 'the text sent before the failure').toBe(expected.firstPieces(2));
        expect(reading.inBandErrors, 'exactly one in-band error').toHaveLength(1);
        expect(reading.endedWithError, 'the error is the last event').toBe(true);
        expect(reading.endMarkers, 'no end marker after an error').toBe(0);
        const row = await ledger.newRow();
        expect(row).toMatchObject({ endpoint: harness.endpoint, status: 'error', stream: 1, provider_id: harness.answeredBy.providerId });
      },
    );

    eachShape(
      harness.cases.abort,
      (shape) => `7. client abort (${shape.stream ? 'mid-stream' : 'before the whole answer'}): the upstream request is closed, the row is cancelled`,
      async (shape) => {
        harness.scriptSlowAnswer(fake);
        const before = harness.upstreamCalls(fake).length;
        // a stream is left after its first delta; a whole answer once the upstream is working on it
        const ready = shape.stream ? (text: string) => harness.parseStream(text).deltas.length > 0 : () => harness.upstreamCalls(fake).length > before;
        const departure = await transport.leave(harness, shape, harness.request(shape), ready);
        const upstream = harness.upstreamCalls(fake)[before];
        if (!upstream) throw new Error('the request reached no upstream');
        const closedAt = await fake.waitForRequestClose(upstream.index, 3_000);
        expect(closedAt - departure.leftAt, 'the upstream request closed promptly after the client left').toBeLessThan(1_000);
        expect(fake.requestState(upstream.index).completed, 'the upstream did not get to finish its answer').toBe(false);
        expect(harness.upstreamCalls(fake).length - before, 'no other target was tried for a client that left').toBe(1);
        const row = await ledger.newRow();
        expect(row).toMatchObject({ endpoint: harness.endpoint, status: 'cancelled', stream: shape.stream ? 1 : 0, client_token_name: client.name });
      },
    );

    eachShape(
      harness.cases.budget,
      (shape) => `8. budget exceeded (block, ${shapeName(shape)}): 429 in the dialect’s shape, no upstream call`,
      async (shape) => {
        const before = harness.upstreamCalls(fake).length;
        const exchange = await transport.exchange(harness, shape, harness.request(shape), brokeClient);
        expect(exchange.status, exchange.body.slice(0, 300)).toBe(429);
        const error = harness.errorBody(jsonOf(exchange));
        expect(error.message).toContain('budget');
        if (error.httpCode !== undefined) expect(error.httpCode, 'the body names the HTTP status').toBe(429);
        if (harness.errorTypeFor) expect(error.type).toBe(harness.errorTypeFor(429));
        if (error.code !== undefined) expect(error.code).toBe('budget_exceeded');
        expect(exchange.headers['x-should-retry'], 'SDKs must not retry a spent budget').toBe('false');
        expect(harness.upstreamCalls(fake).length, 'no upstream call').toBe(before);
        const row = await ledger.newRow();
        expect(row).toMatchObject({ endpoint: harness.endpoint, status: 'error', http_status: 429, client_token_name: brokeClient.name });
      },
    );
  });

  // The Responses dialect also passes through to a target that serves the Responses API itself: its events go out as
  // they came, and a failure is still one response.failed, well bracketed (the other dialects' passthrough paths are
  // covered by their own e2e suites; Responses writes its own response.failed there, so it is checked here too).
  describe('Responses passthrough', () => {
    const harness = responsesHarness;
    const request = (): Record<string, unknown> => ({ ...harness.request({ stream: true }), model: nativeResponsesModel });
    beforeEach(() => {
      fake.onResponses = () => ({ kind: 'reply', text: answerText });
      metering.ledger.flush();
      ledger.skipAll();
    });

    it('2. stream: the upstream’s events, the deltas make the text, response.completed once and last', async () => {
      const reading = streamOf(harness, await transport.exchange(harness, { stream: true }, request()));
      expectCleanEnd(reading);
      expect(reading.deltas.join('')).toBe(answerText);
      expect(await ledger.newRow()).toMatchObject({ endpoint: 'responses', status: 'ok', provider_id: nativeResponsesId, stream: 1 });
    });

    const breaks = [
      { name: 'the upstream’s own response.failed', scenario: { kind: 'failed-after', contentDeltas: 2, text: answerText } as const },
      // the gateway writes response.failed itself here (responses/native.ts, passthroughFrames)
      { name: 'the upstream ended without response.completed', scenario: { kind: 'end-without-completed', text: answerText } as const },
    ];
    for (const { name, scenario } of breaks) {
      it(`6. in-band error after the first byte (${name}): one well-bracketed response.failed, no response.completed`, async () => {
        fake.onResponses = () => scenario;
        const reading = streamOf(harness, await transport.exchange(harness, { stream: true }, request()));
        expect(reading.problems, 'a strict Responses client accepts the stream').toEqual([]);
        expect(reading.deltas.length).toBeGreaterThan(0);
        expect(answerText.startsWith(reading.deltas.join(''))).toBe(true);
        expect(reading.inBandErrors, 'exactly one in-band error').toHaveLength(1);
        expect(reading.endedWithError, 'response.failed is the last event').toBe(true);
        expect(reading.endMarkers).toBe(0);
        expect(await ledger.newRow()).toMatchObject({ endpoint: 'responses', status: 'error', provider_id: nativeResponsesId, stream: 1 });
      });
    }
  });

  // Ollama's clients send no key. With ollama_api.enabled and Switchyard on loopback, a request that presents no token
  // is served and filed under its own client name (dialects/ollama/access.ts); a wrong token is still refused. The
  // rule asks the socket's peer, so it is checked over loopback alone: in-process there is no socket to ask.
  if (transport === loopback) {
    describe('Ollama /api/chat without a token', () => {
      const harness = ollamaChatHarness;
      const post = async (headers: Record<string, string>): Promise<Exchange> => {
        const response = await fetch(loopback.url(harness.path), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify(harness.request(streamed)),
          signal: AbortSignal.timeout(10_000),
        });
        return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
      };
      beforeEach(() => {
        harness.scriptAnswer(fake);
        metering.ledger.flush();
        ledger.skipAll();
      });

      const credentials: ReadonlyArray<{ readonly name: string; readonly headers: Record<string, string> }> = [
        { name: 'no credential (the ollama client)', headers: {} },
        { name: 'an empty `Authorization: Bearer ` (GitHub Copilot)', headers: { authorization: 'Bearer ' } },
      ];
      for (const { name, headers } of credentials) {
        it(`${name}: the stream is answered and filed under '${ollamaClientName}'`, async () => {
          const reading = streamOf(harness, await post(headers));
          expectCleanEnd(reading);
          expect(reading.deltas.join('')).toBe(answerText);
          expect(await ledger.newRow()).toMatchObject({ endpoint: 'chat', status: 'ok', stream: 1, client_token_name: ollamaClientName });
        });
      }

      it('a wrong token is refused: 401 in Ollama’s shape, no upstream call', async () => {
        const before = harness.upstreamCalls(fake).length;
        const exchange = await post({ authorization: 'Bearer sy-conformance-wrong-token-0003' });
        expect(exchange.status, exchange.body.slice(0, 300)).toBe(401);
        expect(harness.errorBody(jsonOf(exchange)).message.length).toBeGreaterThan(0);
        expect(harness.upstreamCalls(fake).length).toBe(before);
      });
    });
  }
});
