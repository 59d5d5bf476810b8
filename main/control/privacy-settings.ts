// privacy.* and cache.clear: the privacy guard's settings are an edit of the config file (the `privacy` section and
// each route's `privacy.action`, applied live); privacy.test runs the detectors on text pasted in Settings — the
// saved ones, or settings not saved yet — and answers with detector names and spans only.
import type { CallResponse, PrivacyInput } from '../../shared/control/contract.js';
import type { PrivacyAction, PrivacySettings } from '../config/privacy.js';
import { personalDetectorNames, secretDetectorNames, userPatternProblem } from '../config/detector-names.js';
import { definitionsOf, privacyOf, scannerFor } from '../gateway/privacy/guard.js';
import { PrivacyScanner } from '../gateway/privacy/scanner.js';
import { clearResponseCacheTable, responseCacheTableSize } from '../ledger/response-cache-table.js';
import { ensureMap } from './config-editor.js';
import type { ControlContext, ServiceRequest } from './context.js';
import { invalid } from './errors.js';

type PrivacyAnswer = CallResponse<'privacy.get'>;

export function getPrivacy(context: ControlContext): PrivacyAnswer {
  const { config } = context.gateway;
  const privacy = privacyOf(config.privacy);
  return {
    action: privacy.action,
    detectors: [...privacy.detectors],
    patterns: privacy.patterns.map((pattern) => ({ name: pattern.name, pattern: pattern.pattern })),
    pathGlobs: [...privacy.pathGlobs],
    clients: { ...privacy.clients },
    routes: config.routes.map((route) => ({
      name: route.name,
      action: route.privacy ?? null,
      cache: route.cache ? { ttlSeconds: route.cache.ttlSeconds, sampled: route.cache.sampled } : null,
    })),
    available: [
      ...secretDetectorNames.map((name) => ({ name, group: 'secrets' as const })),
      ...personalDetectorNames.map((name) => ({ name, group: 'personal' as const })),
    ],
    cache: cacheStats(context),
  };
}

export async function setPrivacy(context: ControlContext, input: PrivacyInput): Promise<PrivacyAnswer> {
  checkPatterns(input);
  const routeNames = new Set(context.gateway.config.routes.map((route) => route.name));
  for (const name of Object.keys(input.routes ?? {})) if (!routeNames.has(name)) throw invalid(`no route '${name}'`, `routes.${name}`);
  await context.editor.edit((document) => {
    const section = ensureMap(document, ['privacy']);
    section.set('action', input.action);
    section.set('detectors', document.createNode(input.detectors));
    if (input.patterns.length > 0) section.set('patterns', document.createNode(input.patterns));
    else section.delete('patterns');
    if (input.pathGlobs.length > 0) section.set('path_globs', document.createNode(input.pathGlobs));
    else section.delete('path_globs');
    const clients = Object.entries(input.clients);
    if (clients.length > 0) section.set('clients', document.createNode(Object.fromEntries(clients.map(([name, action]) => [name, { action }]))));
    else section.delete('clients');
    for (const [name, action] of Object.entries(input.routes ?? {})) {
      const route = ensureMap(document, ['routes', name]);
      if (action === null) route.delete('privacy');
      else route.set('privacy', document.createNode({ action }));
    }
  });
  return getPrivacy(context);
}

export function testPrivacy(context: ControlContext, request: ServiceRequest<'privacy.test'>): CallResponse<'privacy.test'> {
  let scanner: PrivacyScanner;
  if (request.settings) {
    checkPatterns(request.settings);
    const settings: PrivacySettings = { ...request.settings, clients: request.settings.clients as Record<string, PrivacyAction> };
    scanner = new PrivacyScanner(definitionsOf(settings), settings.pathGlobs);
  } else {
    scanner = scannerFor(privacyOf(context.gateway.config.privacy));
  }
  return { findings: scanner.scan(request.text), fileMatched: request.fileName !== undefined && scanner.matchesPath(request.fileName) };
}

export function clearCache(context: ControlContext): CallResponse<'cache.clear'> {
  return { cleared: clearResponseCacheTable(context.ledger.database) };
}

function checkPatterns(input: Pick<PrivacyInput, 'patterns' | 'detectors'>): void {
  input.patterns.forEach((pattern, index) => {
    const problem = userPatternProblem(pattern.pattern);
    if (problem) throw invalid(`pattern '${pattern.name}': ${problem}`, `patterns[${index}].pattern`);
  });
  const known = new Set<string>(['secrets', 'personal', ...secretDetectorNames, ...personalDetectorNames]);
  input.detectors.forEach((name, index) => {
    if (!known.has(name)) throw invalid(`'${name}' is not a detector`, `detectors[${index}]`);
  });
}

function cacheStats(context: ControlContext): PrivacyAnswer['cache'] {
  const { entries, bytes } = responseCacheTableSize(context.ledger.database);
  return { entries, bytes, maxBytes: context.gateway.config.responseCache?.maxBytes ?? 0 };
}
