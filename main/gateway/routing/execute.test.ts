// The fallback loop, driven without sockets: in-memory adapters return scripted outcomes (errors, complete
// responses, streams that fail before or after their first content, upstreams that never answer), `sleep`
// records the backoff instead of waiting, and `random` is fixed.
import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatCompletion, ChatCompletionChunk, ChatRequest, ChunkDelta } from '../../../shared/openai-types.js';
import { defaultCloudTimeouts, defaultLocalTimeouts, type RouteSettings, type RoutingSettings } from '../../config/routing.js';
import { ProviderError, isRetryableClass, type ProviderErrorInit } from '../providers/errors.js';
import type { ChatCall, ChatOutcome, ModelDetails, ProbeResult, ProviderAdapter, ProviderModel, StreamPart, RequestFormat } from '../providers/types.js';
import { ExecutionError, executeChat, formatAttempts, type ExecuteOptions, type Executed } from './execute.js';
import { HealthTracker } from './health.js';
import type { Skip } from './order.js';
import type { Candidate } from './plan.js';
import type { Locality, ProviderErrorClass } from '../../config/types.js';
import { defaultBackoff, defaultCircuit } from '../../config/defaults.js';

// ---------------------------------------------------------------------------------------------------------------
// Scripted providers

type StreamStep = StreamPart | { readonly hang: true } | { readonly delayMs: number };
type Step =
  | { readonly fail: ProviderError }
  | { readonly throws: unknown }
  | { readonly complete: true }
  | { readonly stream: readonly StreamStep[] }
  | { readonly hang: true };

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

function completion(model: string): ChatCompletion {
  return {
    id: 'cmpl',
    object: 'chat.completion',
    created: 0,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: `hello from ${model}` }, finish_reason: 'stop' }],
  };
}

/** Each model follows its own script, one step per call; the last step repeats. Unscripted models answer. */
class FakeProvider implements ProviderAdapter {
  readonly type = 'fake';
  readonly baseUrl = 'http://fake.invalid';
  readonly forwards = new Set<RequestFormat>();
  readonly calls: ChatCall[] = [];
  /** streams this provider handed out, and whether each was closed */
  readonly streams: Array<{ closed: boolean }> = [];
  /** runs when chat() is called, before the step (to abort the client signal mid-attempt, say) */
  onCall: ((call: ChatCall) => void) | undefined;

  constructor(
    readonly id: string,
    readonly locality: Locality,
    private readonly scripts: Record<string, Step[]> = {},
  ) {}

  async chat(call: ChatCall): Promise<ChatOutcome> {
    this.calls.push(call);
    this.onCall?.(call);
    const script = this.scripts[call.upstreamModel];
    const step: Step = (script && script.length > 1 ? script.shift() : script?.[0]) ?? { complete: true };
    if ('fail' in step) throw step.fail;
    if ('throws' in step) throw step.throws;
    if ('hang' in step) return untilAborted(call.signal);
    if ('complete' in step) return { kind: 'complete', response: completion(call.upstreamModel) };
    const record = { closed: false };
    this.streams.push(record);
    return { kind: 'stream', parts: play(step.stream, call.signal, record) };
  }

  listModels(): Promise<ProviderModel[]> {
    return Promise.resolve([]);
  }

