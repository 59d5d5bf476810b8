// The `routes` and `routing` config sections: defaults, LiteLLM's vocabulary, and errors that name the field
// (and, from a YAML file, the line).
import { describe, expect, it } from 'vitest';
import { defaultBackoff, defaultCircuit } from './defaults.js';
import { ConfigError, parseConfigText, resolveConfig } from './load.js';
import { defaultCloudTimeouts, defaultLocalTimeouts, resolveRouting } from './routing.js';
import type { ConfigFile } from './schema.js';

const providerIds = new Set(['ollama', 'openai', 'openrouter']);

function resolve(file: ConfigFile): ReturnType<typeof resolveRouting> & { problems: string[] } {
  const problems: string[] = [];
  return { ...resolveRouting(file, providerIds, problems), problems };
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('an empty file gives no routes and the documented routing defaults', () => {
    const { routes, routing, problems } = resolve({});
    expect(problems).toEqual([]);
    expect(routes).toEqual([]);
    expect(routing).toEqual({
      numRetries: 1,
      maxAttempts: 4,
      backoff: defaultBackoff,
      circuit: defaultCircuit,
      defaultFallbacks: [],
      offline: false,
      autoOffline: true,
      timeouts: { local: defaultLocalTimeouts, cloud: defaultCloudTimeouts },
      recoveryCheckMs: 15_000,
    });
  });

  it('a route with only targets gets order preference, no fallbacks, inherited retries and timeouts', () => {
    const { routes } = resolve({ routes: { fast: { targets: ['ollama/qwen3'] } } });
    expect(routes).toEqual([
      {
        name: 'fast',
        pattern: false,
        description: undefined,
        tiers: [[{ providerId: 'ollama', model: 'qwen3', weight: 1 }]],
        fallbacks: [],
        contextWindowFallbacks: [],
        prefer: 'order',
        numRetries: undefined,
        timeouts: {},
      },
    ]);
  });
});

describe('routes', () => {
  it('resolves tiers (a list is one weighted tier), fallbacks, context fallbacks, prefer, retries and timeouts', () => {
    const { routes, problems } = resolve({
      routes: {
        smart: {
          description: 'best available',
          targets: [
            'openai/gpt-4.1',
            [{ model: 'ollama/qwen3', weight: 3 }, 'openrouter/anthropic/claude-sonnet-4', { model: 'openai/gpt-4.1-mini' }],
            { model: 'ollama/llama3', weight: 2 },
          ],
          fallbacks: ['openrouter/meta/llama-4'],
          context_window_fallbacks: ['openai/gpt-4.1-long'],
          prefer: 'local',
          num_retries: 0,
          timeouts: { first_token_ms: 1_000, idle_ms: 2_000 },
        },
      },
    });
    expect(problems).toEqual([]);
    expect(routes[0]).toEqual({
      name: 'smart',
      pattern: false,
      description: 'best available',
      tiers: [
        [{ providerId: 'openai', model: 'gpt-4.1', weight: 1 }],
        [
          { providerId: 'ollama', model: 'qwen3', weight: 3 },
          { providerId: 'openrouter', model: 'anthropic/claude-sonnet-4', weight: 1 },
          { providerId: 'openai', model: 'gpt-4.1-mini', weight: 1 },
        ],
        [{ providerId: 'ollama', model: 'llama3', weight: 2 }],
      ],
      fallbacks: [{ providerId: 'openrouter', model: 'meta/llama-4' }],
      contextWindowFallbacks: [{ providerId: 'openai', model: 'gpt-4.1-long' }],
      prefer: 'local',
      numRetries: 0,
      timeouts: { firstTokenMs: 1_000, idleMs: 2_000 },
    });
  });

  it('a target naming an unknown provider is an error naming the field and the configured providers', () => {
    const { problems } = resolve({
      routes: {
        smart: {
          targets: ['openai/gpt-4.1', 'anthropic/claude', ['ollama/qwen3', 'groq/llama']],
          fallbacks: ['mistral/large'],
          context_window_fallbacks: ['gemini/pro'],
        },
      },
      routing: { default_fallbacks: ['openai/ok', 'xai/grok'] },
    });
    expect(problems).toEqual([
      "routes.smart.targets[1]: 'anthropic/claude' names no configured provider (providers: ollama, openai, openrouter)",
      "routes.smart.targets[2][1]: 'groq/llama' names no configured provider (providers: ollama, openai, openrouter)",
      "routes.smart.fallbacks[0]: 'mistral/large' names no configured provider (providers: ollama, openai, openrouter)",
      "routes.smart.context_window_fallbacks[0]: 'gemini/pro' names no configured provider (providers: ollama, openai, openrouter)",
      "routing.default_fallbacks[1]: 'xai/grok' names no configured provider (providers: ollama, openai, openrouter)",
    ]);
  });

  it('with no providers at all the error says so', () => {
    const problems: string[] = [];
    resolveRouting({ routes: { r: { targets: ['openai/x'] } } }, new Set(), problems);
    expect(problems).toEqual(["routes.r.targets[0]: 'openai/x' names no configured provider (providers: none)"]);
  });
});

