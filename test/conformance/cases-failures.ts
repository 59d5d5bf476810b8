// Conformance cases for failures: every error class classified with the provider's real bodies (whole and streamed
// requests), keys kept out of errors, in-band stream errors, missing terminators, client aborts that must close the
// upstream within a second, and silence that must end as a timeout.
import { expect, it } from 'vitest';
import { ProviderError } from '../../main/gateway/providers/errors.js';
import { openGate } from '../../main/gateway/streaming/gate.js';
import type { StreamPart } from '../../main/gateway/providers/types.js';
import type { ScriptedFailure } from './harness.js';
import type { SuiteContext } from './cases-answers.js';
import { chatCall, chunksOf, collect, contentOf, drain, errorPartOf, expectNoKey, rejectionOf, streamOf, until, within } from './support.js';
import type { ProviderErrorClass } from '../../main/config/types.js';

interface Expectation {
  readonly errorClass: ProviderErrorClass;
  readonly retryable: boolean;
}

const retryAfterSeconds = 7;
const abortBudgetMs = 1_000;
const shortTimeouts = { connectMs: 1_000, headersMs: 300, bodyIdleMs: 300 };

export function errorCases(context: SuiteContext): void {
  const { harness } = context;
  const expectations: Record<ScriptedFailure, Expectation> = {
    auth: { errorClass: 'auth', retryable: false },
    rate_limit: { errorClass: 'rate_limit', retryable: true },
    overloaded: { errorClass: harness.overloadedClass, retryable: true },
    context_length: { errorClass: 'context_length', retryable: false },
    bad_request: { errorClass: 'bad_request', retryable: false },
    server: { errorClass: 'server', retryable: true },
  };

  for (const mode of ['non-stream', 'stream'] as const) {
    for (const kind of Object.keys(expectations) as ScriptedFailure[]) {
      const expected = expectations[kind];
      const retryNote =
        kind === 'rate_limit'
          ? harness.retryAfter === 'unscriptable'
            ? ' (no Retry-After scriptable)'
            : ` with retryAfterMs from the ${harness.retryAfter}`
          : '';
      it(`${kind} (${mode}) → '${expected.errorClass}', ${expected.retryable ? 'retryable' : 'not retryable'}${retryNote}, one upstream call, no key in the error`, async () => {
        harness.failWith(kind, retryAfterSeconds);
        const before = harness.requestCount();
        const error = await rejectionOf(context.adapter().chat(chatCall(harness, { stream: mode === 'stream' })));
        expect({ errorClass: error.errorClass, retryable: error.retryable, kind: error.kind }).toEqual({ ...expected, kind: 'http' });
        expect(error.status).toBeGreaterThanOrEqual(400);
        if (kind === 'rate_limit' && harness.retryAfter !== 'unscriptable') expect(error.retryAfterMs).toBe(retryAfterSeconds * 1000);
        expect(harness.requestCount() - before, 'adapters never retry on their own').toBe(1);
        expectNoKey(error, harness.apiKey);
      });
    }
  }

  it('an error body that echoes the configured key verbatim: auth, and no piece of the key in the error', async () => {
    harness.failEchoingKey(harness.apiKey);
    const error = await rejectionOf(context.adapter().chat(chatCall(harness, {})));
    expect(error.errorClass).toBe('auth');
    expect(error.retryable).toBe(false);
    expectNoKey(error, harness.apiKey);
  });

  it("a wrong key: the upstream's own auth answer (which may echo it, masked or whole) → auth, no piece of that key in the error", async () => {
    const wrongKey = `${harness.apiKey.slice(0, -8)}WR0NGk3Y`;
    // fakes that check keys answer before any script; the Ollama fake checks none, so the script answers there
    harness.failWith('auth');
    const error = await rejectionOf(context.extraAdapter({ apiKey: wrongKey }).chat(chatCall(harness, {})));
    expect(harness.lastUpstream().headers[harness.keyHeader.name]).toBe(harness.keyHeader.value(wrongKey));
    expect(error.errorClass).toBe('auth');
    expect(error.retryable).toBe(false);
    expectNoKey(error, wrongKey);
  });
}

