// `switchyard tokens [create <name> | list | revoke <name>]`: client tokens, one per tool. It opens the ledger file
// directly (a connection for tokens only: no writer, no crash recovery), so it works whether or not `serve` runs,
// and a revocation reaches a running gateway through SQLite itself, on its very next request. In team mode (the
// config's `ledger.url`, or SWITCHYARD_LEDGER_URL) it acts on the PostgreSQL table every replica shares instead, and
// the replicas hear of a change through NOTIFY.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findConfigPath, loadConfig } from '../config/load.js';
import { ledgerFileName } from '../metering-setup.js';
import { ensureDataDir } from '../secrets/client-token-file.js';
import { ClientTokenError, ClientTokenStore, type ClientTokenView } from '../secrets/client-token-store.js';
import { createClientToken, defaultTokenName, ensureDefaultToken, environmentToken, revokeClientToken } from '../secrets/default-token.js';
import { tokensUsage } from './usage-text.js';

export interface TokensCommandOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** --config: where `ledger.url` may be (else SWITCHYARD_CONFIG or the data dir's config file) */
  readonly configFlag?: string | undefined;
  readonly json: boolean;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export async function tokensCommand(args: readonly string[], options: TokensCommandOptions): Promise<number> {
  const out = options.out ?? ((line: string) => console.log(line));
  const err = options.err ?? ((line: string) => console.error(line));
  const [subcommand, name, ...extra] = args;
  const needsName = subcommand === 'create' || subcommand === 'revoke';
  if (extra.length > 0 || (needsName && name === undefined) || (!needsName && name !== undefined)) {
    err(`switchyard: usage:\n${tokensUsage}`);
    return 2;
  }
  if (subcommand !== undefined && !needsName && subcommand !== 'list') {
    err(`switchyard: unknown tokens command '${subcommand}'\n${tokensUsage}`);
    return 2;
  }
  const teamUrl = ledgerUrl(options);
  if (teamUrl !== undefined) return teamTokensCommand(teamUrl, subcommand, name, options, out, err);
  ensureDataDir(options.dataDir);
  // The CLI may wait for a lock held by `serve`'s writer; a person at a terminal does not mind 5 s.
  const store = ClientTokenStore.open({ path: join(options.dataDir, ledgerFileName), busyTimeoutMs: 5_000 });
  try {
    switch (subcommand) {
      case undefined: {
        const current = ensureDefaultToken(store, options.dataDir);
        if (current.state === 'revoked') {
          err(`switchyard: the default token was revoked on ${formatTime(current.revokedAt)}; make one per tool with \`switchyard tokens create <name>\``);
          return 1;
        }
        out(current.token);
        return 0;
      }
      case 'list': {
        const tokens = store.list();
        out(options.json ? JSON.stringify(tokens, null, 2) : formatTokenList(tokens, environmentToken(options.env) !== undefined));
        return 0;
      }
      case 'create': {
        const created = createClientToken(store, options.dataDir, name as string);
        out(created.token);
        const again = created.name === defaultTokenName ? '`switchyard tokens` prints it again' : 'it will not be shown again';
        err(`switchyard: token '${created.name}' created; give this to ${created.name} as its API key — ${again}`);
        return 0;
      }
      default: {
        const revoked = revokeClientToken(store, options.dataDir, name as string);
        err(revoked ? `switchyard: token '${name}' revoked; requests carrying it are refused from now on` : `switchyard: token '${name}' was revoked already`);
        if (store.activeCount() === 0 && environmentToken(options.env) === undefined) {
          err('switchyard: no active client token is left: every request will be refused until you `switchyard tokens create <name>`');
        }
        return 0;
      }
    }
  } catch (error) {
    return refusedExit(error, err);
  } finally {
    store.close();
  }
}

/**
 * The team ledger's URL, when tokens live in PostgreSQL: SWITCHYARD_LEDGER_URL, else the config's `ledger.url`. A
 * config file that does not load still lets tokens be managed in the ledger file, unless its text names a
 * PostgreSQL URL: then guessing the SQLite file would hand out tokens no replica knows, so the error stands.
 */
function ledgerUrl(options: TokensCommandOptions): string | undefined {
  const fromEnvironment = options.env['SWITCHYARD_LEDGER_URL'];
  if (fromEnvironment) return fromEnvironment;
  const path = findConfigPath(options.configFlag, options.env, options.dataDir);
  try {
    return loadConfig({ path, env: options.env }).ledger.url;
  } catch (error) {
    let text = '';
    try {
      text = path === undefined ? '' : readFileSync(path, 'utf8');
    } catch {
      // unreadable: nothing names PostgreSQL
    }
    if (/postgres(ql)?:\/\//.test(text)) throw error;
    return undefined;
  }
}

/** `tokens list | create | revoke` on the shared table; no default token (and no file of it) in team mode. */
async function teamTokensCommand(
  url: string,
  subcommand: string | undefined,
  name: string | undefined,
  options: TokensCommandOptions,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  if (subcommand === undefined) {
    err('switchyard: in team mode (ledger.url) there is no default token: make one per person with `switchyard tokens create <name>`');
    return 1;
  }
  const { PostgresClientTokenStore } = await import('../secrets/postgres-client-token-store.js');
  let store: Awaited<ReturnType<typeof PostgresClientTokenStore.open>>;
  try {
    store = await PostgresClientTokenStore.open({ url, watch: false });
  } catch (error) {
    err(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  try {
    switch (subcommand) {
      case 'list': {
        const tokens = await store.list();
        out(options.json ? JSON.stringify(tokens, null, 2) : formatTokenList(tokens, environmentToken(options.env) !== undefined));
        return 0;
      }
      case 'create': {
        const created = await store.create(name as string);
        out(created.token);
        err(
          `switchyard: token '${created.name}' created in PostgreSQL at ${store.where}, for every replica; give this to ${created.name} as its API key — it will not be shown again`,
        );
        return 0;
      }
      default: {
        const revoked = await store.revoke(name as string);
        err(
          revoked
            ? `switchyard: token '${name}' revoked; every replica refuses it within about a second (one that cannot reach PostgreSQL, once it can)`
            : `switchyard: token '${name}' was revoked already`,
        );
        if ((await store.activeCount()) === 0 && environmentToken(options.env) === undefined) {
          err('switchyard: no active client token is left: every request will be refused until you `switchyard tokens create <name>`');
        }
        return 0;
      }
    }
  } catch (error) {
    return refusedExit(error, err);
  } finally {
    await store.close();
  }
}

/** A refusal of the token store (a name, a duplicate, …) as its message and exit code (2: usage); anything else rethrown. */
function refusedExit(error: unknown, err: (line: string) => void): number {
  if (!(error instanceof ClientTokenError)) throw error;
  err(`switchyard: ${error.message}`);
  return error.problem === 'invalid-name' || error.problem === 'reserved' ? 2 : 1;
}

export function formatTokenList(tokens: readonly ClientTokenView[], environmentTokenSet: boolean): string {
  const rows = tokens.map((token) => [
    token.name,
    token.masked,
    formatTime(token.createdAt),
    token.lastUsedAt === null ? 'never' : formatTime(token.lastUsedAt),
    token.revokedAt === null ? '' : formatTime(token.revokedAt),
  ]);
  if (environmentTokenSet) rows.push(['env', '(SWITCHYARD_API_KEY)', '', '', '']);
  const header = ['NAME', 'TOKEN', 'CREATED', 'LAST USED', 'REVOKED'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const lines = [line(header), ...rows.map(line)];
  if (tokens.length === 0 && !environmentTokenSet)
    lines.push('(no tokens yet: `switchyard tokens` makes the default one, `switchyard tokens create <name>` one per tool)');
  lines.push('last used is written about once a minute');
  return lines.join('\n');
}

/** Local time, to the minute: `2026-01-15 10:04`. */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}
