// Runs `switchyard serve` as a real child process with its own config and data dir, and reads back the address
// it prints. The environment is scrubbed so a developer's real provider keys can never reach a test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** the bundled CLI that bin/switchyard.js runs (scripts/bundle-cli.mjs; the global setup builds it) */
export const cliPath = fileURLToPath(new URL('../../dist/cli/switchyard.js', import.meta.url));

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly baseUrl: string;
  readonly port: number;
  readonly token: string;
  readonly dataDir: string;
  output(): string;
  /** sends the signal and resolves with the exit code */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The CLIs' code cache (main/cli/code-cache.ts) for this test file's processes: a temporary directory rather than the
 * developer's ~/.cache, shared by the file's processes, so they run through both its write and its read paths (and
 * write it concurrently, as parallel launches do).
 */
let codeCacheHome: string | undefined;

export function scrubbedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'TMPDIR', 'SYSTEMROOT', 'DBUS_SESSION_BUS_ADDRESS', 'XDG_RUNTIME_DIR', 'XDG_DATA_HOME'];
  const env: NodeJS.ProcessEnv = {};
  for (const name of keep) if (process.env[name] !== undefined) env[name] = process.env[name];
  // A keychain service of its own, so a developer's real keys (service `switchyard`) never reach a test.
  env['SWITCHYARD_KEYCHAIN_SERVICE'] = `switchyard-test-${process.pid}`;
  codeCacheHome ??= mkdtempSync(join(tmpdir(), 'sy-xdg-cache-'));
  env['XDG_CACHE_HOME'] = codeCacheHome;
  return { ...env, ...extra };
}

export function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'sy-cfg-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}

export async function startServe(
  options: { config?: unknown; configPath?: string; env?: Record<string, string>; args?: string[]; dataDir?: string; timeoutMs?: number } = {},
): Promise<ServeProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sy-data-'));
  const configPath = options.configPath ?? (options.config === undefined ? undefined : writeConfig(options.config));
  const args = [cliPath, 'serve', '--port', '0', '--data-dir', dataDir, ...(configPath ? ['--config', configPath] : []), ...(options.args ?? [])];
  const child = spawn(process.execPath, args, { env: scrubbedEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`switchyard serve did not start:\n${output}`)), options.timeoutMs ?? 15_000);
    const check = (): void => {
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\/v1/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`switchyard serve exited with ${code}:\n${output}`));
    });
  });
  // team mode (ledger.url) writes no client-token file: SWITCHYARD_API_KEY's token is the one a test has then
  const tokenFile = join(dataDir, 'client-token');
  const token = existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : (options.env?.['SWITCHYARD_API_KEY'] ?? '');
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    baseUrl: `${url}/v1`,
    port,
    token,
    dataDir,
    output: () => output,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the CLI to completion (for commands and start-up failures). */
export function runCli(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { env: scrubbedEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`switchyard ${args.join(' ')} did not finish:\n${stdout}${stderr}`));
    }, options.timeoutMs ?? 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A control call with the replica's admin credential (its data dir's admin-token), as the web UI makes it. */
export async function adminCall<T>(serve: ServeProcess, call: string, body: unknown): Promise<{ status: number; text: string; body: T }> {
  const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  const response = await fetch(`${serve.url}/_switchyard/api/${call}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: the caller sees `text`
  }
  return { status: response.status, text, body: parsed as T };
}

/** adminCall that must answer 200; a failure names the call, the answer and the end of the replica's output. */
export async function adminControl<T>(serve: ServeProcess, call: string, body: unknown): Promise<T> {
  const answer = await adminCall<T>(serve, call, body);
  if (answer.status !== 200) throw new Error(`${call}: ${answer.status} ${answer.text}\n${serve.output().slice(-2_000)}`);
  return answer.body;
}