export function streamFaultCases(context: SuiteContext): void {
  const { harness } = context;

  it('in-band error after 2 content chunks: the gate opens, those chunks, then one server error part (retryable)', async () => {
    harness.inBandErrorAfter(2);
    const gate = await within(5_000, openGate(streamOf(await context.adapter().chat(chatCall(harness, { stream: true })))), 'the gate');
    if (gate.kind !== 'open') throw new Error(`the gate failed before any content: ${gate.error.message}`);
    const parts: StreamPart[] = [...gate.head, ...(await drain(gate.rest))];
    expect(contentOf(parts)).toBe('one two');
    const error = errorPartOf(parts);
    expect({ kind: error.kind, errorClass: error.errorClass, retryable: error.retryable }).toEqual({ kind: 'in-band', errorClass: 'server', retryable: true });
    expectNoKey(error, harness.apiKey);
  });

  it('an error before any content: nothing passes the gate (a stream whose gate fails, or an HTTP error), class server, retryable', async () => {
    harness.inBandErrorAfter(0);
    const error = await failureBeforeContent(context);
    expect(error.errorClass).toBe('server');
    expect(error.retryable).toBe(true);
  });

  it('a stream that ends without its terminator: an error part (protocol, retryable), never done', async () => {
    harness.endWithoutTerminator();
    const parts = await collect(streamOf(await context.adapter().chat(chatCall(harness, { stream: true }))));
    const error = errorPartOf(parts);
    expect({ kind: error.kind, errorClass: error.errorClass, retryable: error.retryable }).toEqual({
      kind: 'protocol',
      errorClass: 'protocol',
      retryable: true,
    });
  });

  it(`client abort before the headers: chat() rejects as cancelled and the upstream closes within ${abortBudgetMs} ms`, async () => {
    harness.stallBeforeHeaders();
    const controller = new AbortController();
    const before = harness.requestCount();
    const settled = context
      .adapter()
      .chat(chatCall(harness, { stream: true }, { signal: controller.signal }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await until(() => harness.requestCount() > before, 5_000, 'the request to reach the fake');
    const abortedAt = performance.now();
    controller.abort();
    const closedAt = await harness.lastUpstreamClosed(5_000);
    expect(closedAt - abortedAt).toBeLessThan(abortBudgetMs);
    const error = await within(5_000, settled, 'chat() to settle');
    if (!(error instanceof ProviderError)) throw new Error(`expected chat() to reject with a ProviderError, got ${String(error)}`);
    expect(error.errorClass).toBe('cancelled');
    expect(error.retryable).toBe(false);
  });

  it(`client abort before the first token: the gate fails as cancelled and the upstream closes within ${abortBudgetMs} ms`, async () => {
    harness.stallAfterHeaders();
    const controller = new AbortController();
    const parts = streamOf(await context.adapter().chat(chatCall(harness, { stream: true }, { signal: controller.signal })));
    const gate = openGate(parts);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const abortedAt = performance.now();
    controller.abort();
    const closedAt = await harness.lastUpstreamClosed(5_000);
    expect(closedAt - abortedAt).toBeLessThan(abortBudgetMs);
    const result = await within(5_000, gate, 'the gate to settle');
    if (result.kind === 'open') throw new Error(`the gate opened on ${JSON.stringify(result.head)}`);
    expect(result.error.errorClass).toBe('cancelled');
  });

  it(`client abort mid-stream: the upstream closes within ${abortBudgetMs} ms and the stream ends with a cancelled error part`, async () => {
    harness.slowStream(40, 50);
    const controller = new AbortController();
    const parts = streamOf(await context.adapter().chat(chatCall(harness, { stream: true }, { signal: controller.signal })));
    const iterator = parts[Symbol.asyncIterator]();
    const seen: StreamPart[] = [];
    await within(
      5_000,
      (async () => {
        while (contentOf(seen) === '') {
          const next = await iterator.next();
          if (next.done) throw new Error('the stream ended before any content');
          seen.push(next.value);
        }
      })(),
      'the first content chunk',
    );
    const abortedAt = performance.now();
    controller.abort();
    const closedAt = await harness.lastUpstreamClosed(5_000);
    expect(closedAt, 'the upstream was still streaming when the client left').toBeGreaterThanOrEqual(abortedAt - 1);
    expect(closedAt - abortedAt).toBeLessThan(abortBudgetMs);
    const rest = await drain(iterator);
    const error = errorPartOf([...seen, ...rest]);
    expect(error.errorClass).toBe('cancelled');
    expect(chunksOf(rest).length, 'no more than the chunks already buffered').toBeLessThan(40);
  });

  it('silence before the headers past the headers timeout: chat() rejects as timeout, retryable', async () => {
    harness.stallBeforeHeaders();
    const adapter = context.extraAdapter({ timeouts: shortTimeouts });
    const error = await rejectionOf(within(5_000, adapter.chat(chatCall(harness, { stream: true })), 'the headers timeout'));
    expect({ errorClass: error.errorClass, retryable: error.retryable }).toEqual({ errorClass: 'timeout', retryable: true });
  });

  it('silence after the headers past the idle timeout: a timeout error part, retryable', async () => {
    harness.stallAfterHeaders();
    const adapter = context.extraAdapter({ timeouts: shortTimeouts });
    const parts = await collect(streamOf(await adapter.chat(chatCall(harness, { stream: true }))));
    const error = errorPartOf(parts);
    expect({ errorClass: error.errorClass, retryable: error.retryable }).toEqual({ errorClass: 'timeout', retryable: true });
  });
}

/** The failure of a stream that errs before its first content: a gate that fails, or (Ollama) an HTTP error. */
async function failureBeforeContent(context: SuiteContext): Promise<ProviderError> {
  let outcome;
  try {
    outcome = await context.adapter().chat(chatCall(context.harness, { stream: true }));
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  const gate = await within(5_000, openGate(streamOf(outcome)), 'the gate');
  if (gate.kind === 'open') throw new Error(`the gate opened on ${JSON.stringify(gate.head)}`);
  return gate.error;
}
