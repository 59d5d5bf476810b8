// An in-memory ControlClient: requests are parsed with the contract's request schemas and answers checked against
// its response schemas, exactly like the real transports. Component tests use it, and so does the demo mode
// (`npm run dev:renderer`, then open /?demo) while no core is running.
import type { z } from 'zod';
import {
  controlContract,
  type CallRequest,
  type CallResponse,
  type CaptureDto,
  type ControlApi,
  type ControlCall,
  type ControlClient,
  type ProviderDto,
  type RequestRowDto,
  type RouteDto,
  type TokenDto,
} from '../../../../shared/control/contract';
import { ControlCallError } from '../control-error';
import { clientFrom, parseResponse } from '../validate';
import { fakeCaptures, fakeModels, fakePresets, fakeProviders, fakeRequests, fakeRoutes, fakeSettings, fakeTokens } from './fake-seed';
import { fakeOnboarding, fakeOnboardingCalls, type FakeOnboardingState } from './fake-onboarding';
import { fakePlaygroundCalls, type FakePlaygroundState } from './fake-playground';
import { fakePrivacy, fakePrivacyCalls, type FakePrivacyState } from './fake-privacy';
import { fakeLimitsCalls } from './fake-limits';
import { breakdownOf, errorsOf, inRange, latencyOf, seriesOf, totalsOf } from './fake-usage';

export interface FakeOptions {
  /** start with a month of traffic, three providers, two routes (default true) */
  readonly seeded?: boolean;
  readonly now?: () => number;
  /** calls that fail with this message (to show error states) */
  readonly failing?: Partial<Record<ControlCall, string>>;
  /** answer after this many milliseconds (demo mode: let loading states show) */
  readonly delayMs?: number;
  /** firstRun.get answers pending (default false, so other tests open on the dashboard) */
  readonly firstRunPending?: boolean;
}

export interface FakeControl {
  readonly client: ControlClient;
  /** every call made, in order, with its parsed request (what a test asserts on) */
  readonly calls: Array<{ readonly call: ControlCall; readonly request: unknown }>;
  readonly state: FakeState;
}

export interface FakeState {
  providers: ProviderDto[];
  routes: RouteDto[];
  tokens: TokenDto[];
  requests: RequestRowDto[];
  /** captured bodies by request id (usage.detail) */
  captures: Record<string, CaptureDto>;
  budgets: CallResponse<'budgets.get'>['limits'];
  settings: CallResponse<'settings.get'>;
  /** the privacy guard's settings and the response cache's size */
  privacy: FakePrivacyState;
  playground: FakePlaygroundState;
  /** first run and Connect: servers found, keys in the environment, tools and their config files */
  onboarding: FakeOnboardingState;
}

const mask = (secret: string): string => `…${secret.slice(-4)}`;

