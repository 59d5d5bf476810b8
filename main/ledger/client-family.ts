// Which kind of tool sent a request, from its User-Agent and the headers tools name themselves in (Codex's
// `originator`, Claude Code's `x-app`, the GenAI SDK's `x-goog-api-client`), so spend can be grouped by tool even
// when every tool shares one client token. Pure; the most specific product wins (Claude Code sends the Anthropic
// SDK's UA too, opencode the AI SDK's).
import type { IncomingHttpHeaders } from 'node:http';

export const clientFamilies = [
  'codex',
  'claude-code',
  'gemini-cli',
  'opencode',
  'qwen-code',
  'copilot',
  'jetbrains',
  'raycast',
  'open-webui',
  'cursor',
  'continue',
  'aider',
  'openai-agents',
  'langchain',
  'ai-sdk',
  'google-genai',
  'ollama-client',
  'openai-python',
  'openai-node',
  'anthropic-sdk',
  'curl',
  'browser',
  'other',
] as const;
export type ClientFamily = (typeof clientFamilies)[number];

// Order matters: tools built on an SDK are matched before the SDK itself.
const rules: readonly (readonly [ClientFamily, RegExp])[] = [
  ['codex', /^codex_|\boriginator=codex/i],
  ['claude-code', /\bclaude-(?:cli|code)\b/i],
  ['gemini-cli', /^GeminiCLI\b/i],
  ['opencode', /\bopencode\b/i],
  ['qwen-code', /\bQwenCode\b|\bqwen-code\b/i],
  ['copilot', /\bGitHubCopilot|\bcopilot-chat\b/i],
  ['jetbrains', /\bJetBrains\b|\bIntelliJ\b|\bPyCharm\b|\bWebStorm\b/i],
  ['raycast', /\bRaycast\b/i],
  ['open-webui', /\bopen-?webui\b/i],
  ['cursor', /\bcursor\b/i],
  ['continue', /\bcontinue(?:dev)?\b/i],
  ['aider', /\baider\b/i],
  ['openai-agents', /^Agents\/(?:JavaScript|Python)\b|\bopenai-agents\b/i],
  ['langchain', /\blangchain/i],
  ['ai-sdk', /^ai\/\d|\bai-sdk[/-]/i],
  ['google-genai', /\bgoogle-genai-sdk\//i],
  ['ollama-client', /^ollama-(?:js|python)\//i],
  ['openai-python', /openai\/python\b|\bopenai-python\b/i],
  ['openai-node', /openai\/js\b|\bopenai-node\b/i],
  ['anthropic-sdk', /\banthropic\b/i],
  ['curl', /^curl\//i],
  ['browser', /^mozilla\/\d/i],
];

// A laptop's tools send a handful of distinct User-Agents, each on every request: remembered, the patterns are
// tried once per User-Agent rather than once per request. Bounded: past 256 distinct values it starts over.
const known = new Map<string, ClientFamily>();

/**
 * What a request says about the tool that sent it, in one string the rules read: the User-Agent, then the headers
 * tools name themselves in. A request without them is just its User-Agent (or undefined).
 */
export function clientSignature(headers: IncomingHttpHeaders): string | undefined {
  const userAgent = headers['user-agent'];
  const originator = headers['originator'];
  const app = headers['x-app'];
  const googleClient = headers['x-goog-api-client'];
  if (originator === undefined && app === undefined && googleClient === undefined) return userAgent;
  let signature = userAgent ?? '';
  if (typeof originator === 'string') signature += ` originator=${originator}`;
  if (typeof app === 'string') signature += ` x-app=${app}`;
  if (typeof googleClient === 'string') signature += ` ${googleClient}`;
  return signature;
}

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
