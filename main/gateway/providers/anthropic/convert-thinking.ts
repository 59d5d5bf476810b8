// reasoning_effort (or an Anthropic `thinking` object the client sends as an extra field, or OpenRouter's
// `reasoning`) → Anthropic's `thinking` and `output_config.effort`, in the style the model takes (model-catalog.ts),
// plus the max_tokens that leaves room for the thinking: Anthropic counts thinking inside max_tokens and wants
// budget_tokens (at least 1024) below it, while an OpenAI client's max_tokens means the visible answer.
import type { ChatRequest } from '../../../../shared/openai-types.js';
import type { AnthropicEffort, AnthropicThinking } from './anthropic-api.js';
import type { ClaudeModelFacts } from './model-catalog.js';

export interface ThinkingSettings {
  readonly thinking?: AnthropicThinking;
  readonly effort?: AnthropicEffort;
  readonly maxTokens: number;
}

const minimumBudget = 1024;

/** Budgets per effort for models that take budget_tokens; "medium" is Anthropic's suggested starting point range. */
const budgetByEffort: Readonly<Record<string, number>> = { minimal: 1024, low: 2048, medium: 8192, high: 16384, xhigh: 32768, max: 32768 };

export function resolveThinking(request: ChatRequest, facts: ClaudeModelFacts): ThinkingSettings {
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const answerTokens = requested ?? facts.defaultMaxTokens;
  const explicit = explicitThinking(request['thinking']);
  const openRouter = typeof request['reasoning'] === 'object' && request['reasoning'] !== null ? (request['reasoning'] as Record<string, unknown>) : {};
  const effort = request.reasoning_effort ?? (typeof openRouter['effort'] === 'string' ? openRouter['effort'] : undefined);
  const budgetAsked = typeof openRouter['max_tokens'] === 'number' ? openRouter['max_tokens'] : undefined;

  let thinking: AnthropicThinking | undefined = explicit;
  let adaptiveEffort: AnthropicEffort | undefined;
  if (!thinking && facts.thinking !== 'none' && (effort !== undefined || budgetAsked !== undefined) && effort !== 'none') {
    if (facts.thinking === 'budget') {
      thinking = { type: 'enabled', budget_tokens: budgetAsked ?? budgetByEffort[effort ?? 'medium'] ?? budgetByEffort['medium'] ?? 8192 };
    } else {
      thinking = { type: 'adaptive' };
      adaptiveEffort = toEffort(effort ?? 'medium', facts);
    }
  }
  if (thinking?.type !== 'enabled') {
    return { ...(thinking ? { thinking } : {}), ...(adaptiveEffort ? { effort: adaptiveEffort } : {}), maxTokens: answerTokens };
  }
  // Room for the budget on top of the answer, within the model's output limit; the budget gives way first.
  const maxTokens = Math.min(answerTokens + thinking.budget_tokens, Math.max(facts.maxOutputTokens, answerTokens));
  const budget = Math.min(thinking.budget_tokens, maxTokens - 1);
  if (budget < minimumBudget) return { maxTokens: answerTokens }; // no room to think: answer without thinking
  return { thinking: { ...thinking, budget_tokens: budget }, maxTokens };
}

function toEffort(effort: string, facts: ClaudeModelFacts): AnthropicEffort {
  switch (effort) {
    case 'minimal':
    case 'low':
      return 'low';
    case 'high':
      return 'high';
    case 'xhigh':
      return facts.extraHighEffort ? 'xhigh' : 'high';
    case 'max':
      return 'max';
    default:
      return 'medium';
  }
}

/** An Anthropic-shaped `thinking` object sent as an extra field goes through as the client wrote it. */
function explicitThinking(value: unknown): AnthropicThinking | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const display = typeof record['display'] === 'string' ? { display: record['display'] } : {};
  if (record['type'] === 'enabled' && typeof record['budget_tokens'] === 'number')
    return { type: 'enabled', budget_tokens: record['budget_tokens'], ...display };
  if (record['type'] === 'adaptive') return { type: 'adaptive', ...display };
  if (record['type'] === 'disabled') return { type: 'disabled' };
  return undefined;
}
