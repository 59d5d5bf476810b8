#!/usr/bin/env node
// Bundles the headless CLI (main/cli/main.ts) into dist/cli/ with rolldown, the bundler vite already builds the
// renderer with (issue 20). Loading ~290 compiled modules one by one cost `serve` most of its start-up time; the
// bundle is a few dozen files. Each `import()` stays a chunk of its own, so `--version` still loads almost nothing
// and a dialect, the control service or undici still load on first use. The desktop app keeps tsc's dist/main/.
//
//   dist/cli/switchyard.js          the entry (bin/switchyard.js runs it): installs the code cache, then loads main.js
//   dist/cli/main.js                the CLI (main/cli/main.ts)
//   dist/cli/.code-cache/           V8's cached code of the chunks when the per-user cache directory cannot be written
//                                   (main/cli/code-cache.ts: it normally lives in ~/.cache/switchyard/code-cache/)
//   dist/cli/ledger-write-worker.js the ledger's writer thread (main/ledger/writer-thread.ts finds it beside itself)
//   dist/cli/<name>.js              chunks, named without hashes: a rebuild overwrites them in place, as tsc does,
//                                   so a `serve` already running on the old build still finds the files it lazily loads
//
// Left outside the bundle, loaded from node_modules: the native addons' packages (better-sqlite3, @napi-rs/keyring;
// required, see requireNative below), what only team mode or telemetry loads (pg, ioredis, @opentelemetry/*),
// gpt-tokenizer (its tables are large and electron-builder.yml trims them by path), and jsonc-parser (its UMD build
// requires its own files at run time, which a bundle cannot follow; only `connect` loads it).
//
//   node scripts/bundle-cli.mjs        (npm run build:main runs it after tsc; it reads the TypeScript sources)
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, RolldownMagicString } from 'rolldown';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'cli');

const requiredPackages = ['better-sqlite3', '@napi-rs/keyring'];
const externalPackages = [...requiredPackages, 'pg', 'ioredis', 'gpt-tokenizer', '@opentelemetry', 'jsonc-parser'];

// The native addons' packages are CommonJS. Imported from an ES module, Node first runs its CommonJS lexer over them
// and the files they re-export to find their export names; required, they skip that: measured ~20 ms less CPU before
// `serve` is ready, and ~4 MiB less at rest. Each becomes a module that requires the package at run time (from
// node_modules, not bundled) and exports what the package exports, so `import Database from 'better-sqlite3'` and
// `await import('@napi-rs/keyring')` in the sources read the same. A package that cannot be required here (no build
// of the addon for this machine) stays a plain import, failing at run time as it did before.
const exportNames = new Map();
for (const name of requiredPackages) {
  try {
    const exported = Object.keys(createRequire(join(root, 'package.json'))(name));
    exportNames.set(
      name,
      exported.filter((key) => key !== 'default' && /^[A-Za-z_$][\w$]*$/.test(key)),
    );
  } catch (error) {
    console.error(`bundle-cli: ${name} cannot be required here (${String(error).split('\n')[0]}): imported as it is`);
  }
}
/** the packages requireNative turns into requires are resolved by it, the rest of externalPackages by Node */
const isExternal = (id) => !exportNames.has(id) && (id.startsWith('node:') || externalPackages.some((name) => id === name || id.startsWith(`${name}/`)));
const requireNative = {
  name: 'require-native-addons',
  resolveId(id) {
    return exportNames.has(id) ? `\0required:${id}` : null;
  },
  load(id) {
    if (!id.startsWith('\0required:')) return null;
    const name = id.slice('\0required:'.length);
    const names = exportNames.get(name);
    return [
      "import { createRequire } from 'node:module';",
      `const required = createRequire(import.meta.url)(${JSON.stringify(name)});`,
      'export default required;',
      ...(names.length > 0 ? [`export const { ${names.join(', ')} } = required;`] : []),
    ].join('\n');
  },
};

// A chunk compiled from V8's code cache (main/cli/code-cache.ts: vm.Script with cachedData) cannot run import() on
// Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING; only --experimental-vm-modules lifts it). The external ES module
// packages a chunk imports (gpt-tokenizer, pg, ioredis, @opentelemetry/*) are therefore imported by the entry, which
// Node compiles itself: `import("pg")` in a chunk becomes `require("./switchyard.js").importExternal("pg")`.
const externalImport = /\bimport\(("(?:[^"\\\n]|\\.)*")\)/g;
const importExternals = {
  name: 'import-externals-through-entry',
  renderChunk(code, chunk) {
    if (chunk.name === 'switchyard') return null;
    const edited = new RolldownMagicString(code);
    let changed = false;
    for (const match of code.matchAll(externalImport)) {
      if (!isExternal(JSON.parse(match[1]))) continue;
      edited.overwrite(match.index, match.index + match[0].length, `require("./switchyard.js").importExternal(${match[1]})`);
      changed = true;
    }
    if (!changed) return null;
    const { version, sources, sourcesContent, names, mappings } = edited.generateMap({ hires: true });
    return { code: edited.toString(), map: { version, sources, sourcesContent, names, mappings } };
  },
};

const started = performance.now();
const { output } = await build({
  cwd: root,
  input: {
    switchyard: join(root, 'main/cli/bundle-entry.ts'),
    // an entry of its own, so that rolldown's helpers go to a shared chunk rather than into the small first entry
    main: join(root, 'main/cli/main.ts'),
    'ledger-write-worker': join(root, 'main/ledger/ledger-write-worker.ts'),
  },
  platform: 'node',
  tsconfig: join(root, 'tsconfig.main.json'),
  external: isExternal,
  plugins: [requireNative, importExternals],
  logLevel: 'warn',
  output: {
    dir: outDir,
    // CommonJS, for the code cache main/cli/bundle-entry.ts installs (Node 20 has none for ES modules; README)
    format: 'cjs',
    entryFileNames: '[name].js',
    chunkFileNames: '[name].js',
    sourcemap: true,
    // V8 keeps each loaded file's source text in the heap, and one character above U+00FF anywhere in a file (a
    // curly quote in one of undici's JSDoc comments, a zod locale's text) stores the whole file at two bytes per
    // character: undici's chunk took 1.9 MiB instead of 0.9. Non-ASCII is escaped and JSDoc comments are dropped
    // (licence comments stay): `serve` holds 2.3 MiB less at rest (issue 20).
    charset: 'ascii',
    comments: { legal: true, annotation: true, jsdoc: false },
  },
});
// The chunks are CommonJS (see the output format above): a package.json beside them says so to Node, whatever the
// package around them declares.
writeFileSync(join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
// Files an earlier build wrote and this one did not (a chunk that was merged or renamed), and the code cache of the
// last build's chunks (main/cli/code-cache.ts; a rebuilt chunk's cache has another name anyway).
const written = new Set([...output.map((file) => file.fileName).flatMap((name) => [name, `${name}.map`]), 'package.json']);
for (const name of existsSync(outDir) ? readdirSync(outDir) : []) if (!written.has(name)) rmSync(join(outDir, name), { force: true, recursive: true });
const chunks = output.filter((file) => file.type === 'chunk').length;
console.error(`bundle-cli: dist/cli/ (${chunks} files) in ${Math.round(performance.now() - started)} ms`);
