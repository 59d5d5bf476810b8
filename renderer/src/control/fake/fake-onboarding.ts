// The fake core's first-run and Connect calls: local servers found on their ports (one of them configured
// already), cloud keys in the environment, and tools to connect, whose config "files" live in memory so a test
// can write one, check it, and see the backup it left.
import type { ConnectToolDto, ControlApi, DiscoveredServerDto, EnvironmentKeyDto, ProviderDto, RouteDto, TokenDto } from '../../../../shared/control/contract';
import { ControlCallError } from '../control-error';

export interface FakeOnboardingState {
  firstRunPending: boolean;
  servers: DiscoveredServerDto[];
  environmentKeys: EnvironmentKeyDto[];
  tools: ConnectToolDto[];
  /** file path → its text, for the config-file tools */
  files: Record<string, string>;
  /** tools whose token exists (and the tokens themselves, as only connect.apply shows them) */
  tokens: Record<string, string>;
}

export const fakeTokenPlaceholder = '<switchyard-token>';

const tool = (id: string, label: string, dialect: ConnectToolDto['dialect'], configPath: string | null): ConnectToolDto => ({
  id,
  label,
  kind: configPath === null ? 'paste' : 'config-file',
  configPath,
  dialect,
  tokenName: id,
  connected: false,
});

export function fakeOnboarding(firstRunPending: boolean): FakeOnboardingState {
  return {
    firstRunPending,
    servers: [
      {
        preset: 'ollama',
        label: 'Ollama',
        baseUrl: 'http://127.0.0.1:11434',
        models: ['qwen3:8b', 'llama3.2:3b'],
        modelCount: 2,
        keyRequired: false,
        configured: false,
      },
      {
        preset: 'lmstudio',
        label: 'LM Studio',
        baseUrl: 'http://127.0.0.1:1234/v1',
        models: ['qwen2.5-7b-instruct', 'gemma-3-4b-it', 'text-embedding-nomic-embed-text-v1.5'],
        modelCount: 3,
        keyRequired: false,
        configured: false,
      },
    ],
    environmentKeys: [
      { preset: 'openai', label: 'OpenAI', envVar: 'OPENAI_API_KEY', inKeychain: false },
      { preset: 'groq', label: 'Groq', envVar: 'GROQ_API_KEY', inKeychain: true },
    ],
    tools: [
      tool('claude-code', 'Claude Code', 'anthropic-messages', '~/.claude/settings.json'),
      tool('codex', 'Codex CLI', 'openai-responses', '~/.codex/config.toml'),
      tool('aider', 'Aider', 'openai-chat', '~/.aider.conf.yml'),
      tool('cursor', 'Cursor', 'openai-chat', null),
      tool('openai-sdk', 'OpenAI SDK (Python, Node)', 'openai-chat', null),
    ],
    files: { '~/.claude/settings.json': '{\n  "theme": "dark"\n}\n' },
    tokens: {},
  };
}

/** The parts of the fake core's state these calls read and change. */
interface Host {
  readonly onboarding: FakeOnboardingState;
  providers: ProviderDto[];
  routes: RouteDto[];
  tokens: TokenDto[];
}

type OnboardingCalls = Pick<
  ControlApi,
  | 'providers.discover'
  | 'providers.environmentKeys'
  | 'providers.importEnvironmentKey'
  | 'firstRun.get'
  | 'firstRun.finish'
  | 'connect.tools'
  | 'connect.preview'
  | 'connect.apply'
  | 'connect.check'
>;

function sameServer(a: string, b: string): boolean {
  const key = (url: string): string => new URL(url).host.replace('localhost', '127.0.0.1');
  return key(a) === key(b);
}

function snippetFor(tool: ConnectToolDto, baseUrl: string, model: string | null, token: string): string {
  const chosen = model ?? 'smart';
  switch (tool.dialect) {
    case 'anthropic-messages':
      return [
        `export ANTHROPIC_BASE_URL=${baseUrl}`,
        `export ANTHROPIC_AUTH_TOKEN=${token}`,
        ...(model ? [`export ANTHROPIC_MODEL=${model}`] : []),
        'claude',
      ].join('\n');
    case 'openai-responses':
      return [
        `[model_providers.switchyard]`,
        `base_url = "${baseUrl}/v1"`,
        `env_key = "SWITCHYARD_TOKEN"`,
        '',
        `export SWITCHYARD_TOKEN=${token}`,
        `codex -m ${chosen}`,
      ].join('\n');
    default:
      return [`OPENAI_BASE_URL=${baseUrl}/v1`, `OPENAI_API_KEY=${token}`, `model: ${chosen}`].join('\n');
  }
}

function diffOf(path: string, before: string | undefined, after: string): string {
  const lines = [`--- ${before === undefined ? '/dev/null' : path}`, `+++ ${path}`];
  for (const line of (before ?? '').split('\n').filter((text) => text !== '')) lines.push(`-${line}`);
  for (const line of after.split('\n').filter((text) => text !== '')) lines.push(`+${line}`);
  return lines.join('\n');
}

