// The privacy guard's decision for one request: which action applies (the route's, or privacy.action; a client
// token's own action on top, the stricter winning), which detectors fire, and so what happens — nothing, a warning,
// a redacted request, local targets only, or a refusal. Pure: the pipeline (pipeline/privacy-step.ts) acts on it.
import { defaultPrivacy, privacyActions, type PrivacyAction, type PrivacySettings } from '../../config/privacy.js';
import { builtInDetector, type DetectorDefinition } from './detectors.js';
import { PrivacyScanner } from './scanner.js';
import { personalDetectorNames, secretDetectorNames, type BuiltInDetectorName } from '../../config/detector-names.js';

export interface PrivacyVerdict {
  readonly action: Exclude<PrivacyAction, 'off'>;
  /** the detectors that fired, sorted; never the matched text */
  readonly detectors: readonly string[];
  readonly scanner: PrivacyScanner;
}

const compiled = new WeakMap<PrivacySettings, PrivacyScanner>();

/** The settings' scanner, compiled once per config (configs are replaced whole on reload). */
export function scannerFor(settings: PrivacySettings): PrivacyScanner {
  let scanner = compiled.get(settings);
  if (!scanner) {
    scanner = new PrivacyScanner(definitionsOf(settings), settings.pathGlobs);
    compiled.set(settings, scanner);
  }
  return scanner;
}

export function definitionsOf(settings: PrivacySettings): DetectorDefinition[] {
  const names = new Set<BuiltInDetectorName>();
  for (const name of settings.detectors) {
    if (name === 'secrets') for (const secret of secretDetectorNames) names.add(secret);
    else if (name === 'personal') for (const personal of personalDetectorNames) names.add(personal);
    else names.add(name as BuiltInDetectorName);
  }
  // built-ins in their declared order (a provider's key before the generic `sk-` one), then the user's
  const ordered = [...secretDetectorNames, ...personalDetectorNames].filter((name) => names.has(name)).map(builtInDetector);
  return [...ordered, ...settings.patterns.map((pattern) => ({ name: pattern.name, source: pattern.pattern }))];
}

/** The action for a request on `route` from client `client`; 'off' means the request is not read at all. */
export function effectiveAction(settings: PrivacySettings, routeAction: PrivacyAction | undefined, client: string | null): PrivacyAction {
  const base = routeAction ?? settings.action;
  const own = client === null ? undefined : settings.clients[client];
  if (own === undefined) return base;
  return privacyActions.indexOf(own) > privacyActions.indexOf(base) ? own : base;
}

export function verdictOf(action: PrivacyAction, fired: ReadonlySet<string>, scanner: PrivacyScanner): PrivacyVerdict | undefined {
  if (action === 'off' || fired.size === 0) return undefined;
  return { action, detectors: [...fired].sort(), scanner };
}

export function privacyOf(settings: PrivacySettings | undefined): PrivacySettings {
  return settings ?? defaultPrivacy;
}