  probe(): Promise<ProbeResult> {
    return Promise.resolve({ reachable: true, detail: 'fake' });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

async function* play(steps: readonly StreamStep[], signal: AbortSignal, record: { closed: boolean }): AsyncGenerator<StreamPart> {
  try {
    for (const step of steps) {
      if ('hang' in step) await untilAborted(signal);
      else if ('delayMs' in step) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      else yield step;
    }
  } finally {
    record.closed = true;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parts, errors, candidates

function chunk(delta: ChunkDelta): StreamPart {
  const value: ChatCompletionChunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: null }] };
  return { type: 'chunk', chunk: value };
}
const role = chunk({ role: 'assistant' });
const text = (content: string): StreamPart => chunk({ content });
const done: StreamPart = { type: 'done' };

function providerError(errorClass: ProviderErrorClass, init: Partial<ProviderErrorInit> = {}): ProviderError {
  const status =
    {
      rate_limit: 429,
      overloaded: 529,
      auth: 401,
      permission: 403,
      not_found: 404,
      bad_request: 400,
      context_length: 400,
      quota: 429,
      server: 500,
      unavailable: 503,
      timeout: 504,
    }[errorClass as string] ?? 502;
  return new ProviderError({
    kind: 'http',
    errorClass,
    status,
    message: `${errorClass} upstream`,
    providerId: 'fake',
    retryable: isRetryableClass(errorClass),
    ...init,
  });
}
const inBand = (errorClass: 'rate_limit' | 'overloaded' | 'server'): StreamPart => ({ type: 'error', error: providerError(errorClass, { kind: 'in-band' }) });

function candidate(name: string, locality: Locality = 'cloud'): Candidate {
  const slash = name.indexOf('/');
  return { providerId: name.slice(0, slash), model: name.slice(slash + 1), locality, origin: 'route' };
}

const request: ChatRequest = { model: 'smart', messages: [{ role: 'user', content: 'hi' }] };

const routing: RoutingSettings = {
  numRetries: 1,
  maxAttempts: 4,
  backoff: defaultBackoff,
  circuit: { ...defaultCircuit, allowedFails: 100 },
  defaultFallbacks: [],
  offline: false,
  autoOffline: true,
  timeouts: { local: defaultLocalTimeouts, cloud: defaultCloudTimeouts },
  recoveryCheckMs: 15_000,
};

interface Harness {
  readonly options: ExecuteOptions;
  readonly delays: number[];
  readonly health: HealthTracker;
  readonly controller: AbortController;
}

function harness(providers: readonly FakeProvider[], candidates: readonly Candidate[], overrides: Partial<ExecuteOptions> = {}): Harness {
  const byId = new Map(providers.map((provider) => [provider.id, provider]));
  const delays: number[] = [];
  const controller = new AbortController();
  const health = new HealthTracker(routing.circuit);
  const options: ExecuteOptions = {
    adapterFor: (id) => byId.get(id),
    health,
    settings: routing,
    route: undefined,
    candidates,
    skipped: [],
    contextFallbacks: [],
    details: () => undefined,
    request,
    rawBody: undefined,
    forceStreamUsage: false,
    signal: controller.signal,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    random: () => 0,
    ...overrides,
  };
  return { options, delays, health, controller };
}

async function executionError(run: Promise<Executed>): Promise<ExecutionError> {
  try {
    await run;
  } catch (error) {
    if (error instanceof ExecutionError) return error;
    throw error;
  }
  throw new Error('expected an ExecutionError');
}

const trail = (attempts: Executed['attempts']): string[] =>
  attempts.map((attempt) => `${attempt.providerId}/${attempt.model}=${attempt.outcome}${attempt.note && attempt.outcome !== 'ok' ? ` ${attempt.note}` : ''}`);

async function readAll(iterator: AsyncIterator<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return parts;
    parts.push(next.value);
  }
}

// ---------------------------------------------------------------------------------------------------------------