function configText(tool: ConnectToolDto, baseUrl: string, model: string | null, token: string): string {
  if (tool.id === 'claude-code')
    return `{\n  "theme": "dark",\n  "env": {\n    "ANTHROPIC_BASE_URL": "${baseUrl}",\n    "ANTHROPIC_AUTH_TOKEN": "${token}"${model ? `,\n    "ANTHROPIC_MODEL": "${model}"` : ''}\n  }\n}\n`;
  return snippetFor(tool, baseUrl, model, token);
}

export function fakeOnboardingCalls(host: Host, gatewayUrl: () => string, now: () => number): OnboardingCalls {
  const state = host.onboarding;
  const findTool = (id: string, call: string): ConnectToolDto =>
    state.tools.find((candidate) => candidate.id === id) ??
    (() => {
      throw new ControlCallError(call, `no tool '${id}'`, 'not_found', 'tool');
    })();
  const modelOf = (tool: ConnectToolDto, model: string | undefined): string | null =>
    model ?? (tool.id === 'claude-code' ? null : (host.routes[0]?.name ?? null));
  return {
    'providers.discover': async () =>
      state.servers.map((server) => ({ ...server, configured: host.providers.some((provider) => sameServer(provider.baseUrl, server.baseUrl)) })),
    'providers.environmentKeys': async () => state.environmentKeys,
    'providers.importEnvironmentKey': async ({ preset }) => {
      const key = state.environmentKeys.find((candidate) => candidate.preset === preset);
      if (!key) throw new ControlCallError('providers.importEnvironmentKey', `no key for '${preset}' in the environment`, 'not_found', 'preset');
      state.environmentKeys = state.environmentKeys.map((candidate) => (candidate.preset === preset ? { ...candidate, inKeychain: true } : candidate));
      return { stored: true };
    },
    'firstRun.get': async () => ({ pending: state.firstRunPending }),
    'firstRun.finish': async () => {
      state.firstRunPending = false;
      return { pending: false };
    },
    'connect.tools': async () => state.tools,
    'connect.preview': async ({ tool: id, model }) => {
      const tool = findTool(id, 'connect.preview');
      const chosen = modelOf(tool, model);
      const token = state.tokens[id] ?? fakeTokenPlaceholder;
      const masked = state.tokens[id] ? `sy-…${state.tokens[id].slice(-4)}` : fakeTokenPlaceholder;
      const path = tool.configPath;
      const before = path === null ? undefined : state.files[path];
      // written already as it would be written now: no change to show
      const unchanged = before !== undefined && before === configText(tool, gatewayUrl(), chosen, token);
      const files =
        path === null
          ? []
          : [{ path, exists: before !== undefined, diff: unchanged ? '' : diffOf(path, before, configText(tool, gatewayUrl(), chosen, masked)) }];
      return {
        snippet: snippetFor(tool, gatewayUrl(), chosen, token),
        files,
        tokenName: tool.tokenName,
        model: chosen,
        models: host.routes.map((route) => route.name),
      };
    },
    'connect.apply': async ({ tool: id, model }) => {
      const tool = findTool(id, 'connect.apply');
      const chosen = modelOf(tool, model);
      const tokenCreated = state.tokens[id] === undefined;
      if (tokenCreated) {
        state.tokens[id] = `sy-${'0123456789abcdef'.repeat(4)}`;
        host.tokens = [
          ...host.tokens.filter((token) => token.name !== tool.tokenName),
          { name: tool.tokenName, masked: `sy-…${state.tokens[id].slice(-4)}`, createdAt: now(), lastUsedAt: null, revokedAt: null },
        ];
      }
      const token = state.tokens[id] ?? '';
      const written = [];
      if (tool.configPath !== null) {
        const existed = state.files[tool.configPath] !== undefined;
        const backup = existed ? `${tool.configPath}.switchyard-backup` : null;
        if (backup !== null) state.files[backup] = state.files[tool.configPath] ?? '';
        state.files[tool.configPath] = configText(tool, gatewayUrl(), chosen, token);
        written.push({ path: tool.configPath, backup });
        state.tools = state.tools.map((candidate) => (candidate.id === id ? { ...candidate, connected: true } : candidate));
      }
      return { written, tokenName: tool.tokenName, snippet: snippetFor(tool, gatewayUrl(), chosen, token), tokenCreated, tokenReplaced: false };
    },
    'connect.check': async ({ tool: id }) => {
      const tool = findTool(id, 'connect.check');
      if (state.tokens[id] === undefined)
        return { ok: false, answer: null, provider: null, model: null, latencyMs: 3, error: `${tool.label} has no client token yet: connect it first.` };
      return { ok: true, answer: 'Hello from the fake model.', provider: 'ollama', model: 'qwen3:8b', latencyMs: 412, error: null };
    },
  };
}
