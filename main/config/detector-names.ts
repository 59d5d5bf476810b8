// The privacy guard's vocabulary as the config checks it: the built-in detectors' names and the rule a user pattern
// must pass. The detectors themselves (their patterns and checks) live in gateway/privacy/detectors.ts, which
// reads these names; config only needs to know which names exist, so it does not import the gateway.

/** The built-in detectors' names, as they appear in the config, the ledger and the `x-switchyard-privacy` header. */
export const secretDetectorNames = [
  'private-key',
  'anthropic-api-key',
  'openai-api-key',
  'aws-access-key',
  'aws-secret-key',
  'gcp-api-key',
  'gcp-service-account',
  'github-token',
  'slack-token',
  'slack-webhook',
  'stripe-key',
  'jwt',
  'env-secret',
] as const;
export const personalDetectorNames = ['email', 'phone-number', 'card-number', 'iban'] as const;
export type BuiltInDetectorName = (typeof secretDetectorNames)[number] | (typeof personalDetectorNames)[number];

const builtInNames: ReadonlySet<string> = new Set([...secretDetectorNames, ...personalDetectorNames]);

export function isBuiltInDetector(name: string): name is BuiltInDetectorName {
  return builtInNames.has(name);
}

/** A user pattern is refused when it would break the joined pattern: named groups or back-references. */
export function userPatternProblem(source: string): string | undefined {
  if (/\(\?<(?![=!])/.test(source)) return 'named groups are not allowed';
  if (/\\[1-9]|\\k</.test(source)) return 'back-references are not allowed';
  try {
    new RegExp(source, 'u');
  } catch (error) {
    return error instanceof Error ? error.message : 'not a valid regular expression';
  }
  if (new RegExp(`(?:${source})`, 'u').test('')) return 'it matches the empty string';
  return undefined;
}
