// Seed data for the fake client: a few providers (one local), routes, client tokens and a month of plausible,
// deterministic traffic, so the demo mode and component tests have something real-looking to show.
import type { CallResponse, CaptureDto, PresetDto, ProviderDto, RequestRowDto, RouteDto, SettingsDto, TokenDto } from '../../../../shared/control/contract';

export type FakeModel = CallResponse<'providers.models'>[number];

export const fakePresets: PresetDto[] = [
  { id: 'ollama', label: 'Ollama', type: 'ollama', baseUrl: 'http://127.0.0.1:11434', locality: 'local', keyEnv: null },
  { id: 'lmstudio', label: 'LM Studio', type: 'openai-compatible', baseUrl: 'http://127.0.0.1:1234/v1', locality: 'local', keyEnv: null },
  { id: 'openai', label: 'OpenAI', type: 'openai-compatible', baseUrl: 'https://api.openai.com/v1', locality: 'cloud', keyEnv: 'OPENAI_API_KEY' },
  { id: 'anthropic', label: 'Anthropic', type: 'anthropic', baseUrl: 'https://api.anthropic.com', locality: 'cloud', keyEnv: 'ANTHROPIC_API_KEY' },
  { id: 'gemini', label: 'Google Gemini', type: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com', locality: 'cloud', keyEnv: 'GEMINI_API_KEY' },
  {
    id: 'openrouter',
    label: 'OpenRouter',
    type: 'openai-compatible',
    baseUrl: 'https://openrouter.ai/api/v1',
    locality: 'cloud',
    keyEnv: 'OPENROUTER_API_KEY',
  },
  { id: 'groq', label: 'Groq', type: 'openai-compatible', baseUrl: 'https://api.groq.com/openai/v1', locality: 'cloud', keyEnv: 'GROQ_API_KEY' },
];

export const fakeModels: Record<string, FakeModel[]> = {
  ollama: [
    { id: 'qwen3:8b', contextWindow: 40_960, priceInputPerMillion: 0, priceOutputPerMillion: 0, capabilities: ['tools', 'reasoning'] },
    { id: 'llama3.2:3b', contextWindow: 131_072, priceInputPerMillion: 0, priceOutputPerMillion: 0, capabilities: ['tools'] },
  ],
  openai: [
    { id: 'gpt-4.1-mini', contextWindow: 1_047_576, priceInputPerMillion: 0.4, priceOutputPerMillion: 1.6, capabilities: ['tools', 'vision'] },
    { id: 'gpt-4.1', contextWindow: 1_047_576, priceInputPerMillion: 2, priceOutputPerMillion: 8, capabilities: ['tools', 'vision'] },
  ],
  anthropic: [
    { id: 'claude-sonnet-4-5', contextWindow: 200_000, priceInputPerMillion: 3, priceOutputPerMillion: 15, capabilities: ['tools', 'vision', 'reasoning'] },
  ],
  lmstudio: [
    { id: 'qwen2.5-7b-instruct', contextWindow: 32_768, priceInputPerMillion: 0, priceOutputPerMillion: 0, capabilities: [] },
    { id: 'gemma-3-4b-it', contextWindow: 131_072, priceInputPerMillion: 0, priceOutputPerMillion: 0, capabilities: ['vision'] },
  ],
};

export function fakeProviders(): ProviderDto[] {
  return [
    {
      id: 'ollama',
      type: 'ollama',
      label: 'Ollama',
      baseUrl: 'http://127.0.0.1:11434',
      locality: 'local',
      keySource: 'none needed',
      reachable: true,
      keyRejected: false,
      lastError: null,
      preset: 'ollama',
      apiKeyEnv: null,
      maskedKeys: [],
      models: fakeModels['ollama']!.map((model) => model.id),
    },
    {
      id: 'openai',
      type: 'openai-compatible',
      label: 'OpenAI',
      baseUrl: 'https://api.openai.com/v1',
      locality: 'cloud',
      keySource: 'keychain (1 key)',
      reachable: true,
      keyRejected: false,
      lastError: null,
      preset: 'openai',
      apiKeyEnv: null,
      maskedKeys: ['sk-…9f2c'],
      models: fakeModels['openai']!.map((model) => model.id),
    },
    {
      id: 'anthropic',
      type: 'anthropic',
      label: 'Anthropic',
      baseUrl: 'https://api.anthropic.com',
      locality: 'cloud',
      keySource: 'keychain (1 key)',
      reachable: false,
      keyRejected: true,
      lastError: '401 invalid x-api-key',
      preset: 'anthropic',
      apiKeyEnv: null,
      maskedKeys: ['…41ab'],
      models: fakeModels['anthropic']!.map((model) => model.id),
    },
  ];
}

export function fakeRoutes(): RouteDto[] {
  return [
    {
      name: 'smart',
      description: 'Best answer, cloud first',
      prefer: 'order',
      numRetries: 1,
      fallbacks: ['ollama/qwen3:8b'],
      targets: [
        {
          model: 'anthropic/claude-sonnet-4-5',
          weight: 1,
          tier: 0,
          locality: 'cloud',
          health: 'cooling',
          contextWindow: 200_000,
          priceInputPerMillion: 3,
          priceOutputPerMillion: 15,
        },
        {
          model: 'openai/gpt-4.1',
          weight: 1,
          tier: 1,
          locality: 'cloud',
          health: 'up',
          contextWindow: 1_047_576,
          priceInputPerMillion: 2,
          priceOutputPerMillion: 8,
        },
      ],
    },
    {
      name: 'local',
      description: null,
      prefer: 'local',
      numRetries: null,
      fallbacks: [],
      targets: [
        {
          model: 'ollama/qwen3:8b',
          weight: 1,
          tier: 0,
          locality: 'local',
          health: 'up',
          contextWindow: 40_960,
          priceInputPerMillion: 0,
          priceOutputPerMillion: 0,
        },
      ],
    },
  ];
}

export function fakeTokens(now: number): TokenDto[] {
  return [
    { name: 'default', masked: 'sy-…a81f', createdAt: now - 20 * 86_400_000, lastUsedAt: now - 120_000, revokedAt: null },
    { name: 'cursor', masked: 'sy-…07c2', createdAt: now - 9 * 86_400_000, lastUsedAt: now - 3 * 3_600_000, revokedAt: null },
    { name: 'old-script', masked: 'sy-…c3d0', createdAt: now - 40 * 86_400_000, lastUsedAt: null, revokedAt: now - 30 * 86_400_000 },
  ];
}

export const fakeSettings: SettingsDto = {
  host: '127.0.0.1',
  port: 5454,
  startAtLogin: false,
  offline: null,
  autoOffline: true,
  referenceModel: 'openai/gpt-4.1-mini',
  priceRefresh: true,
  capture: { enabled: false, retentionDays: 7, maxBytesPerRequest: 262_144 },
  requestRetentionDays: null,
};

/** A small deterministic generator (mulberry32), so screenshots and tests see the same month every time. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const traffic = [
  { providerId: 'openai', model: 'gpt-4.1-mini', route: null, input: 0.4, output: 1.6, weight: 5 },
  { providerId: 'openai', model: 'gpt-4.1', route: 'smart', input: 2, output: 8, weight: 2 },
  { providerId: 'anthropic', model: 'claude-sonnet-4-5', route: 'smart', input: 3, output: 15, weight: 2 },
  { providerId: 'ollama', model: 'qwen3:8b', route: 'local', input: 0, output: 0, weight: 4 },
] as const;
const clients = [
  ['default', 'curl'],
  ['cursor', 'cursor'],
  ['default', 'openai-python'],
] as const;

export function fakeRequests(now: number, count = 360): RequestRowDto[] {
  const next = random(42);
  const rows: RequestRowDto[] = [];
  const totalWeight = traffic.reduce((sum, entry) => sum + entry.weight, 0);
  for (let index = 0; index < count; index++) {
    let pick = next() * totalWeight;
    const entry = traffic.find((candidate) => (pick -= candidate.weight) < 0) ?? traffic[0];
    const [clientTokenName, clientFamily] = clients[Math.floor(next() * clients.length)] ?? clients[0];
    // more traffic recently: the square pulls start times towards now
    const startedAt = Math.round(now - Math.pow(next(), 2) * 29 * 86_400_000 - 60_000);
    const failed = next() < 0.06;
    const inputTokens = Math.round(200 + next() * 3000);
    const outputTokens = failed ? 0 : Math.round(40 + next() * 900);
    const latencyMs = Math.round((entry.providerId === 'ollama' ? 900 : 500) + next() * 4000);
    const cost = (inputTokens * entry.input + outputTokens * entry.output) / 1_000_000;
    const reference = (inputTokens * 0.4 + outputTokens * 1.6) / 1_000_000;
    rows.push({
      id: `req_${String(index).padStart(5, '0')}`,
      startedAt,
      finishedAt: startedAt + latencyMs,
      clientTokenName,
      clientFamily,
      endpoint: '/v1/chat/completions',
      requestedModel: entry.route ?? `${entry.providerId}/${entry.model}`,
      route: entry.route,
      providerId: entry.providerId,
      model: entry.model,
      status: failed ? 'error' : 'ok',
      errorClass: failed ? (next() < 0.5 ? 'rate_limited' : 'upstream_5xx') : null,
      httpStatus: failed ? 429 : 200,
      inputTokens,
      outputTokens,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      tokensEstimated: false,
      costUsd: failed ? 0 : cost,
      costReferenceUsd: entry.providerId === 'ollama' && !failed ? reference : null,
      latencyMs,
      ttftMs: Math.round(latencyMs * 0.3),
      upstreamMs: latencyMs - 3,
      overheadMs: 3,
      localComputeMs: entry.providerId === 'ollama' ? latencyMs : null,
      finishReason: failed ? null : 'stop',
      nativeFinishReason: failed ? null : 'stop',
      stream: next() < 0.6,
    });
  }
  return rows.sort((a, b) => b.startedAt - a.startedAt);
}

/** Captured bodies for the newest few requests, as if capture had been on for them (markup included: it must show as text). */
export function fakeCaptures(rows: readonly RequestRowDto[], count = 5): Record<string, CaptureDto> {
  const captures: Record<string, CaptureDto> = {};
  for (const row of rows.slice(0, count)) {
    const question = `{"model":"${row.requestedModel}","stream":${row.stream},"messages":[{"role":"user","content":"Summarise <b>this</b> **release note** in one line. My key is sk-***"}]}`;
    const answer =
      row.status === 'ok'
        ? `**Faster streaming** and <i>fewer</i> retries.\n\n[usage] {"prompt_tokens":${row.inputTokens},"completion_tokens":${row.outputTokens}}`
        : `HTTP ${row.httpStatus ?? 500}\n{"error":{"message":"rate limited","type":"rate_limit_error","param":null,"code":null}}`;
    captures[row.id] = { request: question, response: answer, truncated: false };
  }
  return captures;
}
