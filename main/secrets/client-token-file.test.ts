// The admin token a team gateway's replicas share: SWITCHYARD_ADMIN_TOKEN as a value, as a file (_FILE, or systemd's
// $CREDENTIALS_DIRECTORY), or else the data dir's own admin-token, made at first use.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminTokenFor, environmentAdminToken } from './client-token-file.js';

let dir: string;
const shared = 'sya-0123456789abcdefghijklmnopqrstuvwxyzABCD';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sy-admin-token-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the admin token', () => {
  it('is the data dir file (made once, then read) when the environment gives none', () => {
    const dataDir = join(dir, 'data');
    const first = adminTokenFor(dataDir, {});
    expect(first).toMatch(/^sya-[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(first);
    expect(adminTokenFor(dataDir, {})).toBe(first);
  });

  it('is SWITCHYARD_ADMIN_TOKEN when set, and then no file is written', () => {
    const dataDir = join(dir, 'data');
    expect(adminTokenFor(dataDir, { SWITCHYARD_ADMIN_TOKEN: ` ${shared}\n` })).toBe(shared);
    expect(existsSync(join(dataDir, 'admin-token'))).toBe(false);
  });

  it('is read from SWITCHYARD_ADMIN_TOKEN_FILE or $CREDENTIALS_DIRECTORY/SWITCHYARD_ADMIN_TOKEN', () => {
    writeFileSync(join(dir, 'SWITCHYARD_ADMIN_TOKEN'), `${shared}\n`);
    expect(environmentAdminToken({ SWITCHYARD_ADMIN_TOKEN_FILE: join(dir, 'SWITCHYARD_ADMIN_TOKEN') })).toBe(shared);
    expect(environmentAdminToken({ CREDENTIALS_DIRECTORY: dir })).toBe(shared);
    expect(environmentAdminToken({ CREDENTIALS_DIRECTORY: join(dir, 'elsewhere') })).toBeUndefined();
  });

  it('refuses, naming the variable, a token too short or a file that cannot be read', () => {
    expect(() => environmentAdminToken({ SWITCHYARD_ADMIN_TOKEN: 'sya-short' })).toThrow(/SWITCHYARD_ADMIN_TOKEN: an admin token needs at least 32 characters/);
    expect(() => environmentAdminToken({ SWITCHYARD_ADMIN_TOKEN_FILE: join(dir, 'missing') })).toThrow(
      /SWITCHYARD_ADMIN_TOKEN_FILE: .*missing cannot be read \(ENOENT\)/,
    );
    writeFileSync(join(dir, 'short'), 'abc\n');
    expect(() => environmentAdminToken({ SWITCHYARD_ADMIN_TOKEN_FILE: join(dir, 'short') })).toThrow(
      /SWITCHYARD_ADMIN_TOKEN_FILE: an admin token needs at least 32/,
    );
  });
});