describe('routing (LiteLLM vocabulary)', () => {
  it('maps num_retries, allowed_fails, cooldown_time (seconds → ms), default_fallbacks and the rest', () => {
    const { routing, problems } = resolve({
      routing: {
        num_retries: 3,
        max_attempts: 7,
        allowed_fails: 5,
        cooldown_time: 2.5,
        default_fallbacks: ['ollama/llama3', 'openrouter/openai/gpt-4.1'],
        retry_after_cap_ms: 10_000,
        backoff_initial_ms: 50,
        backoff_max_ms: 800,
        offline: true,
        auto_offline: false,
        recovery_check_ms: 1_000,
        timeouts: { local: { first_token_ms: 600_000 }, cloud: { connect_ms: 1_000, idle_ms: 30_000, total_ms: 120_000 } },
      },
    });
    expect(problems).toEqual([]);
    expect(routing).toEqual({
      numRetries: 3,
      maxAttempts: 7,
      backoff: { initialMs: 50, maxMs: 800, retryAfterCapMs: 10_000 },
      circuit: { ...defaultCircuit, allowedFails: 5, cooldownMs: 2_500 },
      defaultFallbacks: [
        { providerId: 'ollama', model: 'llama3' },
        { providerId: 'openrouter', model: 'openai/gpt-4.1' },
      ],
      offline: true,
      autoOffline: false,
      recoveryCheckMs: 1_000,
      timeouts: {
        local: { ...defaultLocalTimeouts, firstTokenMs: 600_000 },
        cloud: { connectMs: 1_000, firstTokenMs: defaultCloudTimeouts.firstTokenMs, idleMs: 30_000, totalMs: 120_000 },
      },
    });
  });

  it('cooldown_time 0 means no cooldown, not the default', () => {
    expect(resolve({ routing: { cooldown_time: 0 } }).routing.circuit.cooldownMs).toBe(0);
  });
});

