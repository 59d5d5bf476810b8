// `switchyard connect [<tool>] [--write [--yes]] [--check] [--model M]`: connecting Claude Code, Codex, Gemini CLI,
// opencode, … to Switchyard from a terminal. It works on this machine's files directly (the config file, the token
// store in the data dir, the tools' files under $HOME), so listing, printing and writing need no running gateway;
// --check sends its one request to the gateway at --url, or at the config's host and port.
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { findConfigPath, loadConfig } from '../config/load.js';
import { applyTool, checkTool, homeFrom, listTools, pasteSnippet, previewTool, UnknownToolError, type ConnectEnvironment } from '../connect/connector.js';
import { ConnectFileError } from '../connect/errors.js';
import { ensureToolToken, keptToolToken } from '../connect/tool-token.js';
import { ledgerFileName } from '../metering-setup.js';
import { ensureDataDir } from '../secrets/client-token-file.js';
import { ClientTokenStore } from '../secrets/client-token-store.js';
import { connectUsage } from './usage-text.js';

export interface ConnectCommandOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  readonly configFlag: string | undefined;
  readonly url: string | undefined;
  readonly port: number | undefined;
  readonly model: string | undefined;
  readonly write: boolean;
  readonly yes: boolean;
  readonly check: boolean;
  readonly json: boolean;
  /** asks the user; undefined when stdin is not a terminal */
  readonly confirm?: ((question: string) => Promise<boolean>) | undefined;
  readonly out?: (text: string) => void;
  readonly err?: (text: string) => void;
}

export async function connectCommand(args: readonly string[], options: ConnectCommandOptions): Promise<number> {
  const out = options.out ?? ((text: string) => console.log(text));
  const err = options.err ?? ((text: string) => console.error(text));
  const [tool, ...extra] = args;
  if (extra.length > 0 || (tool === undefined && (options.write || options.check || options.model !== undefined))) {
    err(`switchyard: usage:\n${connectUsage}`);
    return 2;
  }
  const config = loadConfig({ path: findConfigPath(options.configFlag, options.env, options.dataDir), env: options.env, port: options.port });
  if (tool !== undefined && config.ledger.url !== undefined) {
    // the gateway checks the tokens in PostgreSQL; one made here, in the data dir's ledger file, would be refused
    err(
      'switchyard: in team mode (ledger.url) connect does not make tool tokens: create a per-person token with `switchyard tokens create <name>` and put it in the tool',
    );
    return 1;
  }
  ensureDataDir(options.dataDir);
  const store = ClientTokenStore.open({ path: join(options.dataDir, ledgerFileName), busyTimeoutMs: 5_000 });
  try {
    const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
    const bracketed = host.includes(':') ? `[${host}]` : host;
    const url = options.url?.replace(/\/+$/, '').replace(/\/v1$/, '') ?? `http://${bracketed}:${config.server.port}`;
    const environment: ConnectEnvironment = {
      home: homeFrom(options.env),
      env: options.env,
      url,
      ollamaUrl: !config.ollamaApi.enabled ? null : config.ollamaApi.port !== undefined ? `http://${bracketed}:${config.ollamaApi.port}` : url,
      sources: config,
      tokens: { kept: (name) => keptToolToken(store, options.dataDir, name), ensure: (name) => ensureToolToken(store, options.dataDir, name) },
    };
    if (tool === undefined) {
      const tools = listTools(environment);
      out(options.json ? JSON.stringify(tools, null, 2) : formatTools(tools));
      return 0;
    }
    if (options.write) {
      const code = await write(environment, tool, options, out, err);
      if (code !== 0 || !options.check) return code;
    } else if (!options.check) {
      const printed = pasteSnippet(environment, tool, options.model);
      out(printed.snippet.trimEnd());
      if (printed.token?.created)
        err(
          `switchyard: made the client token '${printed.tokenName}' for it${printed.token.replaced ? ' (the earlier one of that name no longer works)' : ''}; its spend is filed under that name`,
        );
      return 0;
    }
    const result = await checkTool(environment, tool);
    if (options.json) out(JSON.stringify(result, null, 2));
    else if (result.ok) out(`ok: ${JSON.stringify(result.answer)}\nserved by ${result.provider ?? '?'}/${result.model ?? '?'} in ${result.latencyMs} ms`);
    else err(`switchyard: check failed: ${result.error ?? 'unknown error'}`);
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof UnknownToolError) {
      err(`switchyard: ${error.message}`);
      return 2;
    }
    if (error instanceof ConnectFileError) {
      err(`switchyard: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    store.close();
  }
}

async function write(
  environment: ConnectEnvironment,
  tool: string,
  options: ConnectCommandOptions,
  out: (text: string) => void,
  err: (text: string) => void,
): Promise<number> {
  const preview = previewTool(environment, tool, options.model);
  if (preview.files.length === 0) {
    err(`switchyard: Switchyard writes no file for ${tool}; paste this instead:`);
    out(pasteSnippet(environment, tool, options.model).snippet.trimEnd());
    return 1;
  }
  const changed = preview.files.filter((file) => file.diff !== '');
  if (changed.length === 0) {
    err(`switchyard: ${tool} is connected already; nothing to change`);
    return 0;
  }
  out(changed.map((file) => file.diff.trimEnd()).join('\n'));
  if (!options.yes) {
    if (!options.confirm) {
      err('switchyard: not a terminal: add --yes to write these changes');
      return 1;
    }
    if (!(await options.confirm(`Write ${changed.length === 1 ? 'this change' : 'these changes'} (a backup of each file is kept)? [y/N] `))) {
      err('switchyard: nothing written');
      return 1;
    }
  }
  const applied = applyTool(environment, tool, options.model);
  for (const file of applied.written) err(`switchyard: wrote ${file.path}${file.backup ? `; the previous version is in ${file.backup}` : ''}`);
  if (applied.tokenCreated)
    err(
      `switchyard: made the client token '${applied.tokenName}' for it${applied.tokenReplaced ? ' (the earlier one of that name no longer works)' : ''}; its spend is filed under that name`,
    );
  return 0;
}

/** y/yes on the terminal (for --write without --yes). */
export async function askOnTerminal(question: string): Promise<boolean> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await terminal.question(question)).trim());
  } finally {
    terminal.close();
  }
}

function formatTools(tools: ReturnType<typeof listTools>): string {
  const rows = tools.map((tool) => [
    tool.id,
    tool.label,
    tool.kind === 'config-file' ? (tool.configPath ?? '') : 'paste (settings / env)',
    tool.connected ? 'yes' : '',
  ]);
  const header = ['TOOL', 'NAME', 'CONFIG', 'CONNECTED'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), '', '`switchyard connect <tool>` prints what to paste; --write changes the config file; --check tries it.'].join(
    '\n',
  );
}
