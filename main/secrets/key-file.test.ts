// Provider keys from files (servers): `<VARIABLE>_FILE`, systemd's $CREDENTIALS_DIRECTORY, their precedence after
// the variable itself, the resolver's view of where a key came from, a reload re-reading a rotated file, and a
// named file that cannot be used said plainly — all with real files in a throwaway directory.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redactSecrets } from '../../shared/redact.js';
import type { ProviderSettings } from '../config/load.js';
import { readKeyFile } from './key-file.js';
import { KeyResolver } from './key-resolver.js';
import { MemorySecretStore } from './secret-store.js';

const openai: ProviderSettings = {
  id: 'openai',
  type: 'openai-compatible',
  preset: 'openai',
  label: 'OpenAI',
  baseUrl: 'http://127.0.0.1:1/v1',
  locality: 'cloud',
  apiKeyEnv: 'OPENAI_API_KEY',
  headers: {},
  models: [],
};
const fileKey = 'sk-file-Key0000000000000000000eeee';

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'switchyard-key-file-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe('provider keys from files', () => {
  it('reads <VARIABLE>_FILE, dropping the final newline, and says where the key came from', async () => {
    const path = join(directory, 'openai');
    writeFileSync(path, `${fileKey}\n`);
    const resolver = await KeyResolver.create(new MemorySecretStore(), { OPENAI_API_KEY_FILE: path });
    expect(resolver.keyLookup(openai)).toBe(fileKey);
    expect(resolver.keySource(openai)).toBe(`file ${path} (OPENAI_API_KEY_FILE)`);
    expect(resolver.describe(openai).keys).toEqual([{ position: 1, masked: '…eeee', active: true }]);
    // read keys are redacted like any other
    expect(redactSecrets(`upstream said ${fileKey}`)).not.toContain(fileKey);
  });

  it("reads systemd's $CREDENTIALS_DIRECTORY/<VARIABLE> (LoadCredential=OPENAI_API_KEY:…)", async () => {
    writeFileSync(join(directory, 'OPENAI_API_KEY'), fileKey);
    const resolver = await KeyResolver.create(new MemorySecretStore(), { CREDENTIALS_DIRECTORY: directory });
    expect(resolver.keyLookup(openai)).toBe(fileKey);
    expect(resolver.keySource(openai)).toBe(`file ${join(directory, 'OPENAI_API_KEY')} (CREDENTIALS_DIRECTORY)`);
    // a credential that is not there is no key and no error
    const groq = { ...openai, id: 'groq', apiKeyEnv: 'GROQ_API_KEY' };
    expect(resolver.keyLookup(groq)).toBeUndefined();
    expect(resolver.keySource(groq)).toBe('missing (run `switchyard keys set groq` or set GROQ_API_KEY)');
  });

  it('comes after the variable itself and the keychain', async () => {
    const path = join(directory, 'openai');
    writeFileSync(path, fileKey);
    const fromVariable = await KeyResolver.create(new MemorySecretStore(), { OPENAI_API_KEY: 'sk-env-Key000000000000000000dddd', OPENAI_API_KEY_FILE: path });
    expect(fromVariable.keyLookup(openai)).toBe('sk-env-Key000000000000000000dddd');
    const fromKeychain = await KeyResolver.create(new MemorySecretStore({ openai: ['sk-test-First0000000000000001aaaa'] }), { OPENAI_API_KEY_FILE: path });
    expect(fromKeychain.keyLookup(openai)).toBe('sk-test-First0000000000000001aaaa');
  });

  it('reads the file once, and again at a reload (a rotated secret)', async () => {
    const path = join(directory, 'openai');
    writeFileSync(path, fileKey);
    const resolver = await KeyResolver.create(new MemorySecretStore(), { OPENAI_API_KEY_FILE: path });
    expect(resolver.keyLookup(openai)).toBe(fileKey);
    writeFileSync(path, 'sk-file-Rotated000000000000000ffff');
    expect(resolver.keyLookup(openai)).toBe(fileKey);
    await resolver.reloadAll();
    expect(resolver.keyLookup(openai)).toBe('sk-file-Rotated000000000000000ffff');
  });

  it('says why a named file gives no key: missing, empty, or more than a key', async () => {
    const missing = join(directory, 'nothing-here');
    const resolver = await KeyResolver.create(new MemorySecretStore(), { OPENAI_API_KEY_FILE: missing });
    expect(resolver.keyLookup(openai)).toBeUndefined();
    expect(resolver.keySource(openai)).toBe(`missing (run \`switchyard keys set openai\` or set OPENAI_API_KEY; ${missing} cannot be read (ENOENT))`);
    writeFileSync(join(directory, 'empty'), '\n');
    expect(readKeyFile('OPENAI_API_KEY', { OPENAI_API_KEY_FILE: join(directory, 'empty') })?.problem).toBe(`${join(directory, 'empty')} is empty`);
    writeFileSync(join(directory, 'two'), 'sk-one\nsk-two\n');
    expect(readKeyFile('OPENAI_API_KEY', { OPENAI_API_KEY_FILE: join(directory, 'two') })).toMatchObject({ key: undefined });
    mkdirSync(join(directory, 'a-directory'));
    expect(readKeyFile('OPENAI_API_KEY', { OPENAI_API_KEY_FILE: join(directory, 'a-directory') })?.problem).toContain('cannot be read (EISDIR)');
  });
});
