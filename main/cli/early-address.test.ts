// The address `serve` binds before the config loads: whenever the cheap reader answers, its answer is the one the
// real config loader (yaml + zod) resolves; whenever it is unsure, it says so rather than guess.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFileNames as loaderFileNames, parseConfigText, resolveConfig } from '../config/load.js';
import { defaultPort as schemaDefaultPort } from '../config/schema.js';
import { configFileNames, defaultPort, earlyAddress, serverAddressIn } from './early-address.js';

/** what the real loader resolves for the file's text, with no --host/--port */
function resolved(text: string, path = 'config.yaml'): { host: string; port: number } {
  const { host, port } = resolveConfig(parseConfigText(text, path), { path, env: {} }).server;
  return { host, port };
}

const understood: Record<string, string> = {
  'yaml with comments and lists': [
    '# my setup',
    'server:',
    '  # the port my editor knows',
    '  port: 6001 # fixed',
    '  allowed_hosts:',
    '    - box.local',
    '  host: "127.0.0.2"',
    'providers:',
    '- id: ollama',
    '  base_url: http://127.0.0.1:11434',
    '',
  ].join('\n'),
  'yaml without server': 'providers:\n  - id: ollama\n',
  'yaml, port only, four-space indent': 'ledger:\n    price_refresh: false\nserver:\n    port: 7002\n',
  'yaml, quoted host': "server:\n  host: '::1'\n  port: 7003\n",
  'empty file': '',
  json: JSON.stringify({ server: { port: 7004, host: 'localhost', max_in_flight: 8 }, providers: [] }),
  'json without server': '{ "providers": [] }',
};

const unsure: Record<string, string> = {
  'flow mapping': 'server: { port: 7005 }\n',
  alias: 'base: &base\n  port: 7006\nserver: *base\n',
  'merge key': 'base: &base\n  port: 7006\nserver:\n  <<: *base\n',
  'quoted top-level key': '"server":\n  port: 7007\n',
  'port not a number': 'server:\n  port: 0x1F00\n',
  'host with a tag': 'server:\n  host: !!str 127.0.0.1\n',
  'second document': 'server:\n  port: 7008\n---\nserver:\n  port: 7009\n',
  'json that does not parse': '{ "server": { "port": 7010, } }',
  'json server not an object': '{ "server": 7011 }',
};

describe('serverAddressIn', () => {
  for (const [name, text] of Object.entries(understood)) {
    it(`${name}: answers what the config loader resolves`, () => {
      const found = serverAddressIn(text);
      expect(found).toBeDefined();
      const path = text.trimStart().startsWith('{') ? 'config.json' : 'config.yaml';
      expect({ host: found?.host ?? '127.0.0.1', port: found?.port ?? defaultPort }).toEqual(resolved(text, path));
    });
  }

  for (const [name, text] of Object.entries(unsure)) {
    it(`${name}: unsure, so undefined`, () => {
      expect(serverAddressIn(text)).toBeUndefined();
    });
  }
});

describe('earlyAddress', () => {
  const env = {};

  it('--host and --port need no file at all', () => {
    expect(earlyAddress({ configFlag: '/nonexistent/config.yaml', env, dataDir: '/nonexistent', host: '127.0.0.1', port: 0 })).toEqual({
      host: '127.0.0.1',
      port: 0,
    });
  });

  it('a flag wins over the file; the file over the defaults; no file is the defaults', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-early-'));
    expect(earlyAddress({ configFlag: undefined, env, dataDir, host: undefined, port: undefined })).toEqual({ host: '127.0.0.1', port: 5454 });
    writeFileSync(join(dataDir, 'config.yaml'), 'server:\n  port: 6100\n  host: 127.0.0.3\n');
    expect(earlyAddress({ configFlag: undefined, env, dataDir, host: undefined, port: undefined })).toEqual({ host: '127.0.0.3', port: 6100 });
    expect(earlyAddress({ configFlag: undefined, env, dataDir, host: undefined, port: 6200 })).toEqual({ host: '127.0.0.3', port: 6200 });
    const elsewhere = join(dataDir, 'other.json');
    writeFileSync(elsewhere, '{"server":{"port":6300}}');
    expect(earlyAddress({ configFlag: undefined, env: { SWITCHYARD_CONFIG: elsewhere }, dataDir, host: undefined, port: undefined })).toEqual({
      host: '127.0.0.1',
      port: 6300,
    });
    expect(earlyAddress({ configFlag: elsewhere, env, dataDir, host: '::1', port: undefined })).toEqual({ host: '::1', port: 6300 });
  });

  it('a missing or unreadable --config, or a file it is unsure of: undefined (the config load reports it)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sy-early-'));
    expect(earlyAddress({ configFlag: join(dataDir, 'missing.yaml'), env, dataDir, host: undefined, port: undefined })).toBeUndefined();
    writeFileSync(join(dataDir, 'config.yml'), 'server: {port: 1}\n');
    expect(earlyAddress({ configFlag: undefined, env, dataDir, host: undefined, port: 80 })).toBeUndefined();
  });

  it("restates the loader's file names and default port", () => {
    expect(configFileNames).toEqual(loaderFileNames);
    expect(defaultPort).toBe(schemaDefaultPort);
  });
});
