// Which folder may import which (issue 23), so the dependency direction the design describes stays true:
//   config (and main/version.ts) is the leaf everyone reads; ledger and secrets sit on it; the gateway on those;
//   connect (editing tools' config files) sits on the gateway, and control on connect (it serves connect.* calls);
//   boot.ts and metering-setup.ts assemble them; cli and app are the two entries; nothing imports main/app.
//   shared/ imports nothing of ours; the renderer only itself and shared/.
// secrets → ledger is allowed: the client tokens are stored hashed in the ledger file (client-token-store.ts).
// secrets → gateway is not: what both need lies in secrets (token-verifier.ts, token-digest.ts, key-lookup.ts)
// or config (types.ts: ProviderErrorClass), and checking a key is the gateway's (providers/key-check.ts).
// Every relative import of every .ts/.tsx file is checked: static, type-only, `export … from` and import() calls,
// read with TypeScript's pre-processor like electron-boundary.test.ts does. Tests may also import test/ (fakes).
// All SQL lives under main/ledger/: a file elsewhere that prepares a statement, runs a pragma or exec()s a literal
// fails (the playground's, the settings' and the client tokens' tables are ledger modules the others call). Tests
// are exempt: they may read the ledger file to check what the code under test stored, as test/e2e does.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scannedRoots = ['main', 'shared', 'renderer', 'preload'];
const sourceExtensions = /\.(?:ts|tsx|cts|mts)$/;
const skippedDirectories = new Set(['node_modules', 'dist']);

type Layer =
  'config' | 'ledger' | 'secrets' | 'gateway' | 'connect' | 'control' | 'boot' | 'cli' | 'app' | 'shared' | 'renderer' | 'preload' | 'test' | 'elsewhere';

const everything: readonly Layer[] = ['config', 'ledger', 'secrets', 'gateway', 'connect', 'control', 'boot', 'cli', 'app', 'shared', 'preload'];

/** Each layer's allowed imports besides itself. */
const allowed: Readonly<Record<Layer, readonly Layer[]>> = {
  config: ['shared'],
  ledger: ['config', 'shared'],
  secrets: ['config', 'ledger', 'shared'],
  gateway: ['config', 'ledger', 'secrets', 'shared'],
  // connect/ writes tools' config files; control/ serves connect.* calls through it, never the reverse
  connect: ['config', 'ledger', 'secrets', 'gateway', 'shared'],
  control: ['config', 'ledger', 'secrets', 'gateway', 'connect', 'shared'],
  boot: ['config', 'ledger', 'secrets', 'gateway', 'connect', 'control', 'shared'],
  cli: ['config', 'ledger', 'secrets', 'gateway', 'connect', 'control', 'boot', 'shared'],
  app: [...everything, 'elsewhere'],
  shared: [],
  renderer: ['shared'],
  preload: ['shared'],
  test: [],
  elsewhere: [],
};

/** The layer of a repository-relative path (forward slashes, extension included). */
function layerOf(file: string): Layer {
  const [top, second] = file.split('/');
  if (top === 'main') {
    if (second === 'version.ts') return 'config'; // reads package.json, imports nothing of ours
    if (second === 'boot.ts' || second === 'metering-setup.ts') return 'boot';
    if (second === 'config' || second === 'ledger' || second === 'secrets' || second === 'gateway') return second;
    if (second === 'connect' || second === 'control' || second === 'cli' || second === 'app') return second;
    return 'elsewhere';
  }
  if (top === 'shared' || top === 'renderer' || top === 'preload' || top === 'test') return top;
  return 'elsewhere';
}

function isTestFile(file: string): boolean {
  return /\.test\.tsx?$/.test(file) || file.includes('/test-support/');
}

/** `x.js` in a specifier names `x.ts` (or .tsx) on disk; a folder's index is not used in this tree. */
function importedFile(from: string, specifier: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(from), specifier));
  return joined
    .replace(/\.js$/, '.ts')
    .replace(/\.jsx$/, '.tsx')
    .replace(/\.cjs$/, '.cts')
    .replace(/\.mjs$/, '.mts');
}

