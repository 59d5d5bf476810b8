// What the request converter and routing must know about a Claude model that the API does not say per request:
// its output limit and our default max_tokens (Anthropic requires max_tokens), its context window, how it thinks,
// whether it still takes sampling settings, and whether it has native structured outputs. Facts from Anthropic's
// models overview and per-model pages, the adaptive-thinking and structured-outputs docs, and the Opus 4.7
// migration notes (sampling settings and budget thinking answer 400 there).

/**
 * `budget`: thinking {type:'enabled', budget_tokens}. `adaptive`: thinking {type:'adaptive'} + output_config.effort
 * (budget thinking still accepted but deprecated). `adaptive-only`: budget thinking answers 400.
 */
export type ThinkingStyle = 'none' | 'budget' | 'adaptive' | 'adaptive-only';

export interface ClaudeModelFacts {
  readonly contextWindow: number;
  readonly maxOutputTokens: number;
  /** max_tokens sent when the client sets none: enough for a long answer, well under the limit, and cheap to reserve */
  readonly defaultMaxTokens: number;
  readonly thinking: ThinkingStyle;
  /** false: temperature, top_p and top_k answer 400 (Opus 4.7 and later) */
  readonly samplingSettings: boolean;
  /** Claude 4.5 and later reject temperature and top_p together */
  readonly oneSamplingSetting: boolean;
  /** output_config.format (JSON outputs) and strict tools */
  readonly structuredOutputs: boolean;
  /** output_config.effort accepts 'xhigh' (Opus 4.7 and later) */
  readonly extraHighEffort: boolean;
}

interface Family extends ClaudeModelFacts {
  readonly pattern: RegExp;
}

const thousand = 1000;
const legacy = { samplingSettings: true, oneSamplingSetting: false, structuredOutputs: false, extraHighEffort: false } as const;
const current = { samplingSettings: true, oneSamplingSetting: true, structuredOutputs: true, extraHighEffort: false } as const;
const newest = { samplingSettings: false, oneSamplingSetting: true, structuredOutputs: true, extraHighEffort: true } as const;

// First match wins, so the more specific names come first. Dated snapshots (…-20250929) and aliases (…-4-0) match
// their family; so do Bedrock/Vertex-style ids that contain the family name.
const families: readonly Family[] = [
  {
    pattern: /claude-3-5-(sonnet|haiku)|claude-3\.5/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 8192,
    defaultMaxTokens: 8192,
    thinking: 'none',
    ...legacy,
  },
  {
    pattern: /claude-3-7-sonnet|claude-3\.7/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 64 * thousand,
    defaultMaxTokens: 16384,
    thinking: 'budget',
    ...legacy,
  },
  {
    pattern: /claude-3-(opus|sonnet|haiku)|claude-(instant|2)/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 4096,
    defaultMaxTokens: 4096,
    thinking: 'none',
    ...legacy,
  },
  {
    pattern: /claude-(opus|sonnet|haiku)-4-5/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 64 * thousand,
    defaultMaxTokens: 16384,
    thinking: 'budget',
    ...current,
  },
  { pattern: /claude-opus-4-6/, contextWindow: 1000 * thousand, maxOutputTokens: 128 * thousand, defaultMaxTokens: 16384, thinking: 'adaptive', ...current },
  { pattern: /claude-sonnet-4-6/, contextWindow: 1000 * thousand, maxOutputTokens: 64 * thousand, defaultMaxTokens: 16384, thinking: 'adaptive', ...current },
  {
    pattern: /claude-opus-4-[7-9]/,
    contextWindow: 1000 * thousand,
    maxOutputTokens: 128 * thousand,
    defaultMaxTokens: 16384,
    thinking: 'adaptive-only',
    ...newest,
  },
  { pattern: /claude-opus-4-1/, contextWindow: 200 * thousand, maxOutputTokens: 32 * thousand, defaultMaxTokens: 16384, thinking: 'budget', ...legacy },
  {
    pattern: /claude-opus-4(?!-[1-9]\b)|claude-4-opus/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 32 * thousand,
    defaultMaxTokens: 16384,
    thinking: 'budget',
    ...legacy,
  },
  {
    pattern: /claude-sonnet-4(?!-[1-9]\b)|claude-4-sonnet/,
    contextWindow: 200 * thousand,
    maxOutputTokens: 64 * thousand,
    defaultMaxTokens: 16384,
    thinking: 'budget',
    ...legacy,
  },
];

/** Claude models newer than this table: facts of the newest generation (1M context, 128K output, adaptive thinking). */
const unknownClaude: ClaudeModelFacts = {
  contextWindow: 1000 * thousand,
  maxOutputTokens: 128 * thousand,
  defaultMaxTokens: 16384,
  thinking: 'adaptive-only',
  ...newest,
};

/** A model that is not Claude at all (an Anthropic-compatible server in front of another model): assume little. */
const notClaude: ClaudeModelFacts = { contextWindow: 200 * thousand, maxOutputTokens: 4096, defaultMaxTokens: 4096, thinking: 'budget', ...legacy };

export function claudeModelFacts(model: string): ClaudeModelFacts {
  const name = model.toLowerCase();
  const family = families.find((candidate) => candidate.pattern.test(name));
  if (family) return family;
  return name.includes('claude') ? unknownClaude : notClaude;
}
