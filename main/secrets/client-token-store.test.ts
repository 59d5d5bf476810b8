// The token store: hashing, what list() may show, revocation seen by another connection at once, batched
// last-used writes and the default token's file. The cost of verify(): bench/token-verify-bench.ts.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { digest } from './token-digest.js';
import { tempDir, type TempDir } from '../ledger/test-support/fixtures.js';
import { ClientTokenError, ClientTokenStore, maskToken } from './client-token-store.js';
import { createClientToken, ensureDefaultToken, gatewayTokenVerifier, revokeClientToken } from './default-token.js';

let directory: TempDir | undefined;
const opened: ClientTokenStore[] = [];

function store(options: { now?: () => number; lastUsedFlushMs?: number } = {}): ClientTokenStore {
  directory ??= tempDir('switchyard-tokens-');
  const opening = ClientTokenStore.open({ path: directory.file('ledger.sqlite'), ...options });
  opened.push(opening);
  return opening;
}

afterEach(() => {
  for (const each of opened.splice(0)) each.close();
  directory?.remove();
  directory = undefined;
});

function rawFiles(): Buffer {
  const path = directory?.file('ledger.sqlite') ?? '';
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((file) => readFileSync(file)));
}

function pieces(token: string, length = 6): string[] {
  return Array.from({ length: token.length - length + 1 }, (_, start) => token.slice(start, start + length));
}

describe('ClientTokenStore', () => {
  it('creates 256-bit sy- tokens and keeps only their SHA-256 digest and the masked form', () => {
    const tokens = store();
    const { token } = tokens.create('editor');
    expect(token).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(3), 'base64url')).toHaveLength(32);
    expect(tokens.verify(token)).toEqual({ name: 'editor' });
    tokens.close();
    const bytes = rawFiles();
    expect(bytes.includes(createHash('sha256').update(token).digest())).toBe(true);
    const leaked = pieces(token).filter((piece) => bytes.includes(piece));
    expect(leaked).toEqual([]);
  });

  it('shows at most sy- and the last 4 characters', () => {
    const tokens = store();
    const { token } = tokens.create('scripts');
    const [listed] = tokens.list();
    expect(listed?.masked).toBe(`sy-…${token.slice(-4)}`);
    expect(maskToken('abcdefghijklmnop')).toBe('…mnop');
    const shown = JSON.stringify(tokens.list());
    expect(pieces(token, 5).filter((piece) => shown.includes(piece))).toEqual([]);
  });

  it('lists name, masked token, created, last used and revoked', () => {
    let now = 1_000;
    const tokens = store({ now: () => now });
    tokens.create('editor');
    now = 2_000;
    tokens.create('claude-code');
    tokens.revoke('editor');
    expect(tokens.list()).toEqual([
      { name: 'claude-code', masked: expect.stringMatching(/^sy-….{4}$/), createdAt: 2_000, lastUsedAt: null, revokedAt: null },
      { name: 'editor', masked: expect.stringMatching(/^sy-….{4}$/), createdAt: 1_000, lastUsedAt: null, revokedAt: 2_000 },
    ]);
  });

  it('checks names: the control contract pattern, no duplicates of an active token, `env` reserved', () => {
    const tokens = store();
    tokens.create('a.b_c-1');
    for (const bad of ['', 'Editor', '-x', 'a b', 'x'.repeat(65), 'é']) expect(() => tokens.create(bad), bad).toThrow(ClientTokenError);
    expect(() => tokens.create('env')).toThrow(/reserved/);
    expect(() => tokens.create('a.b_c-1')).toThrow(/exists already/);
    expect(tokens.create('x'.repeat(64)).name).toHaveLength(64);
  });

  it('revokes at once, also for a gateway holding another connection; a revoked name can be given a new token', () => {
    const gateway = store();
    const cli = store();
    const first = cli.create('editor');
    const other = cli.create('scripts');
    expect(gateway.verify(first.token)).toEqual({ name: 'editor' });
    expect(cli.revoke('editor')).toBe(true);
    expect(gateway.verify(first.token)).toBeUndefined();
    expect(gateway.verify(other.token)).toEqual({ name: 'scripts' });
    expect(cli.revoke('editor')).toBe(false);
    expect(() => cli.revoke('nobody')).toThrow(/no token named 'nobody'/);
    const second = cli.create('editor');
    expect(gateway.verify(second.token)).toEqual({ name: 'editor' });
    expect(gateway.verify(first.token)).toBeUndefined();
    expect(cli.activeCount()).toBe(2);
  });

  it('refuses what is not a stored token', () => {
    const tokens = store();
    const { token } = tokens.create('editor');
    for (const wrong of ['', token.slice(0, -1), `${token}x`, token.toUpperCase(), 'sy-' + 'A'.repeat(43)]) expect(tokens.verify(wrong)).toBeUndefined();
  });

  it('writes last used at most once per interval, never on the request', async () => {
    let now = 10_000;
    const tokens = store({ now: () => now, lastUsedFlushMs: 50 });
    const { token } = tokens.create('editor');
    tokens.verify(token);
    now = 11_000;
    tokens.verify(token);
    expect(tokens.get('editor')?.lastUsedAt).toBeNull();
    await expect.poll(() => tokens.get('editor')?.lastUsedAt, { timeout: 2_000 }).toBe(11_000);
    now = 12_000;
    tokens.verify(token);
    tokens.close();
    const reopened = store();
    expect(reopened.get('editor')?.lastUsedAt).toBe(12_000);
  });
});