describe('fallback order and retries', () => {
  it('the first healthy target answers; the call carries the upstream model and the request', async () => {
    const openai = new FakeProvider('openai', 'cloud');
    const { options, health } = harness([openai], [candidate('openai/gpt-4.1')], { forceStreamUsage: true, rawBody: '{}' });
    const result = await executeChat(options);
    expect(result.kind).toBe('complete');
    if (result.kind !== 'complete') return;
    expect(result.response.choices[0]?.message.content).toBe('hello from gpt-4.1');
    expect(result.target).toEqual(candidate('openai/gpt-4.1'));
    expect(trail(result.attempts)).toEqual(['openai/gpt-4.1=ok']);
    expect(openai.calls).toHaveLength(1);
    expect(openai.calls[0]).toMatchObject({ upstreamModel: 'gpt-4.1', request, forceStreamUsage: true, rawBody: '{}' });
    expect(health.providerHealth('openai')?.reachable).toBe(true);
  });

  it('moves on after a non-retryable error, retries a retryable one numRetries times, then moves on', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('auth') }] });
    const b = new FakeProvider('b', 'cloud', { m: [{ fail: providerError('server') }] });
    const c = new FakeProvider('c', 'cloud');
    const { options, delays } = harness([a, b, c], [candidate('a/m'), candidate('b/m'), candidate('c/m')]);
    const result = await executeChat(options);
    expect(result.target.providerId).toBe('c');
    expect(trail(result.attempts)).toEqual([
      'a/m=auth auth is not retried on the same target',
      'b/m=server retry in 100 ms',
      'b/m=server retried 1 time(s)',
      'c/m=ok',
    ]);
    expect([a.calls.length, b.calls.length, c.calls.length]).toEqual([1, 2, 1]);
    expect(delays).toEqual([100]);
  });

  it("the route's numRetries overrides the global one", async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('server') }] });
    const b = new FakeProvider('b', 'cloud');
    const route: RouteSettings = {
      name: 'r',
      pattern: false,
      description: undefined,
      tiers: [],
      fallbacks: [],
      contextWindowFallbacks: [],
      prefer: 'order',
      numRetries: 0,
      timeouts: {},
    };
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')], { route, settings: { ...routing, maxAttempts: 10 } });
    await executeChat(options);
    expect(a.calls).toHaveLength(1);
  });

  it('a retry that succeeds stays on the same target', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('rate_limit') }, { complete: true }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, delays } = harness([a, b], [candidate('a/m'), candidate('b/m')], { random: () => 1 });
    const result = await executeChat(options);
    expect(trail(result.attempts)).toEqual(['a/m=rate_limit retry in 200 ms', 'a/m=ok']);
    expect(delays).toEqual([200]);
    expect(b.calls).toHaveLength(0);
  });

  it('a short Retry-After is waited out; a long one sends the request to the next target without sleeping', async () => {
    const short = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('rate_limit', { retryAfterMs: 1_500 }) }, { complete: true }] });
    const first = harness([short], [candidate('a/m')]);
    await executeChat(first.options);
    expect(first.delays).toEqual([1_500]);

    const long = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('rate_limit', { retryAfterMs: 60_000 }) }] });
    const next = new FakeProvider('b', 'cloud');
    const second = harness([long, next], [candidate('a/m'), candidate('b/m')]);
    const result = await executeChat(second.options);
    expect(trail(result.attempts)).toEqual(['a/m=rate_limit asked to wait 60 s', 'b/m=ok']);
    expect(second.delays).toEqual([]);
  });

  it('an adapter that throws something other than a ProviderError is a 502 protocol failure, not retried', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ throws: new TypeError('cannot read properties of undefined') }] });
    const b = new FakeProvider('b', 'cloud');
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')]);
    const result = await executeChat(options);
    expect(result.attempts[0]).toMatchObject({ outcome: 'protocol', status: 502 });
    expect(a.calls).toHaveLength(1);
  });

  it('when every target fails, the last error is thrown with the whole trail, skips first', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('not_found') }] });
    const b = new FakeProvider('b', 'cloud', { m: [{ fail: providerError('quota') }] });
    const skipped: Skip[] = [{ candidate: candidate('c/m'), reason: 'offline (offline mode is on)' }];
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')], { skipped });
    const failure = await executionError(executeChat(options));
    expect(failure.error.errorClass).toBe('quota');
    expect(failure.message).toBe('quota upstream');
    expect(trail(failure.attempts)).toEqual([
      'c/m=skipped offline (offline mode is on)',
      'a/m=not_found not_found is not retried on the same target',
      'b/m=quota quota is not retried on the same target',
    ]);
  });

  it('with nothing to try, the error is a 503 that lists why each target was skipped', async () => {
    const skipped: Skip[] = [
      { candidate: candidate('a/m'), reason: 'the model does not accept images' },
      { candidate: candidate('b/m'), reason: 'offline (no cloud provider is reachable)' },
    ];
    const { options } = harness([], [], { skipped });
    const failure = await executionError(executeChat(options));
    expect(failure.error).toMatchObject({ status: 503, code: 'no_target_available', errorClass: 'unavailable' });
    expect(failure.message).toBe('no target can serve this request — a/m: the model does not accept images; b/m: offline (no cloud provider is reachable)');
  });

  it('a candidate whose provider has gone (a reload) is passed over', async () => {
    const b = new FakeProvider('b', 'cloud');
    const { options } = harness([b], [candidate('gone/m'), candidate('b/m')]);
    const result = await executeChat(options);
    expect(result.target.providerId).toBe('b');
  });

  it('failures and successes reach the health tracker', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('unavailable', { kind: 'connect', code: 'ECONNREFUSED' }) }] });
    const b = new FakeProvider('b', 'local');
    const health = new HealthTracker({ ...defaultCircuit, allowedFails: 2 });
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m', 'local')], { health });
    await executeChat(options);
    expect(health.providerHealth('a')).toMatchObject({ reachable: false, locality: 'cloud' });
    expect(health.providerHealth('b')).toMatchObject({ reachable: true, locality: 'local' });
    expect(health.admits(candidate('a/m'))).toBe(false); // two failures (the try and its retry) opened the circuit
  });

  it('formatAttempts renders the x-switchyard-attempts header', () => {
    expect(
      formatAttempts([
        { providerId: 'openai', model: 'gpt-4.1', outcome: 'rate_limit', status: 429, durationMs: 12, note: 'retry in 400 ms' },
        { providerId: 'openai', model: 'gpt-4.1', outcome: 'ok', durationMs: 30, note: 'ignored for ok' },
        { providerId: 'groq', model: 'llama', outcome: 'skipped', durationMs: 0, note: 'offline' },
      ]),
    ).toBe('openai/gpt-4.1=rate_limit(429) retry in 400 ms, openai/gpt-4.1=ok, groq/llama=skipped offline');
  });
});

