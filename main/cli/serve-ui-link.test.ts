// Where `serve` offers its sign-in link: a built UI, reachable from a loopback origin (wildcard binds included).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SignInNonceStore } from '../control/http/sign-in-nonces.js';
import { uiAddress, uiSignInLines } from './serve-ui-link.js';

const built = mkdtempSync(join(tmpdir(), 'sy-ui-'));
writeFileSync(join(built, 'index.html'), '<!doctype html>');

describe('uiAddress', () => {
  it('is the loopback address the browser signs in from, also when bound to every interface', () => {
    expect(uiAddress({ host: '127.0.0.1', port: 5454, uiRoot: built })).toEqual({ url: 'http://127.0.0.1:5454/_switchyard/' });
    expect(uiAddress({ host: 'localhost', port: 5454, uiRoot: built })).toEqual({ url: 'http://localhost:5454/_switchyard/' });
    expect(uiAddress({ host: '::1', port: 6000, uiRoot: built })).toEqual({ url: 'http://[::1]:6000/_switchyard/' });
    expect(uiAddress({ host: '0.0.0.0', port: 5454, uiRoot: built })).toEqual({ url: 'http://127.0.0.1:5454/_switchyard/' });
    expect(uiAddress({ host: '::', port: 5454, uiRoot: built })).toEqual({ url: 'http://127.0.0.1:5454/_switchyard/' });
  });

  it('is none for a LAN-only bind or an unbuilt UI, saying why', () => {
    expect(uiAddress({ host: '192.168.1.10', port: 5454, uiRoot: built })).toEqual({
      unavailable: "the UI signs in from this machine's loopback address only, and this server listens on 192.168.1.10",
    });
    expect(uiAddress({ host: '127.0.0.1', port: 5454, uiRoot: join(built, 'missing') })).toEqual({ unavailable: 'the UI is not built here (`npm run build`)' });
  });
});

describe('uiSignInLines', () => {
  it('mints a nonce the store redeems once', async () => {
    const nonces = new SignInNonceStore();
    const [line, note] = await uiSignInLines({ host: '127.0.0.1', port: 5454, uiRoot: built }, nonces);
    const nonce = /#signin=([A-Za-z0-9_-]{43})$/.exec(line ?? '')?.[1] ?? '';
    expect(note).toContain('once, within 60 s; `switchyard ui` prints a fresh link');
    expect(nonces.redeem(nonce)).toBe(true);
    expect(nonces.redeem(nonce)).toBe(false);
  });

  it('mints nothing where the link would not work', async () => {
    const nonces = new SignInNonceStore();
    expect(await uiSignInLines({ host: '10.0.0.2', port: 5454, uiRoot: built }, nonces)).toEqual([
      "ui:       not offered: the UI signs in from this machine's loopback address only, and this server listens on 10.0.0.2",
    ]);
    expect(nonces.size).toBe(0);
  });
});
