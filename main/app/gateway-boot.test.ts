// Boots the real core the way the desktop app does, on a free port and a temporary data dir, with providers that
// point at a closed local port so nothing leaves the machine.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlApi } from '../../shared/control/contract.js';
import type { Gateway } from '../gateway/gateway.js';
import { bootGateway, describeStartFailure } from './gateway-boot.js';

let dataDir: string;
const started: Gateway[] = [];
const env = { OLLAMA_HOST: 'http://127.0.0.1:9' };
const log = (): void => undefined;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'switchyard-app-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((gateway) => gateway.stop(0)));
  rmSync(dataDir, { recursive: true, force: true });
});

async function boot(options: { port?: number } = {}): Promise<Gateway> {
  const gateway = await bootGateway({ env, dataDir, log, port: options.port ?? 0 });
  started.push(gateway);
  return gateway;
}

describe('bootGateway', () => {
  it('serves on loopback and accepts the client token kept in the data dir', async () => {
    const gateway = await boot();
    expect(gateway.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${gateway.url}/health`);
    expect(health.status).toBe(200);

    const tokenFile = join(dataDir, 'client-token');
    const token = readFileSync(tokenFile, 'utf8').trim();
    if (process.platform !== 'win32') expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    const refused = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: 'Bearer sy-not-the-token' } });
    expect(refused.status).toBe(401);
    const accepted = await fetch(`${gateway.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    expect(accepted.status).not.toBe(401);
    await accepted.body?.cancel();
  });

  it('reads config.yaml from the data dir, as `switchyard serve` does', async () => {
    const configPath = join(dataDir, 'config.yaml');
    writeFileSync(configPath, 'providers:\n  - id: lab\n    type: openai-compatible\n    base_url: http://127.0.0.1:9/v1\n');
    const gateway = await boot();
    const status = gateway.status();
    expect(status.configSource).toBe(configPath);
    expect(status.providers.map((provider) => provider.id)).toEqual(['lab']);
  });

  it('fails with a message the window can show when the port is taken', async () => {
    const first = await boot();
    const error = await bootGateway({ env, dataDir, log, port: first.port }).catch((caught: unknown) => caught);
    expect(describeStartFailure(error)).toMatch(/already in use/);
  });

  it('fails with the config problems listed when the config is invalid', async () => {
    writeFileSync(join(dataDir, 'config.yaml'), 'server:\n  prot: 5454\n');
    const error = await bootGateway({ env, dataDir, log, port: 0 }).catch((caught: unknown) => caught);
    const message = describeStartFailure(error);
    expect(message).toContain('config.yaml');
    expect(message).toContain('prot');
  });

  it('hands the shell the control service, whose start-at-login changes reach the shell', async () => {
    let control: ControlApi | undefined;
    const changes: boolean[] = [];
    started.push(
      await bootGateway({ env, dataDir, log, port: 0, onControl: (service) => (control = service), onStartAtLoginChanged: (enabled) => changes.push(enabled) }),
    );
    if (!control) throw new Error('no control service');
    expect((await control['settings.get']({})).startAtLogin).toBe(false);
    await control['settings.set']({ startAtLogin: true });
    expect(changes).toEqual([true]);
    expect((await control['settings.get']({})).startAtLogin).toBe(true);
    expect((await control['status.get']({})).today).toMatchObject({ costUsd: 0, requests: 0, savedUsd: 0 });
  });

  it('says how to get the Electron build when better-sqlite3 was built for another ABI', () => {
    const mismatch = new Error(
      "The module 'better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 150.",
    );
    expect(describeStartFailure(mismatch)).toMatch(
      /^could not open the ledger: better-sqlite3 is not built for this Electron; run `node scripts\/build-electron-sqlite\.mjs`/,
    );
  });

  it('describes unexpected failures without pretending to know more', () => {
    expect(describeStartFailure(new Error('EMFILE'))).toBe('could not start the gateway: EMFILE');
    expect(describeStartFailure('odd')).toBe('could not start the gateway: odd');
  });
});
