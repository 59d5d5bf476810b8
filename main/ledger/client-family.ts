// Which kind of tool sent a request, from its User-Agent, so spend can be grouped by tool even when every tool
// shares one client token. Pure; the most specific product wins (Claude Code sends the Anthropic SDK's UA too).

export const clientFamilies = ['openai-python', 'openai-node', 'anthropic-sdk', 'claude-code', 'curl', 'cursor', 'continue', 'aider', 'browser', 'other'] as const;
export type ClientFamily = (typeof clientFamilies)[number];

// Order matters: tools built on an SDK (Claude Code, Aider, Continue, Cursor) are matched before the SDK itself.
const rules: readonly (readonly [ClientFamily, RegExp])[] = [
  ['claude-code', /\bclaude-(?:cli|code)\b/i],
  ['cursor', /\bcursor\b/i],
  ['continue', /\bcontinue(?:dev)?\b/i],
  ['aider', /\baider\b/i],
  ['anthropic-sdk', /\banthropic\b/i],
  ['openai-python', /openai\/python\b|\bopenai-python\b/i],
  ['openai-node', /openai\/js\b|\bopenai-node\b/i],
  ['curl', /^curl\//i],
  ['browser', /^mozilla\/\d/i],
];

// A laptop's tools send a handful of distinct User-Agents, each on every request: remembered, the nine patterns are
// tried once per User-Agent rather than once per request. Bounded: past 256 distinct values it starts over.
const known = new Map<string, ClientFamily>();

export function clientFamily(userAgent: string | null | undefined): ClientFamily {
  if (!userAgent) return 'other';
  const value = userAgent.slice(0, 512);
  const remembered = known.get(value);
  if (remembered !== undefined) return remembered;
  const family = matchFamily(value);
  if (known.size >= 256) known.clear();
  known.set(value, family);
  return family;
}

function matchFamily(value: string): ClientFamily {
  for (const [family, pattern] of rules) {
    if (pattern.test(value)) return family;
  }
  return 'other';
}