export function createFakeControl(options: FakeOptions = {}): FakeControl {
  const now = options.now ?? (() => Date.now());
  const seeded = options.seeded ?? true;
  const state: FakeState = {
    providers: seeded ? fakeProviders() : [],
    routes: seeded ? fakeRoutes() : [],
    tokens: seeded ? fakeTokens(now()) : [],
    requests: seeded ? fakeRequests(now()) : [],
    captures: {},
    budgets: { dailyUsd: seeded ? 2 : null, monthlyUsd: seeded ? 30 : null, action: 'block', warnAt: 0.8, clients: {} },
    settings: { ...fakeSettings },
    privacy: fakePrivacy(),
    playground: { sets: [], comparisons: [], votes: [] },
    onboarding: fakeOnboarding(options.firstRunPending ?? false),
  };
  if (seeded) state.captures = fakeCaptures(state.requests);
  const fail = (call: string, message: string, code: string, field: string | null = null): never => {
    throw new ControlCallError(call, message, code, field);
  };
  const provider = (id: string): ProviderDto =>
    state.providers.find((candidate) => candidate.id === id) ?? fail('providers', `no provider '${id}'`, 'not_found', 'id');
  const spend = (from: number): number => totalsOf(state.requests.filter((row) => row.startedAt >= from)).costUsd;
  const budgetLines = (): CallResponse<'budgets.get'>['lines'] => {
    const today = new Date(now());
    today.setHours(0, 0, 0, 0);
    const month = new Date(today);
    month.setDate(1);
    const limits = state.budgets;
    const line = (description: string, used: number, limit: number | null) => {
      if (limit === null || limit === 0) return [];
      const fraction = used / limit;
      return [
        {
          description: `${description}: $${used.toFixed(2)} of $${limit.toFixed(2)}`,
          fraction,
          state: fraction >= 1 ? ('exceeded' as const) : fraction >= limits.warnAt ? ('warning' as const) : ('ok' as const),
        },
      ];
    };
    return [...line('Daily budget', spend(today.getTime()), limits.dailyUsd), ...line('Monthly budget', spend(month.getTime()), limits.monthlyUsd)];
  };
  const routeDto = (input: z.output<(typeof controlContract)['routes.save']['request']>): RouteDto => ({
    name: input.name,
    description: input.description ?? null,
    prefer: input.prefer,
    numRetries: input.numRetries ?? null,
    limits: input.limits ?? null,
    fallbacks: input.fallbacks,
    targets: input.targets.map((target) => {
      const [providerId = '', ...rest] = target.model.split('/');
      const known = state.providers.find((candidate) => candidate.id === providerId);
      const model = fakeModels[providerId]?.find((candidate) => candidate.id === rest.join('/'));
      return {
        ...target,
        locality: known?.locality ?? 'cloud',
        health: known === undefined || known.reachable === null ? 'unknown' : known.reachable ? 'up' : 'down',
        contextWindow: model?.contextWindow ?? null,
        priceInputPerMillion: model?.priceInputPerMillion ?? null,
        priceOutputPerMillion: model?.priceOutputPerMillion ?? null,
      };
    }),
  });

  const handlers: ControlApi = {
    'status.get': async () => ({
      url: `http://${state.settings.host}:${state.settings.port}`,
      version: '0.1.0-demo',
      configSource: null,
      inFlight: 0,
      offline: state.settings.offline === true ? 'offline mode is on' : null,
      providers: state.providers.map(({ preset: _preset, apiKeyEnv: _env, maskedKeys: _keys, models: _models, ...health }) => health),
      routes: state.routes.map((route) => ({ name: route.name, targets: route.targets.map((target) => target.model) })),
      cooldowns: [],
      budgets: budgetLines(),
      today: (() => {
        const totals = totalsOf(inRange(state.requests, { from: new Date(now()).setHours(0, 0, 0, 0), to: now() + 1 }));
        return { costUsd: totals.costUsd, requests: totals.requests, savedUsd: totals.savedUsd };
      })(),
      ledger: { queued: 0, written: state.requests.length, dropped: 0, lastError: null },
    }),
    'gateway.reload': async () => ({ reloaded: true }),
    'providers.list': async () => state.providers,
    'providers.presets': async () => fakePresets,
    'providers.add': async (input) => {
      if (state.providers.some((candidate) => candidate.id === input.id))
        fail('providers.add', `a provider named '${input.id}' already exists`, 'conflict', 'id');
      const preset = fakePresets.find((candidate) => candidate.id === (input.preset ?? input.id));
      const baseUrl = input.baseUrl ?? preset?.baseUrl ?? fail('providers.add', 'a base URL is needed for a custom provider', 'invalid_request', 'baseUrl');
      const added: ProviderDto = {
        id: input.id,
        type: input.type ?? preset?.type ?? 'openai-compatible',
        label: preset?.label ?? input.id,
        baseUrl,
        locality: input.locality ?? preset?.locality ?? 'cloud',
        keySource: input.key ? 'keychain (1 key)' : preset?.keyEnv ? `missing (set ${preset.keyEnv})` : 'none needed',
        reachable: null,
        keyRejected: false,
        lastError: null,
        preset: preset?.id ?? null,
        apiKeyEnv: input.apiKeyEnv ?? null,
        maskedKeys: input.key ? [mask(input.key)] : [],
        models: input.models ?? fakeModels[preset?.id ?? '']?.map((model) => model.id) ?? [],
      };
      state.providers = [...state.providers, added];
      return added;
    },
    'providers.update': async (input) => {
      const { key, ...changes } = input;
      const updated: ProviderDto = { ...provider(input.id), ...changes, ...(key ? { maskedKeys: [mask(key)] } : {}) };
      state.providers = state.providers.map((candidate) => (candidate.id === input.id ? updated : candidate));
      return updated;
    },
    'providers.remove': async ({ id }) => {
      provider(id);
      state.providers = state.providers.filter((candidate) => candidate.id !== id);
      return { removed: true };
    },
    'providers.test': async ({ id }) => {
      const found = provider(id);
      const ok = found.reachable !== false && !found.keyRejected;
      state.providers = state.providers.map((candidate) => (candidate.id === id ? { ...candidate, reachable: ok } : candidate));
      return { ok, detail: ok ? `answered, ${found.models.length} models` : (found.lastError ?? 'not reachable'), latencyMs: ok ? 42 : null };
    },
    'providers.models': async ({ id }) =>
      fakeModels[id] ??
      provider(id).models.map((model) => ({ id: model, contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null, capabilities: [] })),
    'keys.set': async ({ providerId, key, append }) => {
      const found = provider(providerId);
      const maskedKeys = append ? [...found.maskedKeys, mask(key)] : [mask(key)];
      state.providers = state.providers.map((candidate) =>
        candidate.id === providerId
          ? { ...candidate, maskedKeys, keySource: `keychain (${maskedKeys.length} key${maskedKeys.length === 1 ? '' : 's'})`, keyRejected: false }
          : candidate,
      );
      return { providerId, maskedKeys };
    },
    'keys.delete': async ({ providerId, index }) => {
      const found = provider(providerId);
      const maskedKeys = index === undefined ? [] : found.maskedKeys.filter((_key, position) => position !== index);
      state.providers = state.providers.map((candidate) => (candidate.id === providerId ? { ...candidate, maskedKeys } : candidate));
      return { providerId, maskedKeys };
    },
    'routes.list': async () => state.routes,
    'routes.save': async (input) => {
      const saved = routeDto(input);
      const exists = state.routes.some((route) => route.name === input.name);
      state.routes = exists ? state.routes.map((route) => (route.name === input.name ? saved : route)) : [...state.routes, saved];
      return saved;
    },
    'routes.delete': async ({ name }) => {
      state.routes = state.routes.filter((route) => route.name !== name);
      return { deleted: true };
    },
    'tokens.list': async () => state.tokens,
    'tokens.create': async ({ name }) => {
      if (state.tokens.some((token) => token.name === name && token.revokedAt === null))
        fail('tokens.create', `a token named '${name}' already exists`, 'conflict', 'name');
      const bytes = new Uint8Array(32);
      crypto.getRandomValues(bytes);
      const token = `sy-${[...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('')}`;
      state.tokens = [...state.tokens, { name, masked: `sy-${mask(token)}`, createdAt: now(), lastUsedAt: null, revokedAt: null }];
      return { name, token };
    },
    'tokens.revoke': async ({ name }) => {
      state.tokens = state.tokens.map((token) => (token.name === name ? { ...token, revokedAt: now() } : token));
      return { revoked: true };
    },
    'usage.totals': async ({ range }) => totalsOf(inRange(state.requests, range)),
    'usage.series': async ({ range, bucket, utcOffsetMinutes, timeZone }) => seriesOf(inRange(state.requests, range), bucket, utcOffsetMinutes, timeZone),
    'usage.breakdown': async ({ range, by, limit, orderBy }) => breakdownOf(inRange(state.requests, range), by, limit, orderBy),
    'usage.errors': async ({ range }) => errorsOf(inRange(state.requests, range)),
    'usage.latency': async ({ range, metric }) => latencyOf(inRange(state.requests, range), metric),
    'usage.log': async ({ range, status, providerId, model, clientTokenName, limit, cursor }) => {
      const rows = inRange(state.requests, range)
        .filter((row) => (status === undefined || row.status === status) && (providerId === undefined || row.providerId === providerId))
        .filter(
          (row) => (model === undefined || (row.model ?? '').includes(model)) && (clientTokenName === undefined || row.clientTokenName === clientTokenName),
        )
        .filter((row) => cursor === undefined || row.startedAt < cursor.startedAt || (row.startedAt === cursor.startedAt && row.id < cursor.id));
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return { rows: page, nextCursor: rows.length > limit && last ? { startedAt: last.startedAt, id: last.id } : null };
    },
    'usage.detail': async ({ id }) => {
      const request = state.requests.find((row) => row.id === id);
      if (!request) return null;
      const failedFirst = request.route === 'smart' && request.providerId !== 'anthropic';
      const attempts = [
        ...(failedFirst
          ? [{ seq: 1, providerId: 'anthropic', model: 'claude-sonnet-4-5', outcome: 'circuit open: skipped', httpStatus: null, durationMs: 0 }]
          : []),
        {
          seq: failedFirst ? 2 : 1,
          providerId: request.providerId ?? 'none',
          model: request.model ?? request.requestedModel,
          outcome: request.status === 'ok' ? 'ok' : (request.errorClass ?? 'error'),
          httpStatus: request.httpStatus,
          durationMs: request.upstreamMs ?? 0,
        },
      ];
      return { request, attempts, capture: state.captures[id] ?? null };
    },
    'usage.captures.purge': async () => {
      const deleted = Object.keys(state.captures).length;
      state.captures = {};
      return { deleted };
    },
    'budgets.get': async () => ({ limits: state.budgets, lines: budgetLines() }),
    'budgets.set': async (limits) => {
      state.budgets = limits;
      return { limits, lines: budgetLines() };
    },
    'settings.get': async () => state.settings,
    'settings.set': async ({ capture, ...changes }) => {
      const defined = (values: object) => Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
      state.settings = { ...state.settings, ...defined(changes), capture: { ...state.settings.capture, ...defined(capture ?? {}) } };
      return state.settings;
    },
    ...fakePrivacyCalls(state),
    ...fakeLimitsCalls(),
    ...fakePlaygroundCalls(state.playground, now),
    ...fakeOnboardingCalls(state, () => `http://${state.settings.host}:${state.settings.port}`, now),
  };

  const calls: FakeControl['calls'] = [];
  const send = async <Name extends ControlCall>(call: Name, request: CallRequest<Name>): Promise<CallResponse<Name>> => {
    if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    const failure = options.failing?.[call];
    if (failure !== undefined) throw new ControlCallError(call, failure, 'unavailable');
    const parsed = controlContract[call].request.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ControlCallError(call, issue?.message ?? 'invalid request', 'invalid_request', issue?.path.join('.') || null);
    }
    calls.push({ call, request: parsed.data });
    const handler = handlers[call] as (request: unknown) => Promise<unknown>;
    try {
      // a copy, as a real transport would give: the UI must never share objects with the "core"
      return parseResponse(call, structuredClone(await handler(parsed.data)));
    } catch (error) {
      if (error instanceof ControlCallError && error.call === 'providers') throw new ControlCallError(call, error.message, error.code, error.field);
      throw error;
    }
  };
  return { client: clientFrom(send), calls, state };
}
