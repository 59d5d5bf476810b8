// The fake control client's privacy.* and cache.clear: settings kept in memory, and a test box that knows a few
// detectors (enough for UI tests; the real detectors run in main/gateway/privacy).
import type { CallResponse, ControlApi, PrivacyInput } from '../../../../shared/control/contract';

export type FakePrivacyState = CallResponse<'privacy.get'>;

export function fakePrivacy(): FakePrivacyState {
  return {
    action: 'warn',
    detectors: ['secrets'],
    patterns: [],
    pathGlobs: [],
    clients: {},
    routes: [
      { name: 'fast', action: null, cache: null },
      { name: 'private', action: 'local-only', cache: { ttlSeconds: 3_600, sampled: false } },
    ],
    available: [
      ...['private-key', 'anthropic-api-key', 'openai-api-key', 'aws-access-key', 'github-token', 'env-secret'].map((name) => ({
        name,
        group: 'secrets' as const,
      })),
      ...['email', 'card-number', 'iban'].map((name) => ({ name, group: 'personal' as const })),
    ],
    cache: { entries: 12, bytes: 48_128, maxBytes: 268_435_456 },
  };
}

const fakeDetectors: ReadonlyArray<readonly [string, RegExp]> = [
  ['aws-access-key', /AKIA[0-9A-Z]{16}/g],
  ['openai-api-key', /sk-[A-Za-z0-9_-]{20,}/g],
  ['email', /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g],
];

export function fakePrivacyCalls(state: {
  privacy: FakePrivacyState;
}): Pick<ControlApi, 'privacy.get' | 'privacy.set' | 'privacy.test' | 'cache.clear' | 'usage.guard'> {
  return {
    'usage.guard': async () => ({ detectors: [{ detector: 'aws-access-key', action: 'local-only', requests: 3 }], cacheHits: 7, cacheSavedUsd: 0.042 }),
    'privacy.get': async () => state.privacy,
    'privacy.set': async (input: PrivacyInput) => {
      const routes = state.privacy.routes.map((route) =>
        input.routes && Object.hasOwn(input.routes, route.name) ? { ...route, action: input.routes[route.name] ?? null } : route,
      );
      state.privacy = {
        ...state.privacy,
        action: input.action,
        detectors: input.detectors,
        patterns: input.patterns,
        pathGlobs: input.pathGlobs,
        clients: input.clients,
        routes,
      };
      return state.privacy;
    },
    'privacy.test': async ({ text, fileName }) => {
      const findings: Array<{ detector: string; start: number; end: number }> = [];
      for (const [detector, pattern] of fakeDetectors) {
        for (const match of text.matchAll(pattern)) findings.push({ detector, start: match.index, end: match.index + match[0].length });
      }
      findings.sort((left, right) => left.start - right.start);
      return { findings, fileMatched: fileName !== undefined && /(^|\/)\.env$/.test(fileName) };
    },
    'cache.clear': async () => {
      const cleared = state.privacy.cache.entries;
      state.privacy = { ...state.privacy, cache: { ...state.privacy.cache, entries: 0, bytes: 0 } };
      return { cleared };
    },
  };
}
