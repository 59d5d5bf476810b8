// One conformance suite every provider adapter must pass (STYLE.md point 6), each against its own fake over real
// loopback HTTP. A capability a provider lacks is an explicit empty case list in its harness, checked as a refusal.
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { ProviderAdapter } from '../../main/gateway/providers/types.js';
import { answerCases, capabilityCases, type SuiteContext } from './cases-answers.js';
import { errorCases, streamFaultCases } from './cases-failures.js';
import type { AdapterOverrides, ProviderHarness } from './harness.js';
import { anthropicHarness } from './harness-anthropic.js';
import { geminiHarness } from './harness-gemini.js';
import { ollamaHarness } from './harness-ollama.js';
import { openAIHarness } from './harness-openai.js';

const providers: readonly ProviderHarness[] = [openAIHarness, ollamaHarness, anthropicHarness, geminiHarness];

describe.each(providers)('$name adapter conformance', (harness) => {
  let adapter: ProviderAdapter | undefined;
  const extras: ProviderAdapter[] = [];

  const context: SuiteContext = {
    harness,
    adapter: () => {
      if (!adapter) throw new Error(`${harness.name}: the adapter is not built yet`);
      return adapter;
    },
    extraAdapter: (overrides: AdapterOverrides = {}) => {
      const extra = harness.adapter(overrides);
      extras.push(extra);
      return extra;
    },
  };

  beforeAll(async () => {
    await harness.start();
    adapter = harness.adapter();
  });
  afterAll(async () => {
    await Promise.all([adapter, ...extras].map((open) => open?.close()));
    await harness.stop();
  });
  beforeEach(() => harness.reset());

  describe('answers', () => answerCases(context));
  describe('capabilities', () => capabilityCases(context));
  describe('errors', () => errorCases(context));
  describe('stream faults and aborts', () => streamFaultCases(context));
});