describe('the default token', () => {
  it('adopts the existing client-token file on the first start with a store, and keeps the file', () => {
    const tokens = store();
    const path = directory?.file('client-token') ?? '';
    const existing = `sy-${'Q'.repeat(40)}abc1`;
    writeFileSync(path, `${existing}\n`, { mode: 0o600 });
    expect(ensureDefaultToken(tokens, directory?.path ?? '')).toEqual({ state: 'active', token: existing, created: false });
    expect(tokens.verify(existing)).toEqual({ name: 'default' });
    expect(readFileSync(path, 'utf8').trim()).toBe(existing);
    expect(ensureDefaultToken(tokens, directory?.path ?? '')).toEqual({ state: 'active', token: existing, created: false });
  });

  it('is generated into a 0600 file when there is none, and a replaced file wins', () => {
    const tokens = store();
    const dataDir = directory?.path ?? '';
    const first = ensureDefaultToken(tokens, dataDir);
    expect(first).toMatchObject({ state: 'active', created: true });
    const path = directory?.file('client-token') ?? '';
    if (process.platform !== 'win32') expect(statSync(path).mode & 0o777).toBe(0o600);
    const replacement = `sy-${'R'.repeat(40)}xyz9`;
    writeFileSync(path, replacement);
    expect(ensureDefaultToken(tokens, dataDir)).toEqual({ state: 'active', token: replacement, created: false });
    if (first.state === 'active') expect(tokens.verify(first.token)).toBeUndefined();
    expect(tokens.verify(replacement)).toEqual({ name: 'default' });
  });

  it('stays revoked: its file is removed and not re-adopted until `tokens create default`', () => {
    const tokens = store();
    const dataDir = directory?.path ?? '';
    const first = ensureDefaultToken(tokens, dataDir);
    revokeClientToken(tokens, dataDir, 'default');
    expect(existsSync(directory?.file('client-token') ?? '')).toBe(false);
    expect(ensureDefaultToken(tokens, dataDir)).toMatchObject({ state: 'revoked' });
    if (first.state === 'active') expect(tokens.verify(first.token)).toBeUndefined();
    const again = createClientToken(tokens, dataDir, 'default');
    expect(readFileSync(directory?.file('client-token') ?? '', 'utf8').trim()).toBe(again.token);
    expect(ensureDefaultToken(tokens, dataDir)).toEqual({ state: 'active', token: again.token, created: false });
  });

  it('SWITCHYARD_API_KEY adds a token named env, checked first and never stored', () => {
    const tokens = store();
    const { token } = tokens.create('editor');
    const verifier = gatewayTokenVerifier(tokens, { SWITCHYARD_API_KEY: ' sy-from-the-environment-0123456789 ' });
    expect(verifier.verify('sy-from-the-environment-0123456789')).toEqual({ name: 'env' });
    expect(verifier.verify(token)).toEqual({ name: 'editor' });
    expect(tokens.list().map((each) => each.name)).toEqual(['editor']);
    // the environment token is compared in memory: no digest is made for it, one is for a stored token
    const digests: string[] = [];
    const counting = (label: string, presented: string) => (): Buffer => {
      digests.push(label);
      return digest(presented);
    };
    expect(verifier.verify('sy-from-the-environment-0123456789', counting('env', 'sy-from-the-environment-0123456789'))).toEqual({ name: 'env' });
    expect(verifier.verify(token, counting('stored', token))).toEqual({ name: 'editor' });
    expect(verifier.verify('sy-nobody', counting('unknown', 'sy-nobody'))).toBeUndefined();
    expect(digests).toEqual(['stored', 'unknown']);
    expect(gatewayTokenVerifier(tokens, {})).toBe(tokens);
  });
});