describe('attempt budget', () => {
  it('a fully failing set of targets never causes more than maxAttempts upstream calls', async () => {
    const providers = ['a', 'b', 'c', 'd', 'e'].map((id) => new FakeProvider(id, 'cloud', { m: [{ fail: providerError('server') }] }));
    const { options } = harness(
      providers,
      providers.map((provider) => candidate(`${provider.id}/m`)),
      { settings: { ...routing, maxAttempts: 3 } },
    );
    const failure = await executionError(executeChat(options));
    expect(providers.map((provider) => provider.calls.length)).toEqual([2, 1, 0, 0, 0]);
    expect(failure.attempts.at(-1)?.note).toBe('attempt budget of 3 used');
  });

  type Outcome =
    | 'ok'
    | 'stream-ok'
    | 'stream-late-error'
    | 'stream-early-error'
    | 'server'
    | 'rate_limit'
    | 'overloaded'
    | 'auth'
    | 'bad_request'
    | 'context_length'
    | 'stall'
    | 'connect';
  const outcome = fc.constantFrom<Outcome>(
    'ok',
    'stream-ok',
    'stream-late-error',
    'stream-early-error',
    'server',
    'rate_limit',
    'overloaded',
    'auth',
    'bad_request',
    'context_length',
    'stall',
    'connect',
  );

  function step(kind: Outcome): Step {
    switch (kind) {
      case 'ok':
        return { complete: true };
      case 'stream-ok':
        return { stream: [role, text('a'), done] };
      case 'stream-late-error':
        return { stream: [text('a'), inBand('server')] };
      case 'stream-early-error':
        return { stream: [role, inBand('overloaded')] };
      case 'stall':
        return { fail: providerError('timeout', { kind: 'timeout', code: 'first_token_timeout' }) };
      case 'connect':
        return { fail: providerError('unavailable', { kind: 'connect', code: 'ECONNREFUSED' }) };
      default:
        return { fail: providerError(kind) };
    }
  }

  it('property: calls ≤ maxAttempts, the trail is skips + calls, targets are never revisited', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(outcome, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 8 }),
        async (scripts, skippedCount, numRetries, maxAttempts) => {
          const providers = scripts.map((script, index) => new FakeProvider(`p${index}`, index % 2 === 0 ? 'cloud' : 'local', { m: script.map(step) }));
          const calls: number[] = [];
          for (const [index, provider] of providers.entries()) provider.onCall = () => calls.push(index);
          const skipped: Skip[] = Array.from({ length: skippedCount }, (_, index) => ({ candidate: candidate(`s${index}/m`), reason: 'cooling down' }));
          const { options, delays } = harness(
            providers,
            providers.map((provider) => candidate(`${provider.id}/m`, provider.locality)),
            { skipped, settings: { ...routing, numRetries, maxAttempts }, random: () => 0.5 },
          );
          let attempts: Executed['attempts'];
          let succeeded: Executed | undefined;
          try {
            succeeded = await executeChat(options);
            attempts = succeeded.attempts;
          } catch (error) {
            expect(error).toBeInstanceOf(ExecutionError);
            attempts = (error as ExecutionError).attempts;
          }
          expect(calls.length).toBeLessThanOrEqual(maxAttempts);
          expect(attempts).toHaveLength(skippedCount + calls.length);
          expect(attempts.slice(0, skippedCount).every((attempt) => attempt.outcome === 'skipped')).toBe(true);
          for (let index = 1; index < calls.length; index += 1) expect(calls[index]).toBeGreaterThanOrEqual(calls[index - 1] as number);
          for (const provider of providers) expect(provider.calls.length).toBeLessThanOrEqual(numRetries + 1);
          expect(delays).toHaveLength(attempts.filter((attempt) => attempt.note?.startsWith('retry in')).length);
          const outcomes = attempts.slice(skippedCount).map((attempt) => attempt.outcome);
          if (succeeded) {
            expect(outcomes.at(-1)).toBe('ok');
            expect(outcomes.slice(0, -1)).not.toContain('ok');
            expect(succeeded.target.providerId).toBe(`p${calls.at(-1) ?? -1}`);
          } else {
            expect(outcomes).not.toContain('ok');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('first-chunk gate', () => {
  it('an in-band overloaded error as the first event falls back invisibly to the next target', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [inBand('overloaded'), text('never')] }] });
    const b = new FakeProvider('b', 'cloud', { m: [{ stream: [role, text('Hel'), text('lo'), done] }] });
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')], { settings: { ...routing, numRetries: 0 } });
    const result = await executeChat(options);
    expect(result.kind).toBe('stream');
    if (result.kind !== 'stream') return;
    expect(result.target.providerId).toBe('b');
    expect(result.head).toEqual([role, text('Hel')]);
    expect(await readAll(result.rest)).toEqual([text('lo'), done]);
    expect(trail(result.attempts)).toEqual(['a/m=overloaded retried 0 time(s)', 'b/m=ok']);
    expect(a.streams[0]?.closed).toBe(true);
    expect(a.calls[0]?.signal.aborted).toBe(true); // the failed attempt's upstream is told to stop
  });

  it('an in-band rate limit before content is retried on the same target first (it is retryable)', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [role, inBand('rate_limit')] }, { stream: [role, text('ok'), done] }] });
    const { options, delays } = harness([a], [candidate('a/m')]);
    const result = await executeChat(options);
    expect(trail(result.attempts)).toEqual(['a/m=rate_limit retry in 100 ms', 'a/m=ok']);
    expect(delays).toEqual([100]);
  });

  it('a stream that ends with an error part before any content falls back', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [role, chunk({ content: '' }), inBand('server')] }] });
    const b = new FakeProvider('b', 'cloud', { m: [{ stream: [text('x'), done] }] });
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')], { settings: { ...routing, numRetries: 0 } });
    const result = await executeChat(options);
    expect(result.target.providerId).toBe('b');
  });

  it('a stream that fails after its first content is returned, not retried; the failure comes through rest', async () => {
    const late = providerError('server', { kind: 'in-band', message: 'upstream broke mid-stream' });
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [role, text('Hi'), { type: 'error', error: late }] }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, health } = harness([a, b], [candidate('a/m'), candidate('b/m')]);
    const result = await executeChat(options);
    expect(result.kind).toBe('stream');
    if (result.kind !== 'stream') return;
    expect(result.head).toEqual([role, text('Hi')]);
    expect(await readAll(result.rest)).toEqual([{ type: 'error', error: late }]);
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);

    result.reportLateFailure(late);
    expect(result.attempts).toEqual([expect.objectContaining({ providerId: 'a', outcome: 'server', status: 500, note: 'failed after the first byte' })]);
    expect(health.providerHealth('a')?.lastError).toBe('upstream broke mid-stream');
  });

  it('the client signal stays attached while the stream lives and is detached when it ends', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [text('x'), text('y'), done] }] });
    const { options, controller } = harness([a], [candidate('a/m')]);
    const result = await executeChat(options);
    if (result.kind !== 'stream') throw new Error('expected a stream');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    await readAll(result.rest);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a complete response leaves no listener on the client signal', async () => {
    const { options, controller } = harness([new FakeProvider('a', 'cloud')], [candidate('a/m')]);
    await executeChat(options);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a client that leaves mid-stream stops the upstream: rest ends with an aborted error', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [text('x'), { hang: true }] }] });
    const { options, controller } = harness([a], [candidate('a/m')]);
    const result = await executeChat(options);
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const pending = result.rest.next();
    controller.abort();
    expect((await pending).value).toMatchObject({ type: 'error', error: { kind: 'aborted', status: 499 } });
    expect(a.calls[0]?.signal.aborted).toBe(true);
  });
});

