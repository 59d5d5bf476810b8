// Bounded soak: N concurrent streaming clients for S seconds through the gateway (its own process), with a share of
// requests hit by injected upstream faults. Returns figures and a verdict: every request accounted for, no leaked
// sockets or timers in the gateway, memory flat after warm-up. `npm run soak` runs 50 × 60 s; `npm test` runs it short.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeOpenAI, serverError, rateLimited, overloadedStreamError, type Scenario } from '../fakes/openai-fake.js';

export interface SoakOptions {
  readonly concurrency: number;
  readonly seconds: number;
  readonly faultRate: number;
}

interface ChildStats {
  readonly rss: number;
  readonly heapUsed: number;
  readonly resources: Record<string, number>;
  readonly inFlight: number;
}

export async function runSoak({ concurrency, seconds, faultRate }: SoakOptions) {
  const here = fileURLToPath(new URL('.', import.meta.url));

  let seed = 12345;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

  const faults: Array<() => Scenario> = [
    () => serverError(),
    () => rateLimited({ retryAfterMs: 50 }),
    () => ({ kind: 'in-band-error-first', errorData: overloadedStreamError() }),
    () => ({ kind: 'reset-after', contentChunks: 2, chunkDelayMs: 5 }),
    () => ({ kind: 'end-without-done' }),
    () => ({ kind: 'stall-before-headers' }),
  ];
  const upstreamScenario = (): Scenario =>
    random() < faultRate ? (faults[Math.floor(random() * faults.length)] ?? serverError)() : { kind: 'reply', chunks: 8, chunkDelayMs: 5 };

  const primary = await FakeOpenAI.start();
  const backup = await FakeOpenAI.start();
  primary.onChat = upstreamScenario;
  backup.onChat = upstreamScenario;
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-soak-'));
  const configPath = join(dataDir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      server: { max_in_flight: 1_000 },
      providers: [
        { id: 'primary', type: 'openai-compatible', base_url: primary.baseUrl, locality: 'cloud' },
        { id: 'backup', type: 'openai-compatible', base_url: backup.baseUrl, locality: 'cloud' },
      ],
      routes: { soak: { targets: ['primary/gpt-4o-mini', 'backup/gpt-4o-mini'] } },
      routing: {
        backoff_initial_ms: 10,
        allowed_fails: 1_000,
        auto_offline: false,
        timeouts: { cloud: { first_token_ms: 1_000, idle_ms: 1_000, total_ms: 10_000 } },
      },
    }),
  );

  const child = fork(join(here, 'gateway-child.mjs'), [configPath, dataDir], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: unknown[] = [];
  child.on('message', (message) => replies.push(message));
  const next = async (): Promise<unknown> => {
    const start = Date.now();
    while (replies.length === 0) {
      if (Date.now() - start > 10_000 || child.exitCode !== null) throw new Error(`gateway child did not answer (exit code ${child.exitCode})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return replies.shift();
  };
  const { url } = (await next()) as { url: string };
  const token = readFileSync(join(dataDir, 'client-token'), 'utf8').trim();
  const stats = async (): Promise<ChildStats> => {
    child.send('stats');
    return (await next()) as ChildStats;
  };

  const outcomes = { ok: 0, inBandError: 0, httpError: 0, clientError: 0 };
  let started = 0;
  let finished = 0;
  const latencies: number[] = [];
  async function oneRequest(): Promise<void> {
    started += 1;
    const begin = performance.now();
    try {
      const response = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'soak', stream: true, messages: [{ role: 'user', content: 'soak' }] }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 200) outcomes.httpError += 1;
      else if (text.endsWith('data: [DONE]\n\n')) outcomes.ok += 1;
      else if (text.includes('"error"')) outcomes.inBandError += 1;
      else outcomes.clientError += 1;
    } catch {
      outcomes.clientError += 1;
    } finally {
      finished += 1;
      latencies.push(performance.now() - begin);
    }
  }

  const baseline = await stats();
  const samples: Array<ChildStats & { at: number }> = [];
  const deadline = Date.now() + seconds * 1000;
  const sampler = setInterval(async () => samples.push({ at: Date.now(), ...(await stats()) }), Math.max(1_000, (seconds * 1000) / 20));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) await oneRequest();
    }),
  );
  clearInterval(sampler);
  // Idle keep-alive connections are not leaks: the gateway closes idle client sockets after 5 s, and its upstream
  // pool honours the fake's `Keep-Alive: timeout=5`. Anything still open after that is.
  await new Promise((resolve) => setTimeout(resolve, 6_500));
  const after = await stats();
  child.send('stop');
  await new Promise((resolve) => child.once('exit', resolve));
  await primary.close();
  await backup.close();

  const upstreamCalls = primary.chatRequests().length + backup.chatRequests().length;
  const warm = samples.slice(Math.floor(samples.length / 3));
  const heapGrowthMb = warm.length >= 2 ? ((warm.at(-1)?.heapUsed ?? 0) - (warm[0]?.heapUsed ?? 0)) / 1e6 : 0;
  latencies.sort((a, b) => a - b);
  const sockets = (resources: Record<string, number>): number => (resources.TCPSocketWrap ?? 0) + (resources.TCPWRAP ?? 0);
  const verdict = {
    concurrency,
    seconds,
    faultRate,
    requests: started,
    accounted: finished === started && outcomes.ok + outcomes.inBandError + outcomes.httpError + outcomes.clientError === started,
    outcomes,
    upstreamCalls,
    upstreamPerRequest: Number((upstreamCalls / started).toFixed(3)),
    p50Ms: Math.round(latencies[Math.floor(latencies.length * 0.5)] ?? 0),
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    inFlightAfter: after.inFlight,
    baselineResources: baseline.resources,
    resourcesAfter: after.resources,
    leakedTimers: (after.resources.Timeout ?? 0) - (baseline.resources.Timeout ?? 0),
    leakedSockets: sockets(after.resources) - sockets(baseline.resources),
    rssMb: {
      baseline: Math.round(baseline.rss / 1e6),
      after: Math.round(after.rss / 1e6),
      peak: Math.round(Math.max(...samples.map((sample) => sample.rss)) / 1e6),
    },
    heapMb: { baseline: Math.round(baseline.heapUsed / 1e6), after: Math.round(after.heapUsed / 1e6) },
    heapGrowthAfterWarmupMb: Number(heapGrowthMb.toFixed(2)),
  };
  return verdict;
}
