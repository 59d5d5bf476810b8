// `switchyard <verb> --help` (and `switchyard help <verb>`): one short text per verb. The keys of `verbHelp` are the
// verbs the CLI knows, so `--help` after anything else is the same error as that unknown verb alone (exit 2) — a
// script that probes for a verb with `--help` is never told it exists. A new verb adds its entry here;
// help.test.ts fails for a verb in main.ts's switch without one. `help` is answered here, not dispatched, so it has
// its own text (`helpHelp`) rather than an entry. The usage lines come from usage-text.ts, not the verbs' modules:
// printing help loads no verb's code.
import {
  connectUsage,
  generalUsage,
  helpUsage,
  keysUsage,
  offlineUsage,
  providersUsage,
  reloadUsage,
  serveUsage,
  statusUsage,
  tokensUsage,
  uiUsage,
  usageUsage,
} from './usage-text.js';

const adminFlags = `Reaches the gateway at --url, or at the host and port of the config file (--config, --port, --data-dir
for its admin token), as \`serve\` would use them.`;

export const verbHelp: Readonly<Record<string, string>> = {
  serve: `${serveUsage}

Runs the gateway headless: the OpenAI-compatible API at http://HOST:PORT/v1, the Anthropic one at http://HOST:PORT,
and the web UI. Prints the address, the config file in use, the data dir, a one-time sign-in link to the UI (one
browser, once, within 60 s; \`switchyard ui\` prints a fresh one), each provider with where its key comes from and
whether it is reachable, then the local model servers found on their default ports that are not configured yet. SIGHUP re-reads the config;
SIGINT/SIGTERM let in-flight requests finish (server.shutdown_grace_ms) and exit 0. A busy port exits 1, a bad
config file exits 2 naming each field and line.`,
  providers: `${providersUsage}

Asks the default loopback ports of Ollama (11434), LM Studio (1234), llama.cpp server and LocalAI (8080, told apart
by their answers), vLLM (8000) and Jan (1337), all at once within 250 ms, and lists what answers with its models;
servers a configured provider points at show as already added. --add writes \`- id: <preset>\` into the config file
(your comments and other settings stay) and makes a running gateway reload. Cloud keys in the environment
(OPENAI_API_KEY, …) are listed by variable name only; --import-keys stores them in the OS keychain.`,
  keys: `${keysUsage}

Provider keys live in the OS keychain, never in the config file or on the command line. A running gateway picks up
a changed key without a restart.`,
  tokens: `${tokensUsage}

Client tokens are what tools send as their API key (Bearer, x-api-key or x-goog-api-key); they never go upstream.
Give each tool its own for spend per tool (\`switchyard usage --by client\`).`,
  usage: `${usageUsage}

Reads the ledger in the data dir (--data-dir), or the team's PostgreSQL ledger when the config (--config) sets
ledger.url or SWITCHYARD_LEDGER_URL is set; works whether or not a gateway is running.`,
  status: `${statusUsage}

${adminFlags}`,
  reload: `${reloadUsage}

${adminFlags}`,
  offline: `${offlineUsage}

${adminFlags}`,
  connect: `${connectUsage}

Tools: claude-code, codex, gemini-cli, opencode, qwen-code, continue, aider (Switchyard can write their config
files) and cursor, copilot, open-webui, openai-sdk, anthropic-sdk (what to paste). Each tool gets a client token of
its own name, so its spend shows under it; it is kept in the data dir and reused. --write shows a diff, asks
(unless --yes), keeps <file>.switchyard-backup-<time> and changes only Switchyard's keys. --model picks a route
alias or provider/model. --check needs \`switchyard serve\` running (--url, or the config's host and port).
See docs/connect-tools.md.`,
  ui: `${uiUsage}

The link carries a single-use nonce, never the admin token: it signs in one browser, once, within 60 seconds.
stdout is the bare link (\`xdg-open "$(switchyard ui)"\`). ${adminFlags}`,
};

const helpHelp = `${helpUsage}

Alone, the general usage (as \`switchyard --help\`); with a command, that command's help (as \`switchyard <command>
--help\`). An unknown command is an error (exit 2), with or without help.`;

/** The error for a verb the CLI does not know — alone or followed by `--help`, word for word the same. */
export function unknownCommand(command: string, usage: string): string {
  return `switchyard: unknown command '${command}'\n\n${usage}`;
}

export interface HelpAnswer {
  readonly text: string;
  readonly stream: 'stdout' | 'stderr';
  readonly code: number;
}

/**
 * What to print instead of running a command, or undefined to run it: the general usage for `switchyard`,
 * `--help` and `help`; a verb's help for `<verb> --help` and `help <verb>`; the unknown-command error otherwise.
 */
export function helpAnswer(positionals: readonly string[], helpFlag: boolean, usage: string = generalUsage): HelpAnswer | undefined {
  const [first, second] = positionals;
  // `help --help` is help's own help, as `<verb> --help` is the verb's
  const verb = first === 'help' ? (second ?? (helpFlag ? 'help' : undefined)) : first;
  const asked = helpFlag || first === 'help';
  if (first === undefined) return { text: usage, stream: 'stdout', code: helpFlag ? 0 : 2 };
  if (!asked) return undefined;
  if (verb === undefined) return { text: usage, stream: 'stdout', code: 0 };
  const text = verb === 'help' ? helpHelp : Object.hasOwn(verbHelp, verb) ? verbHelp[verb] : undefined;
  if (text === undefined) return { text: unknownCommand(verb, usage), stream: 'stderr', code: 2 };
  return { text: `Usage:\n${text}`, stream: 'stdout', code: 0 };
}
