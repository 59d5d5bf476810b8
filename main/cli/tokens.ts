// `switchyard tokens [create <name> | list | revoke <name>]`: client tokens, one per tool. It opens the ledger file
// directly (a connection for tokens only: no writer, no crash recovery), so it works whether or not `serve` runs,
// and a revocation reaches a running gateway through SQLite itself, on its very next request.
import { join } from 'node:path';
import { ledgerFileName } from '../metering-setup.js';
import { ensureDataDir } from '../secrets/client-token-file.js';
import { ClientTokenError, ClientTokenStore, type ClientTokenView } from '../secrets/client-token-store.js';
import { createClientToken, defaultTokenName, ensureDefaultToken, environmentToken, revokeClientToken } from '../secrets/default-token.js';
import { tokensUsage } from './usage-text.js';

export interface TokensCommandOptions {
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly json: boolean;
  readonly out?: (line: string) => void;
  readonly err?: (line: string) => void;
}

export function tokensCommand(args: readonly string[], options: TokensCommandOptions): number {
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
    if (error instanceof ClientTokenError) {
      err(`switchyard: ${error.message}`);
      return error.problem === 'invalid-name' || error.problem === 'reserved' ? 2 : 1;
    }
    throw error;
  } finally {
    store.close();
  }
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