describe('context-length fallback', () => {
  const details: Record<string, ModelDetails> = {
    'a/m': { contextWindow: 8_192 },
    'b/same': { contextWindow: 8_192 },
    'c/small': { contextWindow: 4_096 },
    'e/big': { contextWindow: 32_768 },
    'f/huge': { contextWindow: 200_000 },
  };
  const detailsOf = (entry: Candidate): ModelDetails | undefined => details[`${entry.providerId}/${entry.model}`];

  it('goes to the context fallbacks next, then only to targets whose window is larger or unknown', async () => {
    const providers = [
      new FakeProvider('a', 'cloud', { m: [{ fail: providerError('context_length') }] }),
      new FakeProvider('b', 'cloud'),
      new FakeProvider('c', 'cloud'),
      new FakeProvider('d', 'cloud', { unknown: [{ fail: providerError('context_length') }] }),
      new FakeProvider('e', 'cloud'),
      new FakeProvider('f', 'cloud', { huge: [{ fail: providerError('server') }] }),
    ];
    const calls: string[] = [];
    for (const provider of providers) provider.onCall = (call) => calls.push(`${provider.id}/${call.upstreamModel}`);
    const { options } = harness(providers, [candidate('a/m'), candidate('b/same'), candidate('c/small'), candidate('d/unknown'), candidate('e/big')], {
      contextFallbacks: [candidate('f/huge')],
      details: detailsOf,
      settings: { ...routing, numRetries: 0, maxAttempts: 10 },
    });
    const result = await executeChat(options);
    expect(result.target.providerId).toBe('e');
    expect(calls).toEqual(['a/m', 'f/huge', 'd/unknown', 'e/big']);
  });

  it('records the targets it passes over for their window in the trail', async () => {
    const providers = [
      new FakeProvider('a', 'cloud', { m: [{ fail: providerError('context_length') }] }),
      new FakeProvider('b', 'cloud'),
      new FakeProvider('c', 'cloud'),
      new FakeProvider('e', 'cloud'),
    ];
    const { options } = harness(providers, [candidate('a/m'), candidate('b/same'), candidate('c/small'), candidate('e/big')], { details: detailsOf });
    const result = await executeChat(options);
    expect(trail(result.attempts)).toEqual([
      'a/m=context_length context window too small',
      'b/same=skipped context window 8192 tokens is not larger than the 8192 that was too small',
      'c/small=skipped context window 4096 tokens is not larger than the 8192 that was too small',
      'e/big=ok',
    ]);
  });

  it('a larger fallback that also overflows rules out every target smaller than it', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('context_length') }] });
    const f = new FakeProvider('f', 'cloud', { huge: [{ fail: providerError('context_length') }] });
    const e = new FakeProvider('e', 'cloud');
    const { options } = harness([a, f, e], [candidate('a/m'), candidate('e/big')], { contextFallbacks: [candidate('f/huge')], details: detailsOf });
    const failure = await executionError(executeChat(options));
    expect(failure.error.errorClass).toBe('context_length');
    expect(e.calls).toHaveLength(0);
    expect(trail(failure.attempts)).toEqual([
      'a/m=context_length context window too small',
      'f/huge=context_length context window too small',
      'e/big=skipped context window 32768 tokens is not larger than the 200000 that was too small',
    ]);
  });

  it('a context fallback that was already tried is not tried again', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('context_length') }] });
    const e = new FakeProvider('e', 'cloud', { big: [{ fail: providerError('context_length') }] });
    const f = new FakeProvider('f', 'cloud');
    const { options } = harness([a, e, f], [candidate('e/big'), candidate('a/m')], { contextFallbacks: [candidate('e/big'), candidate('f/huge')] });
    const result = await executeChat(options);
    expect([a.calls.length, e.calls.length, f.calls.length]).toEqual([0, 1, 1]);
    expect(result.target.providerId).toBe('f');
  });

  it('when the failed window is unknown, every remaining target stays', async () => {
    const x = new FakeProvider('x', 'cloud', { m: [{ fail: providerError('context_length') }] });
    const c = new FakeProvider('c', 'cloud');
    const { options } = harness([x, c], [candidate('x/m'), candidate('c/small')], { details: detailsOf });
    expect((await executeChat(options)).target.providerId).toBe('c');
  });

  it('context errors do not count against the target', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('context_length') }] });
    const health = new HealthTracker({ ...defaultCircuit, allowedFails: 1 });
    const { options } = harness([a, new FakeProvider('b', 'cloud')], [candidate('a/m'), candidate('b/m')], { health });
    await executeChat(options);
    expect(health.admits(candidate('a/m'))).toBe(true);
  });
});

