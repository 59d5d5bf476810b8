// A port bound before boot (`serve` binds from a cheap read of the config, cli/early-address.ts): boot keeps it when
// the validated config names the same address, frees it and binds the config's when not, and frees it when the
// config is bad. Real HTTP on 127.0.0.1, a temporary data dir, keys in memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootGateway, type Booted } from '../../main/boot.js';
import { openBootListener } from '../../main/gateway/http/boot-listener.js';
import { MemorySecretStore } from '../../main/secrets/secret-store.js';

let dataDir: string;
const started: Booted[] = [];
const env = { OLLAMA_HOST: 'http://127.0.0.1:9' };
const log = (): void => undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-boot-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((booted) => booted.gateway.stop(0)));
  rmSync(dataDir, { recursive: true, force: true });
});

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function boot(options: { port: number; listener?: Awaited<ReturnType<typeof openBootListener>> }): Promise<Booted> {
  const booted = await bootGateway({ env, dataDir, log, host: '127.0.0.1', watchConfig: false, secretStore: new MemorySecretStore(), ...options });
  started.push(booted);
  return booted;
}

describe('bootGateway with a listener bound before it', () => {
  it('serves on that listener when the config names its address; a request sent before boot is answered', async () => {
    const listener = await openBootListener('127.0.0.1', 0);
    const port = (listener.server.address() as { port: number }).port;
    const early = fetch(`http://127.0.0.1:${port}/health`).then((response) => response.status); // arrives before the gateway exists
    // the config's port is 0 here too ("any"), the address the listener was asked for
    const booted = await boot({ port: 0, listener });
    expect(booted.gateway.port).toBe(port);
    expect([503, 200]).toContain(await early); // answered, not refused: "starting" while booting, or "ok" once done
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });

  it('frees a listener on another address and binds the config’s', async () => {
    const listener = await openBootListener('127.0.0.1', 0);
    const guessed = (listener.server.address() as { port: number }).port;
    const { port: wanted } = await new Promise<{ port: number }>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve({ port }));
      });
    });
    writeFileSync(join(dataDir, 'config.yaml'), `server:\n  port: ${wanted}\n`);
    const booted = await bootGateway({ env, dataDir, log, watchConfig: false, secretStore: new MemorySecretStore(), listener });
    started.push(booted);
    expect(booted.gateway.port).toBe(wanted);
    expect(await canBind(guessed)).toBe(true);
    expect((await fetch(`http://127.0.0.1:${wanted}/health`)).status).toBe(200);
  });

  it('frees the listener when the config is bad, and reports the config', async () => {
    const listener = await openBootListener('127.0.0.1', 0);
    const port = (listener.server.address() as { port: number }).port;
    writeFileSync(join(dataDir, 'config.yaml'), 'server:\n  prot: 5454\n');
    const error = await boot({ port, listener }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'ConfigError' });
    expect(await canBind(port)).toBe(true);
  });

  it('control calls load the control service at the first call, and it answers', async () => {
    const booted = await boot({ port: 0 });
    const { control } = booted;
    expect((control as unknown as { then?: unknown }).then).toBeUndefined(); // awaiting it must not start the load
    expect((await control['settings.get']({})).startAtLogin).toBe(false);
    expect((await control['status.get']({})).today).toMatchObject({ requests: 0 });
    const unknownCall = (control as unknown as { 'no.such': (request: unknown) => Promise<unknown> })['no.such'];
    await expect(unknownCall({})).rejects.toThrow(/no such control call/);
  });
});
