// The model catalog: route aliases first, then each provider's models (the live list, plus configured names the
// live list lacks), described by context window, capabilities, prices and locality; and what a query keeps, best matches first.
import { describe, expect, it } from 'vitest';
import { fakeModels, fakeProviders, fakeRoutes } from '../../control/fake/fake-seed';
import { buildModelOptions, filterModelOptions } from './model-catalog';

describe('buildModelOptions', () => {
  const providers = fakeProviders();
  it('lists the routes, then every provider’s models, live or configured', () => {
    const options = buildModelOptions(fakeRoutes(), providers, { ollama: fakeModels['ollama'], openai: [fakeModels['openai']![0]!] });
    expect(options.map((option) => option.value)).toEqual([
      'local',
      'smart',
      'ollama/llama3.2:3b',
      'ollama/qwen3:8b',
      'openai/gpt-4.1',
      'openai/gpt-4.1-mini',
      'anthropic/claude-sonnet-4-5',
    ]);
    expect(options.map((option) => option.group)).toEqual(['Route aliases', 'Route aliases', 'Ollama', 'Ollama', 'OpenAI', 'OpenAI', 'Anthropic']);
    const byValue = Object.fromEntries(options.map((option) => [option.value, option.detail]));
    expect(byValue['smart']).toBe('route → anthropic/claude-sonnet-4-5, openai/gpt-4.1');
    expect(byValue['ollama/qwen3:8b']).toBe('41k context · tools, reasoning · free · local');
    expect(byValue['openai/gpt-4.1-mini']).toBe('1M context · tools, vision · in $0.40 / M · out $1.60 / M · cloud');
    // configured but not in the live answer (or the provider did not answer): offered without figures
    expect(byValue['openai/gpt-4.1']).toBe('cloud');
    expect(byValue['anthropic/claude-sonnet-4-5']).toBe('cloud');
  });

  it('names a second account of a preset by its id', () => {
    const [openai] = providers.filter((provider) => provider.id === 'openai');
    const options = buildModelOptions([], [{ ...openai!, id: 'openai-work' }], {});
    expect(options[0]?.group).toBe('OpenAI (openai-work)');
  });
});

describe('filterModelOptions', () => {
  const options = buildModelOptions(fakeRoutes(), fakeProviders(), { ollama: fakeModels['ollama'], openai: fakeModels['openai'] });
  it('keeps what matches every word, exact and prefix matches first', () => {
    expect(filterModelOptions(options, 'gpt').map((option) => option.value)).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini', 'smart']);
    expect(filterModelOptions(options, 'smart').map((option) => option.value)).toEqual(['smart']);
    expect(filterModelOptions(options, 'free local').map((option) => option.value)).toEqual(['ollama/llama3.2:3b', 'ollama/qwen3:8b']);
    expect(filterModelOptions(options, 'vision').map((option) => option.value)).toEqual(['openai/gpt-4.1', 'openai/gpt-4.1-mini']);
    expect(filterModelOptions(options, '  ')).toHaveLength(options.length);
    expect(filterModelOptions(options, '', 2)).toHaveLength(2);
  });
});
