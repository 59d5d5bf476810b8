// Routing-layer benchmark: CPU µs per request for what the routing layer adds to the gateway — plan (resolve the
// model, order the candidates) and the attempt loop around one upstream call (cancel signal, watchdog, health,
// trail) — with a stub adapter that answers at once, so nothing but the layer itself is measured. Also the cancel
// signal alone: Node's AbortController against main/gateway/cancel.ts with the listeners one attempt attaches.
// Run: npm run bench:routing   (node --import ./main/ledger/test-support/ts-register.mjs bench/routing-bench.ts)
import type { ChatRequest } from '../shared/openai-types.js';
import { resolveConfig } from '../main/config/load.js';
import { LightAbortController } from '../main/gateway/cancel.js';
import type { ProviderAdapter } from '../main/gateway/providers/types.js';
import type { ProviderRegistry } from '../main/gateway/providers/registry.js';
import { RoutingService } from '../main/gateway/routing/service.js';
import type { ModelCatalog } from '../main/gateway/routing/model-catalog.js';

const rounds = Number(process.argv[2] ?? 200_000);

async function microseconds(run: () => Promise<unknown> | unknown): Promise<number> {
  for (let index = 0; index < Math.min(rounds, 20_000); index += 1) await run();
  const start = process.cpuUsage();
  for (let index = 0; index < rounds; index += 1) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / rounds;
}

/** One attempt's listener pattern: the attempt loop's parent link, raceAbort's and undici's, each removed again. */
function attemptListeners(signal: AbortSignal): void {
  const listeners = [(): void => undefined, (): void => undefined, (): void => undefined];
  for (const listener of listeners) signal.addEventListener('abort', listener, { once: true });
  for (const listener of listeners) signal.removeEventListener('abort', listener);
}

const native = await microseconds(() => attemptListeners(new AbortController().signal));
const light = await microseconds(() => attemptListeners(new LightAbortController().signal));

const config = resolveConfig({ providers: [{ id: 'mock', type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' }] }, { path: undefined, env: {} });
const completion = {
  id: 'chatcmpl-bench',
  object: 'chat.completion' as const,
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant' as const, content: 'hi' }, finish_reason: 'stop' as const }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};
const adapter = {
  id: 'mock',
  type: 'openai-compatible',
  locality: 'cloud',
  chat: () => Promise.resolve({ kind: 'complete', response: completion, raw: undefined, metrics: undefined }),
  listModels: () => Promise.resolve([]),
  probe: () => Promise.resolve({ reachable: true, detail: '' }),
  close: () => Promise.resolve(),
} as unknown as ProviderAdapter;
const registry = {
  get: () => adapter,
  all: () => [adapter],
  settings: config.providers,
  settingsFor: () => config.providers[0],
} as unknown as ProviderRegistry;
const catalog = { owners: () => Promise.resolve(new Map()), details: () => undefined, list: () => Promise.resolve([]) } as unknown as ModelCatalog;
const routing = new RoutingService(config, registry, catalog);
const request: ChatRequest = { model: 'mock/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const clientSignal = new LightAbortController().signal;
const layer = await microseconds(async () => {
  const planned = await routing.plan(request, undefined);
  if (!planned.ok) throw new Error(planned.message);
  await routing.execute(planned.plan, request, undefined, false, clientSignal);
});

console.log(`node ${process.version}, ${rounds} rounds each, CPU µs per operation`);
console.log(`cancel signal + one attempt's listeners: AbortController ${native.toFixed(2)} µs, LightAbortController ${light.toFixed(2)} µs`);
console.log(`routing layer (plan + attempt loop, one direct target, stub adapter): ${layer.toFixed(2)} µs per request`);
