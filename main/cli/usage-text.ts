// The CLI's usage lines, in one module with no imports: the verbs print their own lines on a usage error, and
// `switchyard --help` / `help <verb>` print them all — without loading any verb's code (issue 20: `--help` costs
// what `--version` does).

export const serveUsage = `  switchyard serve [--port 5454] [--host 127.0.0.1] [--config FILE] [--data-dir DIR]`;

export const tokensUsage = `  switchyard tokens [--data-dir DIR]      print the default client token tools send as their API key
  switchyard tokens create <name>         a token for one tool (editor, claude-code, scripts, …), shown once
  switchyard tokens list [--json]         name, …last 4 characters, created, last used, revoked
  switchyard tokens revoke <name>         refused from the next request on, even by a running gateway`;

export const usageUsage = `  switchyard usage [--since 7d|24h|30d|DATE] [--by model|provider|client|route] [--format table|csv|json]
                                          requests, tokens, cost, savings, error rate, latency (from the ledger)`;

export const keysUsage = `  switchyard keys set <provider> [--add]  store a key in the OS keychain (hidden prompt, or one key per line on stdin)
  switchyard keys list                    providers, their keys (masked) and where each key comes from
  switchyard keys delete <provider> [N]   delete key N (as \`keys list\` numbers them), or all of the provider's keys
  switchyard keys test <provider> [N]     one cheap call with each key (or key N); prints ok or the error class`;

export const providersUsage = `  switchyard providers detect [--json]    local model servers on their default ports, cloud keys in the environment
  switchyard providers detect --add <preset>|--add-all   add found servers to the config file
  switchyard providers detect --import-keys              keep the environment's cloud keys in the keychain`;

export const connectUsage = `  switchyard connect                      the tools Switchyard can connect (Claude Code, Codex, …), and which are
  switchyard connect <tool> [--model M]   what to paste into the tool, with its own client token filled in
  switchyard connect <tool> --write       write it into the tool's config file (diff first, --yes to skip the question)
  switchyard connect <tool> --check       one request as the tool sends it, through the running gateway`;

export const statusUsage = `  switchyard status [--url URL] [--json]  providers, health, routes and cooldowns of a running gateway`;
export const reloadUsage = `  switchyard reload [--url URL]           re-read the config file (also: SIGHUP, or just save the file)`;
export const offlineUsage = `  switchyard offline on|off|auto          only local targets (on), all (off), or as the config says (auto)`;
export const uiUsage = `  switchyard ui [--url URL]               print a sign-in link to the web UI of a running \`serve\` (one use, 60 s)`;
export const helpUsage = `  switchyard help [<command>]             this text, or one command's help (as \`switchyard <command> --help\`)`;

/** `switchyard`, `switchyard --help` and `switchyard help`; also printed after an unknown command or a bad flag. */
export const generalUsage = `Switchyard — one local address for every LLM tool on this machine

Usage:
${serveUsage}
${tokensUsage}
${usageUsage}
${keysUsage}
${providersUsage}
${connectUsage}
${statusUsage}
${reloadUsage}
${offlineUsage}
${uiUsage}
${helpUsage}
  switchyard --version | --help

Environment: SWITCHYARD_CONFIG, SWITCHYARD_DATA_DIR, SWITCHYARD_API_KEY (an extra client token),
OLLAMA_HOST, and provider keys (OPENAI_API_KEY, OPENROUTER_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY,
DEEPSEEK_API_KEY, TOGETHER_API_KEY, FIREWORKS_API_KEY, XAI_API_KEY).`;
