// The config editor: a change touches only what it is about (comments, key order and unrelated keys survive), is
// checked like a start-up before anything is written, is written atomically (0600, no temporary file left), and a
// first edit without a config file creates `<data dir>/config.yaml` from the defaults in use.
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigSource } from '../config/config-source.js';
import { ConfigError, findConfigPath } from '../config/load.js';
import { ConfigEditor, ensureMap } from './config-editor.js';

let directory: string;
const env = { OLLAMA_HOST: 'http://127.0.0.1:9' };

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'sy-editor-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function editorFor(path: string | undefined, apply = vi.fn(async () => undefined)) {
  const adopted: string[] = [];
  const source = new ConfigSource({ path, env, onAdopt: (file) => adopted.push(file) });
  return { editor: new ConfigEditor({ source, dataDir: directory, apply }), source, apply, adopted };
}

const handWritten = `# My Switchyard setup — hand-written, keep my notes!
server:
  port: 5454 # the usual port

providers:
  - id: ollama   # local models
  - id: box
    type: openai-compatible
    base_url: http://127.0.0.1:8001/v1
    headers: { X-Team: ml }

# Routes I use every day
routes:
  fast:
    targets: [ollama/qwen3:8b]   # quick answers
    timeouts: { first_token_ms: 5000 }
`;

describe('ConfigEditor', () => {
  it('changes one key and keeps every comment, the key order and the keys it was not asked about', async () => {
    const path = join(directory, 'config.yaml');
    writeFileSync(path, handWritten);
    const { editor, apply } = editorFor(path);
    await editor.edit((document) => ensureMap(document, ['routes', 'fast']).set('num_retries', 2));
    const text = readFileSync(path, 'utf8');
    for (const kept of [
      '# My Switchyard setup — hand-written, keep my notes!',
      '# the usual port',
      '# local models',
      '# Routes I use every day',
      '# quick answers',
      'X-Team: ml',
      'first_token_ms: 5000',
    ]) {
      expect(text).toContain(kept);
    }
    expect(text).toContain('num_retries: 2');
    expect(text.indexOf('server:')).toBeLessThan(text.indexOf('providers:'));
    expect(text.indexOf('providers:')).toBeLessThan(text.indexOf('routes:'));
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('writes atomically: mode 0600, no temporary file left behind, a symlinked config stays a symlink', async () => {
    const real = join(directory, 'real.yaml');
    writeFileSync(real, handWritten);
    chmodSync(real, 0o644);
    const link = join(directory, 'config.yaml');
    symlinkSync(real, link);
    const { editor } = editorFor(link);
    await editor.edit((document) => ensureMap(document, ['routing']).set('auto_offline', false));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('auto_offline: false');
    if (process.platform !== 'win32') expect(statSync(real).mode & 0o777).toBe(0o600);
    expect(readdirSync(directory).sort()).toEqual(['config.yaml', 'real.yaml']);
  });

  it('refuses a change that makes the config invalid, names the field, and leaves the file as it was', async () => {
    const path = join(directory, 'config.yaml');
    writeFileSync(path, handWritten);
    const { editor, apply } = editorFor(path);
    const refused = editor.edit((document) => ensureMap(document, ['routes', 'broken']).set('targets', ['nowhere/model']));
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/routes\.broken\.targets\[0\]: 'nowhere\/model' names no configured provider/);
    expect(readFileSync(path, 'utf8')).toBe(handWritten);
    expect(apply).not.toHaveBeenCalled();
  });

  it('without a config file, creates <data dir>/config.yaml from the defaults in use, adopts it, and boot finds it next time', async () => {
    const { editor, source, adopted } = editorFor(undefined);
    await editor.edit((document) => ensureMap(document, ['routing']).set('offline', true));
    const created = join(directory, 'config.yaml');
    expect(readFileSync(created, 'utf8')).toMatch(/^# Switchyard configuration[\s\S]*providers:\n {2}- id: ollama\nrouting:\n {2}offline: true\n$/);
    expect(source.path).toBe(created);
    expect(adopted).toEqual([created]);
    expect(source.load().routing.offline).toBe(true);
    expect(findConfigPath(undefined, {}, directory)).toBe(created);
  });

  it('keeps a JSON config JSON', async () => {
    const path = join(directory, 'config.json');
    writeFileSync(path, JSON.stringify({ providers: [{ id: 'ollama' }] }));
    const { editor } = editorFor(path);
    await editor.edit((document) => ensureMap(document, ['ledger']).set('price_refresh', false));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ providers: [{ id: 'ollama' }], ledger: { price_refresh: false } });
  });

  it('runs concurrent edits one after another, so none is lost', async () => {
    const path = join(directory, 'config.yaml');
    writeFileSync(path, handWritten);
    const { editor } = editorFor(path);
    await Promise.all([
      editor.edit((document) => ensureMap(document, ['routing']).set('num_retries', 3)),
      editor.edit((document) => ensureMap(document, ['ledger']).set('price_refresh', false)),
      editor.edit((document) => ensureMap(document, ['server']).set('max_in_flight', 64)),
    ]);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('num_retries: 3');
    expect(text).toContain('price_refresh: false');
    expect(text).toContain('max_in_flight: 64');
  });

  it('will not edit a file with YAML errors (the user fixes it by hand first)', async () => {
    const path = join(directory, 'config.yaml');
    writeFileSync(path, 'routes:\n  fast: [unclosed\n');
    const { editor } = editorFor(path);
    await expect(editor.edit(() => undefined)).rejects.toThrow(/YAML errors; fix them by hand first/);
    expect(existsSync(path)).toBe(true);
  });
});