describe('client abort', () => {
  it('during a backoff sleep: stops at once with kind aborted, no further calls', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('server') }] });
    const b = new FakeProvider('b', 'cloud');
    const controller = new AbortController();
    const { options } = harness([a, b], [candidate('a/m'), candidate('b/m')], {
      signal: controller.signal,
      sleep: () => {
        controller.abort();
        return Promise.resolve();
      },
    });
    const failure = await executionError(executeChat(options));
    expect(failure.error).toMatchObject({ kind: 'aborted', errorClass: 'cancelled', status: 499 });
    expect(a.calls).toHaveLength(1);
    expect(b.calls).toHaveLength(0);
  });

  it('during the real backoff sleep: a 10 s backoff is cut short', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ fail: providerError('server') }] });
    const { options, controller } = harness([a], [candidate('a/m')], {
      sleep: undefined,
      settings: { ...routing, backoff: { ...defaultBackoff, initialMs: 20_000, maxMs: 20_000 } },
    });
    const started = performance.now();
    const run = executionError(executeChat(options));
    setTimeout(() => controller.abort(), 10);
    const failure = await run;
    expect(failure.error.kind).toBe('aborted');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(a.calls).toHaveLength(1);
  });

  it('while waiting for an upstream that never answers: stops promptly, the upstream is told, no further calls', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ hang: true }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, controller } = harness([a, b], [candidate('a/m'), candidate('b/m')]);
    a.onCall = () => setTimeout(() => controller.abort(), 5);
    const failure = await executionError(executeChat(options));
    expect(failure.error.kind).toBe('aborted');
    expect(a.calls[0]?.signal.aborted).toBe(true);
    expect(b.calls).toHaveLength(0);
    expect(trail(failure.attempts)).toEqual(['a/m=cancelled the client went away']);
  });

  it('while a stream has not sent its first content yet', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [role, { hang: true }] }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, controller } = harness([a, b], [candidate('a/m'), candidate('b/m')]);
    a.onCall = () => setTimeout(() => controller.abort(), 5);
    const failure = await executionError(executeChat(options));
    expect(failure.error.kind).toBe('aborted');
    expect(a.streams[0]?.closed).toBe(true);
    expect(b.calls).toHaveLength(0);
  });

  it('an abort does not count against the target or the provider', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ hang: true }] });
    const health = new HealthTracker({ ...defaultCircuit, allowedFails: 1 });
    const { options, controller } = harness([a], [candidate('a/m')], { health });
    a.onCall = () => setTimeout(() => controller.abort(), 5);
    await executionError(executeChat(options));
    expect(health.admits(candidate('a/m'))).toBe(true);
    expect(health.providerHealth('a')).toBeUndefined();
  });
});

