// The routing service's plans: names whose expansion depends on the config alone are expanded once per config and
// kept; everything that varies per request (a weighted tier's shuffle, the request's own fallbacks, bare names that
// depend on live model lists) is expanded per request.
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../../shared/openai-types.js';
import { resolveConfig, type GatewayConfig } from '../../config/load.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ModelCatalog } from './model-catalog.js';
import type { PlanOutcome } from './service.js';
import { RoutingService } from './service.js';

function config(routes: Record<string, unknown>): GatewayConfig {
  return resolveConfig(
    {
      providers: [
        { id: 'alpha', type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' },
        { id: 'beta', type: 'openai-compatible', base_url: 'http://127.0.0.1:9/v1' },
      ],
      routes,
    } as never,
    { path: undefined, env: {} },
  );
}

const registry = { get: () => undefined, all: () => [], settingsFor: () => undefined } as unknown as ProviderRegistry;

function catalogWith(owners: () => Map<string, string[]>): ModelCatalog {
  return { owners: () => Promise.resolve(owners()), details: () => undefined } as unknown as ModelCatalog;
}

const request = (model: string): ChatRequest => ({ model, messages: [{ role: 'user', content: 'hi' }] });

function names(outcome: PlanOutcome): string[] {
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.plan.candidates.map((candidate) => `${candidate.providerId}/${candidate.model}`);
}

describe('routing plans', () => {
  it('give the same candidates for provider/model and one-target tiers on every request, until a reload changes them', async () => {
    const routing = new RoutingService(
      config({ smart: { targets: ['alpha/a1', 'beta/b1'] } }),
      registry,
      catalogWith(() => new Map()),
    );
    expect(names(await routing.plan(request('smart'), undefined))).toEqual(['alpha/a1', 'beta/b1']);
    expect(names(await routing.plan(request('smart'), undefined))).toEqual(['alpha/a1', 'beta/b1']);
    expect(names(await routing.plan(request('alpha/x'), undefined))).toEqual(['alpha/x']);

    const reloaded = config({ smart: { targets: ['beta/b2'] } });
    routing.update(
      reloaded,
      registry,
      catalogWith(() => new Map()),
    );
    expect(names(await routing.plan(request('smart'), undefined))).toEqual(['beta/b2']);
  });

  it('still shuffle a weighted tier per request', async () => {
    const draws = [0.9, 0.1, 0.1, 0.9];
    let next = 0;
    const routing = new RoutingService(
      config({ pair: { targets: [['alpha/a1', 'beta/b1']] } }),
      registry,
      catalogWith(() => new Map()),
      () => draws[next++ % draws.length] as number,
    );
    const first = names(await routing.plan(request('pair'), undefined));
    const second = names(await routing.plan(request('pair'), undefined));
    expect(new Set([first.join(), second.join()])).toEqual(new Set(['alpha/a1,beta/b1', 'beta/b1,alpha/a1']));
  });

  it("honour the request's own fallbacks for a model whose plan is kept", async () => {
    const routing = new RoutingService(
      config({}),
      registry,
      catalogWith(() => new Map()),
    );
    expect(names(await routing.plan(request('alpha/a1'), undefined))).toEqual(['alpha/a1']);
    expect(names(await routing.plan(request('alpha/a1'), ['beta/b1']))).toEqual(['alpha/a1', 'beta/b1']);
    expect(names(await routing.plan(request('alpha/a1'), []))).toEqual(['alpha/a1']);
  });

  it('follow the live model lists for bare model names', async () => {
    let owners = new Map([['shared-model', ['alpha']]]);
    const routing = new RoutingService(
      config({}),
      registry,
      catalogWith(() => owners),
    );
    expect(names(await routing.plan(request('shared-model'), undefined))).toEqual(['alpha/shared-model']);
    owners = new Map([['shared-model', ['beta']]]);
    expect(names(await routing.plan(request('shared-model'), undefined))).toEqual(['beta/shared-model']);
    owners = new Map();
    expect(await routing.plan(request('shared-model'), undefined)).toMatchObject({ ok: false, status: 404, code: 'model_not_found' });
  });
});