describe('from a config file', () => {
  const providers = ['providers:', '  - id: openai', '  - id: ollama'];

  it('a whole YAML file with routes loads', () => {
    const text = [
      ...providers,
      'routes:',
      '  smart:',
      '    targets:',
      '      - openai/gpt-4.1',
      '      - [ { model: ollama/qwen3, weight: 3 }, ollama/llama3 ]',
      '    fallbacks: [ollama/phi]',
      '    num_retries: 2',
      'routing:',
      '  cooldown_time: 10',
      '  allowed_fails: 2',
      '  context_window_fallbacks_typo: 1',
      '',
    ];
    // one misspelt key first, to check it is named with its line
    expect(problemsOf(() => parseConfigText(text.join('\n'), 'c.yaml'))).toEqual([
      expect.stringMatching(/^line 14: routing\.context_window_fallbacks_typo: Unrecognized key/),
    ]);
    const file = parseConfigText(text.filter((line) => !line.includes('typo')).join('\n'), 'c.yaml');
    const config = resolveConfig(file, { path: 'c.yaml', env: {} });
    expect(config.routes[0]?.tiers).toEqual([
      [{ providerId: 'openai', model: 'gpt-4.1', weight: 1 }],
      [
        { providerId: 'ollama', model: 'qwen3', weight: 3 },
        { providerId: 'ollama', model: 'llama3', weight: 1 },
      ],
    ]);
    expect(config.routes[0]?.numRetries).toBe(2);
    expect(config.routing.circuit).toMatchObject({ allowedFails: 2, cooldownMs: 10_000 });
  });

  it('a bad route field is reported with its line', () => {
    const text = [...providers, 'routes:', '  smart:', '    targets:', '      - openai/gpt-4.1', '      - not-a-model-ref', '    prefer: nearest', ''].join(
      '\n',
    );
    const problems = problemsOf(() => parseConfigText(text, 'c.yaml'));
    expect(problems).toEqual([
      "line 8: routes.smart.targets[1]: must be 'provider/model'",
      'line 9: routes.smart.prefer: Invalid option: expected one of "order"|"local"|"cloud"',
    ]);
  });

  it('a misspelt route key and a bad weight are reported with their lines', () => {
    const text = [...providers, 'routes:', '  smart:', '    targets:', '      - { model: openai/gpt-4.1, weight: -1 }', '    fallback: [openai/x]', ''].join(
      '\n',
    );
    const problems = problemsOf(() => parseConfigText(text, 'c.yaml'));
    expect(problems).toEqual([
      'line 7: routes.smart.targets[0].weight: Too small: expected number to be >0',
      'line 8: routes.smart.fallback: Unrecognized key: "fallback"',
    ]);
  });

  it('a route name with a slash is refused unless it is a pattern (it would shadow provider/model)', () => {
    const problems = problemsOf(() => parseConfigText(['routes:', '  openai/gpt:', '    targets: [openai/gpt-4.1]', ''].join('\n'), 'c.yaml'));
    // the key schema's message, not zod's bare "Invalid key in record"
    expect(problems).toEqual([
      'line 3: routes.openai/gpt: a route name is letters, digits, ".", "_", ":" or "-"; a pattern adds "*" (and may then contain "/")',
    ]);
    const file = parseConfigText(
      [...providers, 'routes:', '  openai/*:', '    targets: [ollama/*]', '  claude-haiku-*:', '    targets: [ollama/qwen3]', ''].join('\n'),
      'c.yaml',
    );
    expect(resolveConfig(file, { path: 'c.yaml', env: {} }).routes.map((route) => [route.name, route.pattern])).toEqual([
      ['openai/*', true],
      ['claude-haiku-*', true],
    ]);
  });

  it('a target with "*" belongs to a route whose name has exactly one "*"', () => {
    const file = parseConfigText(
      [...providers, 'routes:', '  smart:', '    targets: [ollama/*]', '  a*b*:', '    targets: [ollama/*]', ''].join('\n'),
      'c.yaml',
    );
    const problems = problemsOf(() => resolveConfig(file, { path: 'c.yaml', env: {} }));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^routes\.smart: a target with "\*" takes the part/);
    expect(problems[1]).toMatch(/^routes\.a\*b\*: /);
  });

  it('a route naming an unknown provider stops the config from loading, with the field', () => {
    const file = parseConfigText([...providers, 'routes:', '  smart:', '    targets: [openai/gpt-4.1, groq/llama]', ''].join('\n'), 'c.yaml');
    expect(problemsOf(() => resolveConfig(file, { path: 'c.yaml', env: {} }))).toEqual([
      "routes.smart.targets[1]: 'groq/llama' names no configured provider (providers: openai, ollama)",
    ]);
  });

  it('a disabled provider cannot be routed to', () => {
    const file = parseConfigText(
      ['providers:', '  - id: openai', '    enabled: false', '  - id: ollama', 'routing:', '  default_fallbacks: [openai/gpt-4.1]', ''].join('\n'),
      'c.yaml',
    );
    expect(problemsOf(() => resolveConfig(file, { path: 'c.yaml', env: {} }))).toEqual([
      "routing.default_fallbacks[0]: 'openai/gpt-4.1' names no configured provider (providers: ollama)",
    ]);
  });
});
