// The routing layer as the request handlers see it: plan a request (resolve the model, order and filter the
// candidates, say why any were skipped) and run the plan. It owns what routing learns across requests — target
// health, model details, the offline switch — and survives config reloads.
import type { ChatRequest, EmbeddingsRequest } from '../../../shared/openai-types.js';
import type { GatewayConfig } from '../../config/load.js';
import type { RouteSettings } from '../../config/routing.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ProviderPacing } from '../providers/pacing.js';
import type { NativeRequest, RequestBody } from '../providers/types.js';
import type { ModelCatalog } from './model-catalog.js';
import { executeChat, type Executed, type KeyRotation } from './execute.js';
import { HealthTracker } from './health.js';
import { ModelDetailsCache } from './model-details-cache.js';
import { orderCandidates, type Skip } from './order.js';
import { planRequest, type Candidate, type PlanResult } from './plan.js';
import { requirementsOf } from './requirements.js';
import { matchPattern, patternRoutes, type PatternRoute } from './wildcard-routes.js';
import type { Locality } from '../../config/types.js';

export interface RoutedPlan {
  readonly route: RouteSettings | undefined;
  readonly candidates: readonly Candidate[];
  readonly skipped: readonly Skip[];
  readonly contextFallbacks: readonly Candidate[];
  /** why only local targets are used, when that is so */
  readonly offline: string | undefined;
}

export type PlanOutcome =
  { readonly ok: true; readonly plan: RoutedPlan } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class RoutingService {
  readonly health: HealthTracker;
  readonly details = new ModelDetailsCache();
  private manualOffline: boolean | undefined;
  /** set by the gateway: provider-key rotation and where its lines go */
  keys: { readonly rotation: KeyRotation; readonly log: (line: string) => void } | undefined;
  /** set by the gateway: what providers' rate-limit headers said (a certain refusal is skipped) */
  pacing: ProviderPacing | undefined;

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

  /** The route a model name selects (an alias or a wildcard route), without planning: its settings, read first. */
  routeFor(model: string): RouteSettings | undefined {
    return this.index.routes.get(model) ?? matchPattern(this.index.patterns, model);
  }

  /** `localOnly` forces local targets with that reason (a budget that downgrades to local). */
  async plan(
    request: ChatRequest,
    requestFallbacks: readonly string[] | undefined,
    options: { readonly localOnly?: string | undefined } = {},
  ): Promise<PlanOutcome> {
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
    const { providers, routes, patterns, plans } = this.index;
    const route = routes.get(model) ?? matchPattern(patterns, model);
    const slash = model.indexOf('/');
    const known = route !== undefined || providers.has(slash === -1 ? model : model.slice(0, slash));
    const needsCatalog = !known || (requestFallbacks?.length ?? 0) > 0;
    const owners = needsCatalog ? await this.catalog.owners() : new Map<string, string[]>();
    const planned = planRequest(model, requestFallbacks, {
      providers,
      routes,
      patterns,
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
  async planEmbeddings(model: string, options: { readonly localOnly?: string | undefined } = {}): Promise<PlanOutcome> {
    const { providers, routes, patterns } = this.index;
    const needsCatalog = !routes.has(model) && matchPattern(patterns, model) === undefined && !providers.has(model.split('/')[0] ?? '');
    const owners = needsCatalog ? await this.catalog.owners() : new Map<string, string[]>();
    const planned = planRequest(model, undefined, {
      providers,
      routes,
      patterns,
      defaultFallbacks: [],
      ownersOf: (name) => owners.get(name) ?? [],
      random: this.random,
    });
    if (!planned.ok) return planned;
    const offline = options.localOnly ?? this.offlineReason();
    const skipped: Skip[] = [];
    const usable = planned.candidates.filter((candidate) => {
      const adapter = this.registry.get(candidate.providerId);
      if (!adapter?.embeddings) {
        skipped.push({ candidate, reason: `${adapter?.type ?? 'this'} provider has no embeddings endpoint` });
        return false;
      }
      if (offline === undefined || candidate.locality === 'local') return true;
      skipped.push({ candidate, reason: `offline (${offline})` });
      return false;
    });
    if (usable.length === 0 && skipped.every((skip) => !skip.reason.startsWith('offline'))) {
      const reasons = skipped.map((skip) => `${skip.candidate.providerId}/${skip.candidate.model}: ${skip.reason}`).join('; ');
      return { ok: false, status: 400, code: 'embeddings_not_supported', message: `no target for '${model}' can create embeddings — ${reasons}` };
    }
    // Circuits as for chat: targets cooling down are skipped while another is admitted, else tried soonest-open first.
    const admitted = usable.filter((candidate) => this.health.admits(candidate));
    const plan = (candidates: readonly Candidate[]): PlanOutcome => ({
      ok: true,
      plan: { route: planned.route, candidates, skipped, contextFallbacks: [], offline },
    });
    if (admitted.length === 0) return plan(usable.sort((left, right) => this.health.openUntil(left) - this.health.openUntil(right)));
    for (const candidate of usable) {
      if (!admitted.includes(candidate)) skipped.push({ candidate, reason: `cooling down until ${new Date(this.health.openUntil(candidate)).toISOString()}` });
    }
    return plan(admitted);
  }

  execute(
    plan: RoutedPlan,
    request: ChatRequest,
    rawBody: RequestBody | undefined,
    forceStreamUsage: boolean,
    signal: AbortSignal,
    native?: NativeRequest,
    embeddings?: EmbeddingsRequest,
  ): Promise<Executed> {
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
      ...(embeddings ? { embeddings } : {}),
      ...(this.keys ? { keys: this.keys.rotation, log: this.keys.log } : {}),
      ...(this.pacing ? { pacing: this.pacing } : {}),
    });
  }

  /** An embeddings plan, run by the same attempt loop as chat (retries, fallback, circuits, key rotation). */
  executeEmbeddings(plan: RoutedPlan, request: EmbeddingsRequest, signal: AbortSignal): Promise<Executed> {
    // `request` is the loop's chat request; for embeddings it only names the model (the attempt embeds `embeddings`)
    return this.execute(plan, { model: request.model, messages: [] }, undefined, false, signal, undefined, request);
  }
}

interface ConfigIndex {
  readonly providers: ReadonlyMap<string, Locality>;
  readonly routes: ReadonlyMap<string, RouteSettings>;
  readonly patterns: readonly PatternRoute[];
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
    routes: new Map(config.routes.filter((route) => !route.pattern).map((route) => [route.name, route])),
    patterns: patternRoutes(config.routes),
    cloudIds: config.providers.filter((provider) => provider.locality === 'cloud').map((provider) => provider.id),
    hasLocal: config.providers.some((provider) => provider.locality === 'local'),
    plans: new Map(),
  };
}