describe('timeouts', () => {
  const quick = { ...defaultCloudTimeouts, firstTokenMs: 30, idleMs: 1_000, totalMs: 5_000 };
  // The first-token limit applies to streamed requests; a non-streamed answer only has the wall-clock cap.
  const streaming: ChatRequest = { ...request, stream: true };

  it('a stream with no first token within firstTokenMs goes to the next target as first_token_timeout', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [role, { hang: true }] }] });
    const b = new FakeProvider('b', 'cloud', { m: [{ stream: [text('fast'), done] }] });
    const { options, health } = harness([a, b], [candidate('a/m'), candidate('b/m')], {
      settings: { ...routing, timeouts: { ...routing.timeouts, cloud: quick } },
    });
    const result = await executeChat({ ...options, request: streaming });
    expect(result.target.providerId).toBe('b');
    expect(result.attempts[0]).toMatchObject({ outcome: 'timeout', status: 504, note: 'timed out' });
    expect(health.providerHealth('a')?.lastError).toBe("provider 'a' sent no content within 30 ms");
    expect(a.calls).toHaveLength(1); // a stall is not retried on the same target
  });

  it('a non-streamed request is held to the wall-clock cap, not the first-token limit', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ hang: true }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, health } = harness([a, b], [candidate('a/m'), candidate('b/m')], {
      settings: { ...routing, timeouts: { ...routing.timeouts, cloud: { ...quick, totalMs: 120 } } },
    });
    const started = performance.now();
    const result = await executeChat(options);
    expect(result.target.providerId).toBe('b');
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(health.providerHealth('a')?.lastError).toBe("provider 'a' did not finish within 120 ms");
  });

  it('an upstream that never sends headers times out the same way', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ hang: true }] });
    const b = new FakeProvider('b', 'cloud');
    const { options, health } = harness([a, b], [candidate('a/m'), candidate('b/m')], {
      settings: { ...routing, timeouts: { ...routing.timeouts, cloud: quick } },
    });
    const result = await executeChat({ ...options, request: streaming });
    expect(result.target.providerId).toBe('b');
    expect(health.providerHealth('a')?.lastError).toContain('sent no content within 30 ms');
    expect(a.calls[0]?.signal.reason).toMatchObject({ code: 'first_token_timeout' });
  });

  it('local targets use the local timeouts, cloud ones the cloud timeouts, and a route overrides both', async () => {
    const local = new FakeProvider('l', 'local', { m: [{ hang: true }] });
    const cloud = new FakeProvider('c', 'cloud', { m: [{ hang: true }] });
    const timeouts = { local: { ...quick, firstTokenMs: 20 }, cloud: { ...quick, firstTokenMs: 40 } };
    const first = harness([local, cloud], [candidate('l/m', 'local'), candidate('c/m')], { settings: { ...routing, timeouts } });
    await executionError(executeChat({ ...first.options, request: streaming }));
    expect(first.health.providerHealth('l')?.lastError).toContain('within 20 ms');
    expect(first.health.providerHealth('c')?.lastError).toContain('within 40 ms');

    const route: RouteSettings = {
      name: 'r',
      pattern: false,
      description: undefined,
      tiers: [],
      fallbacks: [],
      contextWindowFallbacks: [],
      prefer: 'order',
      numRetries: undefined,
      timeouts: { firstTokenMs: 10 },
    };
    const second = harness([new FakeProvider('l', 'local', { m: [{ hang: true }] })], [candidate('l/m', 'local')], {
      route,
      settings: { ...routing, timeouts },
    });
    await executionError(executeChat({ ...second.options, request: streaming }));
    expect(second.health.providerHealth('l')?.lastError).toContain('within 10 ms');
  });

  it('after the gate, silence longer than idleMs ends the returned stream with idle_timeout', async () => {
    const a = new FakeProvider('a', 'cloud', { m: [{ stream: [text('x'), { hang: true }] }] });
    const { options } = harness([a], [candidate('a/m')], { settings: { ...routing, timeouts: { ...routing.timeouts, cloud: { ...quick, idleMs: 20 } } } });
    const result = await executeChat({ ...options, request: streaming });
    if (result.kind !== 'stream') throw new Error('expected a stream');
    const rest = await readAll(result.rest);
    expect(rest).toEqual([{ type: 'error', error: expect.objectContaining({ code: 'idle_timeout' }) }]);
    expect(a.streams[0]?.closed).toBe(true);
  });
});
