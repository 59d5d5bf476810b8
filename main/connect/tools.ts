// The tools `switchyard connect` knows: how each reaches Switchyard (its API family), which files Switchyard may
// write for it (paths under the user's home), and the client token its traffic is filed under. Pure data.

export type ConnectDialect = 'anthropic-messages' | 'openai-responses' | 'openai-chat' | 'gemini' | 'ollama';

/** How a file is edited: only Switchyard's keys change, everything else in it stays as the user wrote it. */
export type ConfigFormat = 'json' | 'toml' | 'yaml' | 'dotenv';

export interface ToolFile {
  /** under the home directory, '/'-separated */
  readonly path: string;
  readonly format: ConfigFormat;
  /** the tool's own variable that moves the folder the path starts with (CODEX_HOME replaces `.codex`) */
  readonly movedBy?: { readonly variable: string; readonly replaces: string };
}

export interface ConnectTool {
  readonly id: string;
  readonly label: string;
  readonly dialect: ConnectDialect;
  /** empty: a 'paste' tool (its settings live in an app or a UI Switchyard does not write) */
  readonly files: readonly ToolFile[];
  /** the client token it is given; Copilot's requests carry none and are filed under 'ollama-api' */
  readonly tokenName: string;
  /** false: the tool sends no key (the Ollama surface's tokenless loopback access) */
  readonly usesToken: boolean;
  /**
   * What it asks for when no model is chosen: the tool's own model names (which Switchyard resolves through
   * wildcard routes or a provider of that family). Undefined: the tool needs a model from Switchyard.
   */
  readonly ownModel?: string;
}

const tool = (id: string, label: string, dialect: ConnectDialect, files: readonly ToolFile[] = [], extra: Partial<ConnectTool> = {}): ConnectTool => ({
  id,
  label,
  dialect,
  files,
  tokenName: id,
  usesToken: true,
  ...extra,
});

export const connectTools: readonly ConnectTool[] = [
  tool(
    'claude-code',
    'Claude Code',
    'anthropic-messages',
    [{ path: '.claude/settings.json', format: 'json', movedBy: { variable: 'CLAUDE_CONFIG_DIR', replaces: '.claude' } }],
    { ownModel: 'claude-sonnet-4-5' },
  ),
  tool('codex', 'Codex CLI', 'openai-responses', [{ path: '.codex/config.toml', format: 'toml', movedBy: { variable: 'CODEX_HOME', replaces: '.codex' } }]),
  tool(
    'gemini-cli',
    'Gemini CLI',
    'gemini',
    [
      { path: '.gemini/settings.json', format: 'json' },
      { path: '.gemini/.env', format: 'dotenv' },
    ],
    { ownModel: 'gemini-2.5-flash' },
  ),
  tool('opencode', 'opencode', 'openai-chat', [
    { path: '.config/opencode/opencode.json', format: 'json', movedBy: { variable: 'XDG_CONFIG_HOME', replaces: '.config' } },
  ]),
  tool('qwen-code', 'Qwen Code', 'openai-chat', [
    { path: '.qwen/settings.json', format: 'json' },
    { path: '.qwen/.env', format: 'dotenv' },
  ]),
  tool('continue', 'Continue', 'openai-chat', [{ path: '.continue/config.yaml', format: 'yaml' }]),
  tool('aider', 'Aider', 'openai-chat', [{ path: '.aider.conf.yml', format: 'yaml' }]),
  tool('cursor', 'Cursor', 'openai-chat'),
  tool('copilot', 'GitHub Copilot (Ollama provider)', 'ollama', [], { tokenName: 'ollama-api', usesToken: false }),
  tool('open-webui', 'Open WebUI', 'openai-chat'),
  tool('openai-sdk', 'OpenAI SDK (Python, Node)', 'openai-chat'),
  tool('anthropic-sdk', 'Anthropic SDK (Python, Node)', 'anthropic-messages', [], { ownModel: 'claude-sonnet-4-5' }),
];

export function findTool(id: string): ConnectTool | undefined {
  return connectTools.find((candidate) => candidate.id === id);
}
