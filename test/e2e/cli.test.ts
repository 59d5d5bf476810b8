// The CLI as a user meets it: start-up output, bad configs, a busy port, tokens, signals.
import { statSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startServe, writeConfig, type ServeProcess } from '../support/serve-process.js';

const running: ServeProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((serve) => serve.stop('SIGKILL')));
});

function listenOnFreePort(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

describe('switchyard serve', () => {
  it('prints the address, config in use and each provider with its reachability', async () => {
    const { server, port: deadPort } = await listenOnFreePort();
    server.close();
    const serve = await startServe({
      config: { providers: [{ id: 'ollama', base_url: `http://127.0.0.1:${deadPort}` }, { id: 'groq' }] },
      env: { GROQ_API_KEY: 'gsk_test_not_a_real_key_000' },
    });
    running.push(serve);
    await expect.poll(() => serve.output(), { timeout: 10_000 }).toMatch(/ollama\s+unreachable/);
    const output = serve.output();
    expect(output).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1/);
    expect(output).toMatch(/config: +\/.*config\.json/);
    expect(output).toMatch(/ollama +ollama +http:\/\/127\.0\.0\.1:\d+ +local/);
    expect(output).toMatch(/groq +openai-compatible +https:\/\/api\.groq\.com\/openai\/v1 +cloud, key: env GROQ_API_KEY/);
    expect(output).not.toContain('gsk_test_not_a_real_key_000');
    const health = await fetch(`${serve.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('with no config file uses the defaults: Ollama plus providers whose keys are set', async () => {
    const serve = await startServe({ env: { OLLAMA_HOST: '127.0.0.1:9', MISTRAL_API_KEY: 'm-test' } });
    running.push(serve);
    expect(serve.output()).toMatch(/config: +none \(built-in defaults/);
    expect(serve.output()).toMatch(/ollama +ollama +http:\/\/127\.0\.0\.1:9 /);
    expect(serve.output()).toMatch(/mistral +openai-compatible/);
  });

  it('a port already in use is one line naming the port, exit 1, no stack trace', async () => {
    const { server, port } = await listenOnFreePort();
    try {
      const result = await runCli([
        'serve',
        '--port',
        String(port),
        '--data-dir',
        mkdtempSync(join(tmpdir(), 'sy-')),
        '--config',
        writeConfig({ providers: [] }),
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `switchyard: port ${port} on 127.0.0.1 is already in use (another Switchyard, or another program); choose another with --port`,
      ]);
    } finally {
      server.close();
    }
  });

  it('a bad config file names the field and line and does not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sy-'));
    const path = join(dir, 'config.yaml');
    writeFileSync(path, 'server:\n  port: 5454\nproviders:\n  - id: groq\n    api_key_env: "not a var"\n');
    const result = await runCli(['serve', '--port', '0', '--data-dir', dir, '--config', path]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`config file ${path} is invalid`);
    expect(result.stderr).toMatch(/line 5: providers\[0\]\.api_key_env: must be an environment variable name/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).not.toContain('listening');
  });

  it('rejects bad flags with usage', async () => {
    const result = await runCli(['serve', '--port', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be a number/);
    const unknown = await runCli(['serve', '--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'/);
  });

  it('stores the client token readable only by the user and `tokens` prints it', async () => {
    const serve = await startServe({ config: { providers: [] } });
    running.push(serve);
    const file = join(serve.dataDir, 'client-token');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(serve.dataDir).mode & 0o777).toBe(0o700);
    expect(serve.token).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    const printed = await runCli(['tokens', '--data-dir', serve.dataDir]);
    expect(printed.stdout.trim()).toBe(serve.token);
    expect(readFileSync(file, 'utf8').trim()).toBe(serve.token);
    expect(serve.output()).not.toContain(serve.token);
  });

  it('exits 0 on SIGINT and on SIGTERM', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const serve = await startServe({ config: { providers: [] } });
      expect(await serve.stop(signal)).toBe(0);
      expect(serve.output()).toContain(`${signal}: stopping`);
    }
  });

  it('prints help and version', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('switchyard serve [--port 5454]');
    const version = await runCli(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('--help after an unknown verb is the same error as the verb alone; after a known verb, its help', async () => {
    const [alone, withHelp, known] = await Promise.all([runCli(['frobnicate']), runCli(['frobnicate', '--help']), runCli(['keys', '--help'])]);
    expect(alone).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^switchyard: unknown command 'frobnicate'\n/) });
    expect(withHelp).toEqual(alone);
    expect(known).toMatchObject({ code: 0, stderr: '' });
    expect(known.stdout).toContain('switchyard keys set <provider>');
    expect(known.stdout).not.toContain('switchyard serve');
  });

  it("`help help` prints help's own help, and `help <verb>` the verb's", async () => {
    const [helpHelp, helpKeys] = await Promise.all([runCli(['help', 'help']), runCli(['help', 'keys'])]);
    expect(helpHelp).toMatchObject({ code: 0, stderr: '' });
    expect(helpHelp.stdout).toMatch(/^Usage:\n {2}switchyard help \[<command>\]/);
    expect(helpKeys).toMatchObject({ code: 0, stderr: '' });
    expect(helpKeys.stdout).toContain('switchyard keys set <provider>');
  });
});

describe('the code cache of the bundled CLI', () => {
  /** the cache files under an XDG_CACHE_HOME (switchyard/code-cache/<build>/<chunk>-<size>-<mtime>.v8) */
  const cacheFiles = (home: string): string[] => {
    const root = join(home, 'switchyard', 'code-cache');
    return readdirSync(root).flatMap((build) => readdirSync(join(root, build)).map((name) => join(root, build, name)));
  };

  it('is written per user, a corrupted file is rejected and rewritten, and an unwritable directory does not fail the CLI', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sy-xdg-'));
    const first = await runCli(['--help'], { env: { XDG_CACHE_HOME: home } });
    expect(first.code).toBe(0);
    const files = cacheFiles(home).filter((file) => file.endsWith('.v8'));
    expect(files.length).toBeGreaterThan(0);
    expect(cacheFiles(home).filter((file) => file.endsWith('.tmp'))).toEqual([]);
    // a flipped byte in the middle of each file: V8 alone would take it; our checksum refuses it
    const corrupted = new Map<string, Buffer>();
    for (const file of files) {
      const bytes = readFileSync(file);
      const middle = Math.floor(bytes.length / 2);
      bytes[middle] = (bytes[middle] ?? 0) ^ 0x10;
      writeFileSync(file, bytes);
      corrupted.set(file, bytes);
    }
    const second = await runCli(['--help'], { env: { XDG_CACHE_HOME: home } });
    expect(second).toEqual(first);
    for (const [file, bytes] of corrupted) expect(readFileSync(file).equals(bytes), file).toBe(false);
    // a cache "directory" that is a file: the CLI runs the same, without a cache or beside the bundle
    const blocked = join(home, 'not-a-directory');
    writeFileSync(blocked, '');
    const third = await runCli(['--help'], { env: { XDG_CACHE_HOME: blocked } });
    expect(third).toEqual(first);
  });
});
