// The routing layer as the request handlers see it: plan a request (resolve the model, order and filter the
// candidates, say why any were skipped) and run the plan. It owns what routing learns across requests — target
// health, model details, the offline switch — and survives config reloads.
import type { ChatRequest } from '../../../shared/openai-types.js';
import type { GatewayConfig } from '../../config/load.js';
import type { RouteSettings } from '../../config/routing.js';
import type { ProviderError } from '../providers/errors.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Locality, NativeRequest, RequestBody } from '../providers/types.js';
import type { ModelCatalog } from './model-catalog.js';
import { executeChat, reportAttemptFailure, type Executed, type KeyRotation } from './execute.js';
import { HealthTracker } from './health.js';
import { ModelDetailsCache } from './model-details-cache.js';
import { orderCandidates, type Skip } from './order.js';
import { planRequest, type Candidate, type PlanResult } from './plan.js';
import { requirementsOf } from './requirements.js';

export interface RoutedPlan {
  readonly route: RouteSettings | undefined;
  readonly candidates: readonly Candidate[];
  readonly skipped: readonly Skip[];
  readonly contextFallbacks: readonly Candidate[];
  /** why only local targets are used, when that is so */
  readonly offline: string | undefined;
}

export type PlanOutcome = { readonly ok: true; readonly plan: RoutedPlan } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class RoutingService {
  readonly health: HealthTracker;
  readonly details = new ModelDetailsCache();
  private manualOffline: boolean | undefined;
  /** set by the gateway: provider-key rotation and where its lines go */
  keys: { readonly rotation: KeyRotation; readonly log: (line: string) => void } | undefined;

  /** lookups derived from the config once, not per request */
  private index: ConfigIndex;

  constructor(
    private config: GatewayConfig,
    private registry: ProviderRegistry,
    private catalog: ModelCatalog,
    private readonly random: () => number = Math.random,
  ) {
    this.health = new HealthTracker(config.routing.circuit);
    this.index = indexConfig(config);
  }

  /** Swap in a reloaded config; what was learnt about targets stays. */
  update(config: GatewayConfig, registry: ProviderRegistry, catalog: ModelCatalog): void {
    this.config = config;
    this.index = indexConfig(config);
    this.registry = registry;
    this.catalog = catalog;
    this.health.updateSettings(config.routing.circuit);
    this.health.retain(new Set(config.providers.map((provider) => provider.id)));
  }

  /** The user's switch; undefined returns to the config file's setting. */
  setOffline(offline: boolean | undefined): void {
    this.manualOffline = offline;
  }

  /** the user's switch as set; undefined means the config file's setting applies */
  get offlineSwitch(): boolean | undefined {
    return this.manualOffline;
  }

  offlineReason(): string | undefined {
    if (this.manualOffline ?? this.config.routing.offline) return 'offline mode is on';
    if (!this.config.routing.autoOffline || !this.index.hasLocal) return undefined;
    return this.health.cloudUnreachable(this.index.cloudIds) ? 'no cloud provider is reachable' : undefined;
  }

  /** `localOnly` forces local targets with that reason (a budget that downgrades to local). */
  async plan(request: ChatRequest, requestFallbacks: readonly string[] | undefined, options: { readonly localOnly?: string | undefined } = {}): Promise<PlanOutcome> {
    const kept = requestFallbacks === undefined || requestFallbacks.length === 0 ? this.index.plans.get(request.model) : undefined;
    const planned = kept ?? (await this.expand(request.model, requestFallbacks));
    if (!planned.ok) return planned;
    const localCandidates: Candidate[] = [];
    for (const candidate of planned.candidates) if (candidate.locality === 'local') localCandidates.push(candidate);
    for (const candidate of planned.contextFallbacks) if (candidate.locality === 'local') localCandidates.push(candidate);
    if (localCandidates.length > 0) await this.details.ensure(localCandidates, (id) => this.registry.get(id), 1_500);
    const offline = options.localOnly ?? this.offlineReason();
    const { ordered, skipped } = orderCandidates({
      candidates: planned.candidates,
      prefer: planned.route?.prefer ?? 'order',
      offline,
      requirements: requirementsOf(request),
      details: (candidate) => this.details.get(candidate) ?? this.catalog.details(candidate),
      admits: (candidate) => this.health.admits(candidate),
      openUntil: (candidate) => this.health.openUntil(candidate),
      reachable: (candidate) => this.health.providerHealth(candidate.providerId)?.reachable,
    });
    if (ordered.length === 0) {
      const reasons = skipped.map((skip) => `${skip.candidate.providerId}/${skip.candidate.model}: ${skip.reason}`).join('; ');
      return { ok: false, status: 400, code: 'no_capable_target', message: `no target can serve this request — ${reasons}` };
    }
    return { ok: true, plan: { route: planned.route, candidates: ordered, skipped, contextFallbacks: planned.contextFallbacks, offline } };
  }

  /**
   * The model name (and the request's own fallbacks) as candidates. What depends on the config alone — a route
   * whose tiers have one target each, or `provider/model` — is the same for every request and is kept until the
   * next reload; a weighted tier is shuffled per request, and a bare model name depends on live model lists.
   */
  private async expand(model: string, requestFallbacks: readonly string[] | undefined): Promise<PlanResult> {
    const { providers, routes, plans } = this.index;
    const route = routes.get(model);
    const slash = model.indexOf('/');
    const known = route !== undefined || providers.has(slash === -1 ? model : model.slice(0, slash));
    const needsCatalog = !known || (requestFallbacks?.length ?? 0) > 0;
    const owners = needsCatalog ? await this.catalog.owners() : new Map<string, string[]>();
    const planned = planRequest(model, requestFallbacks, {
      providers,
      routes,
      defaultFallbacks: this.config.routing.defaultFallbacks,
      ownersOf: (name) => owners.get(name) ?? [],
      random: this.random,
    });
    const fixed = !needsCatalog && planned.ok && (route === undefined || route.tiers.every((tier) => tier.length <= 1));
    if (fixed) {
      if (plans.size >= maxKeptPlans) plans.clear();
      plans.set(model, planned);
    }
    return planned;
  }

  /** Targets for an embeddings request: the model resolved as for chat, but without the chat-only capability
   *  checks (an embedding model is exactly what is wanted) and without the default fallbacks (chat models). */
  async planEmbeddings(model: string, options: { readonly localOnly?: string | undefined } = {}): Promise<{ readonly ok: true; readonly candidates: readonly Candidate[]; readonly skipped: readonly Skip[] } | Extract<PlanOutcome, { ok: false }>> {
    const { providers, routes } = this.index;
    const needsCatalog = !routes.has(model) && !providers.has(model.split('/')[0] ?? '');
    const owners = needsCatalog ? await this.catalog.owners() : new Map<string, string[]>();
    const planned = planRequest(model, undefined, { providers, routes, defaultFallbacks: [], ownersOf: (name) => owners.get(name) ?? [], random: this.random });
    if (!planned.ok) return planned;
    const offline = options.localOnly ?? this.offlineReason();
    const skipped: Skip[] = [];
    const usable = planned.candidates.filter((candidate) => {
      if (offline === undefined || candidate.locality === 'local') return true;
      skipped.push({ candidate, reason: `offline (${offline})` });
      return false;
    });
    // Circuits as for chat: targets cooling down are skipped while another is admitted, else tried soonest-open first.
    const admitted = usable.filter((candidate) => this.health.admits(candidate));
    if (admitted.length === 0) return { ok: true, candidates: usable.sort((left, right) => this.health.openUntil(left) - this.health.openUntil(right)), skipped };
    for (const candidate of usable) {
      if (!admitted.includes(candidate)) skipped.push({ candidate, reason: `cooling down until ${new Date(this.health.openUntil(candidate)).toISOString()}` });
    }
    return { ok: true, candidates: admitted, skipped };
  }

  /**
   * The embeddings loop's attempts, told to the circuits, provider health and key rotation as chat's attempt loop
   * tells them. `attempt` returns the key generation in use; `failure` says whether the provider's next key took
   * over (then the same target is worth one more try).
   */
  readonly embeddingsHealth = {
    attempt: (target: Candidate): number | undefined => {
      this.health.attempt(target);
      return this.keys?.rotation.keyGeneration(target.providerId);
    },
    success: (target: Candidate): void => this.health.success(target, target.locality),
    failure: (target: Candidate, error: ProviderError, keyGeneration: number | undefined): boolean =>
      reportAttemptFailure(this.health, this.keys?.rotation, this.keys?.log, target, error, keyGeneration),
  };

  execute(plan: RoutedPlan, request: ChatRequest, rawBody: RequestBody | undefined, forceStreamUsage: boolean, signal: AbortSignal, native?: NativeRequest): Promise<Executed> {
    return executeChat({
      adapterFor: (id) => this.registry.get(id),
      health: this.health,
      settings: this.config.routing,
      route: plan.route,
      candidates: plan.candidates,
      skipped: plan.skipped,
      contextFallbacks: plan.contextFallbacks,
      details: (candidate) => this.details.get(candidate) ?? this.catalog.details(candidate),
      request,
      rawBody,
      forceStreamUsage,
      signal,
      random: this.random,
      ...(native ? { native } : {}),
      ...(this.keys ? { keys: this.keys.rotation, log: this.keys.log } : {}),
    });
  }
}

interface ConfigIndex {
  readonly providers: ReadonlyMap<string, Locality>;
  readonly routes: ReadonlyMap<string, RouteSettings>;
  readonly cloudIds: readonly string[];
  readonly hasLocal: boolean;
  /** model name → its candidates, for names whose expansion depends on the config alone (see expand) */
  readonly plans: Map<string, Extract<PlanResult, { ok: true }>>;
}

/** Model names whose plans are kept; past it the kept ones are dropped (clients cannot grow it without bound). */
const maxKeptPlans = 1_024;

function indexConfig(config: GatewayConfig): ConfigIndex {
  return {
    providers: new Map(config.providers.map((provider) => [provider.id, provider.locality])),
    routes: new Map(config.routes.map((route) => [route.name, route])),
    cloudIds: config.providers.filter((provider) => provider.locality === 'cloud').map((provider) => provider.id),
    hasLocal: config.providers.some((provider) => provider.locality === 'local'),
    plans: new Map(),
  };
}