/** A call that runs SQL on a better-sqlite3 connection: prepare (typed or not), pragma, or exec of a literal. */
const sqlCall = /\.(?:prepare\s*[<(]|pragma\s*\(|exec\s*\(\s*['"`])/;

/** Where SQL may be written: the ledger's folder, and tests (which may look into the ledger file). */
function mayHoldSql(file: string): boolean {
  return file.startsWith('main/ledger/') || isTestFile(file);
}

/** The 1-based lines of `text` that run SQL. */
function sqlLines(text: string): number[] {
  return text.split('\n').flatMap((line, index) => (sqlCall.test(line) ? [index + 1] : []));
}

interface LayerViolation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly imported: string;
}

/** Every import in one file that its layer may not make. `file` is repository-relative with forward slashes. */
function layerViolations(file: string, text: string): LayerViolation[] {
  const from = layerOf(file);
  const violations: LayerViolation[] = [];
  for (const reference of ts.preProcessFile(text, true, true).importedFiles) {
    const specifier = reference.fileName;
    if (!specifier.startsWith('.')) continue; // packages: electron and node:* are electron-boundary.test.ts's
    const imported = importedFile(file, specifier);
    const to = layerOf(imported);
    if (to === from) continue;
    if (allowed[from].includes(to)) continue;
    if (to === 'test' && isTestFile(file)) continue;
    violations.push({ file, line: text.slice(0, reference.pos).split('\n').length, specifier, imported });
  }
  return violations;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return skippedDirectories.has(entry.name) ? [] : sourceFiles(path);
    return entry.isFile() && sourceExtensions.test(entry.name) ? [path] : [];
  });
}

function repositoryFiles(): string[] {
  return scannedRoots.flatMap((root) => sourceFiles(join(repository, root))).map((path) => relative(repository, path).split(sep).join('/'));
}

describe('the layer rule', () => {
  it.each([
    ['config importing the gateway', 'main/config/load.ts', "import { x } from '../gateway/routing/backoff.js';"],
    ['the ledger importing control, type-only', 'main/ledger/ledger.ts', "import type { X } from '../control/context.js';"],
    ['the gateway importing the app through import()', 'main/gateway/gateway.ts', "const m = await import('../app/hardening.js');"],
    ['control importing the cli', 'main/control/service.ts', "export { x } from '../cli/main.js';"],
    ['connect importing control', 'main/connect/connector.ts', "import { x } from '../control/config-editor.js';"],
    ['secrets importing the gateway, type-only', 'main/secrets/key-resolver.ts', "import type { X } from '../gateway/providers/errors.js';"],
    ['shared importing main/', 'shared/redact.ts', "import { x } from '../main/config/load.js';"],
    ['the renderer importing main/', 'renderer/src/app/stores.tsx', "import { x } from '../../../main/ledger/index.js';"],
    ['a non-test file importing test/', 'main/gateway/http/auth.ts', "import { x } from '../../../test/fakes/openai-fake.js';"],
  ])('finds %s', (_name, file, source) => {
    expect(layerViolations(file, source)).toHaveLength(1);
  });

  it.each([
    ['config importing shared', 'main/config/load.ts', "import { x } from '../../shared/redact.js';"],
    [
      'the gateway importing the ledger and config',
      'main/gateway/metering.ts',
      "import { a } from '../ledger/index.js';\nimport { b } from '../config/load.js';",
    ],
    ['the cli importing boot through import()', 'main/cli/main.ts', "const m = await import('../boot.js');"],
    ['the app importing anything', 'main/app/electron-main.ts', "import { a } from '../cli/main.js';"],
    ['a test importing a fake', 'main/gateway/http/auth.test.ts', "import { x } from '../../../test/fakes/openai-fake.js';"],
    ['control importing connect', 'main/control/connect.ts', "import { x } from '../connect/connector.js';"],
    ['a package', 'main/config/load.ts', "import { z } from 'zod';"],
  ])('allows %s', (_name, file, source) => {
    expect(layerViolations(file, source)).toEqual([]);
  });
});

describe('the SQL rule', () => {
  it.each([
    ['a typed prepare', "const row = database.prepare<[string], Row>('SELECT * FROM t WHERE k = ?').get(key);"],
    ['a prepare over two lines', 'database\n  .prepare(\n    `DELETE FROM t`,\n  )\n  .run();'],
    ['a pragma', "database.pragma('journal_mode = WAL');"],
    ['an exec of a literal', 'database.exec(`CREATE TABLE t (k TEXT)`);'],
  ])('finds %s', (_name, source) => {
    expect(sqlLines(source)).toHaveLength(1);
  });

  it.each([
    ['a regular expression exec', 'const match = /^v(\\d+)$/.exec(version);'],
    ['a call into a ledger module', 'return readSetting(database, key) === "true";'],
  ])('allows %s', (_name, source) => {
    expect(sqlLines(source)).toEqual([]);
  });

  it('lets main/ledger/ and tests hold SQL and nothing else', () => {
    expect(mayHoldSql('main/ledger/playground-tables.ts')).toBe(true);
    expect(mayHoldSql('main/ledger/postgres/client.ts')).toBe(true);
    expect(mayHoldSql('main/gateway/dialects/openai/responses/stored.test.ts')).toBe(true);
    expect(mayHoldSql('main/control/playground-store.ts')).toBe(false);
    expect(mayHoldSql('main/secrets/client-token-store.ts')).toBe(false);
  });
});

describe('the repository', () => {
  const files = repositoryFiles();

  it('scans the folders it names', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('main/config/load.ts');
    expect(files).toContain('main/cli/main.ts');
  });

  it('places every file under main/ in a layer', () => {
    expect(files.filter((file) => layerOf(file) === 'elsewhere')).toEqual([]);
  });

  it('imports only in the allowed direction', () => {
    const violations = files.flatMap((file) => layerViolations(file, readFileSync(join(repository, file), 'utf8')));
    const listed = violations.map(
      (violation) => `${violation.file}:${violation.line} imports '${violation.specifier}' (${layerOf(violation.file)} → ${layerOf(violation.imported)})`,
    );
    expect(listed, 'imports against the layer rule (test/unit/layers.test.ts says which folder may import which)').toEqual([]);
  });

  it('writes SQL only under main/ledger/', () => {
    const offenders = files
      .filter((file) => !mayHoldSql(file))
      .flatMap((file) => sqlLines(readFileSync(join(repository, file), 'utf8')).map((line) => `${file}:${line}`));
    expect(offenders, 'SQL outside main/ledger/: move it into a ledger module and call that').toEqual([]);
  });
});
