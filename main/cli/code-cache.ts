// A V8 code cache for the bundled CLI's chunks (issue 20). Node 20 compiles every loaded file from source at each
// launch and has no compile cache for ES modules (module.enableCompileCache is Node 22); measured, compiling the
// chunks `serve` loads before it answers /health was 30-40 ms of its ~180 ms. The bundle is therefore CommonJS and
// each of its chunks is compiled through vm.Script with the cached data of an earlier launch: V8 then deserializes
// the code, including the functions that launch compiled lazily, instead of parsing and compiling it again.
//
// Where: a per-user cache directory (XDG_CACHE_HOME or ~/.cache, ~/Library/Caches, %LOCALAPPDATA%), under
// switchyard/code-cache/<node version>-<hash of the bundle's directory, Node, V8 and the architecture>, as a global
// npm install owned by root cannot write beside the bundle; beside the bundle (dist/cli/.code-cache/) when there is
// no such directory or it cannot be written; else no cache. A file per chunk, named by the chunk's size and mtime so a
// rebuilt chunk never meets the code of the old one (V8 itself only checks the source's length, its own version and
// its flags); writing a chunk's cache removes that chunk's older ones.
//
// Integrity: V8 accepts cached data with a flipped byte in its payload (it checks a header, not the bytes), so each
// file starts with a header of our own, a magic, the data's length and a checksum of the data (FNV-1a over 32-bit
// words, ~1 ms per MB in JS; serve's cache is ~0.7 MB). Any problem (no cache yet, a bad header or checksum, a cache
// V8 rejects: another Node or other flags, an unwritable directory) falls back to compiling from source, never to an
// error; a chunk without an accepted cache gets a new one at exit (then it also holds the functions that run compiled
// lazily), written to a temporary file renamed into place, so concurrent launches never read a half-written cache. A
// process killed with SIGKILL writes none; the next one does.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, sep } from 'node:path';
import { Script } from 'node:vm';

/** One chunk compiled with (or without) cached data: `wrapper` is CommonJS's module wrapper function. */
export interface CompiledChunk {
  readonly wrapper: (...args: unknown[]) => unknown;
  readonly script: Script;
  /** the chunk's file */
  readonly filename: string;
  /** the cache file's name (in whichever cache directory) */
  readonly cacheName: string;
  /**
   * 'accepted': V8 used the cache; 'missing': there was none (or it could not be read); 'corrupt': our header or
   * checksum did not match; 'rejected': V8 refused it
   */
  readonly cache: 'accepted' | 'missing' | 'corrupt' | 'rejected';
}

/** magic, data length, checksum, reserved: 16 bytes, so the data stays 8-byte aligned for V8 */
const headerBytes = 16;
const magic = 0x31435953; // "SYC1" little-endian

/** FNV-1a over the data's 32-bit words (then its last bytes): cheap in JS, and any flipped byte changes it. */
export function checksum(data: Uint8Array): number {
  const bytes = data.byteOffset % 4 === 0 ? data : new Uint8Array(data); // a copy starts at offset 0
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ (words[i] ?? 0), 0x01000193);
  for (let i = words.length * 4; i < bytes.length; i++) hash = Math.imul(hash ^ (bytes[i] ?? 0), 0x01000193);
  return hash >>> 0;
}

/** A cache file's contents: our header, then V8's cached data. */
export function encodeCache(data: Buffer): Buffer {
  const header = Buffer.alloc(headerBytes);
  header.writeUInt32LE(magic, 0);
  header.writeUInt32LE(data.length, 4);
  header.writeUInt32LE(checksum(data), 8);
  return Buffer.concat([header, data]);
}

/** V8's cached data in a cache file, or undefined when the header, the length or the checksum does not match. */
export function decodeCache(file: Buffer): Buffer | undefined {
  if (file.length < headerBytes || file.readUInt32LE(0) !== magic) return undefined;
  const data = file.subarray(headerBytes);
  if (file.readUInt32LE(4) !== data.length || file.readUInt32LE(8) !== checksum(data)) return undefined;
  return data;
}

/** The checksum of a string's UTF-8 bytes, as 8 hex digits (a directory name, not a security boundary). */
function hashText(text: string): string {
  return checksum(Buffer.from(text, 'utf8')).toString(16).padStart(8, '0');
}

/**
 * The per-user cache directory for the bundle in `bundleDir`, or undefined when the platform's base directory is not
 * known. Each bundle directory, Node and architecture has its own, so two installs or Nodes never share files.
 */
export function userCacheDir(
  bundleDir: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: () => string = homedir,
): string | undefined {
  let base: string | undefined;
  try {
    const xdg = env['XDG_CACHE_HOME'];
    const localAppData = env['LOCALAPPDATA'];
    if (platform === 'win32') base = localAppData && isAbsolute(localAppData) ? localAppData : join(home(), 'AppData', 'Local');
    else if (platform === 'darwin') base = join(home(), 'Library', 'Caches');
    else base = xdg && isAbsolute(xdg) ? xdg : join(home(), '.cache');
  } catch {
    return undefined; // no home directory (os.homedir throws): the bundle's own directory, or no cache
  }
  if (!base || !isAbsolute(base)) return undefined;
  const build = [bundleDir, process.version, process.versions.v8, process.arch].join('\0');
  return join(base, 'switchyard', 'code-cache', `${process.version}-${hashText(build)}`);
}

/** The cache directories to try, in order: the per-user one, then beside the bundle. */
export function cacheDirsFor(bundleDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const user = userCacheDir(bundleDir, env);
  return [...(user ? [user] : []), join(bundleDir, '.code-cache')];
}

/** The cache file name of `filename`: a rebuilt chunk (other size or mtime) has another name. */
export function cacheNameFor(filename: string): string {
  const { size, mtimeMs } = statSync(filename);
  return `${basename(filename)}-${size}-${Math.trunc(mtimeMs)}.v8`;
}

/** The first cache file of `name` found in `cacheDirs`, or undefined. */
function readCache(name: string, cacheDirs: readonly string[]): Buffer | undefined {
  for (const dir of cacheDirs) {
    try {
      return readFileSync(join(dir, name));
    } catch {
      // not there (or unreadable): the next directory
    }
  }
  return undefined;
}

/** Compiles a CommonJS module's source through vm.Script, with the cached data in cacheDirs when there is one. */
export function compileChunk(source: string, filename: string, cacheDirs: readonly string[]): CompiledChunk {
  const cacheName = cacheNameFor(filename);
  const file = readCache(cacheName, cacheDirs);
  const cachedData = file === undefined ? undefined : decodeCache(file);
  // a shebang is only allowed at the very start of a script; inside the wrapper it must become a comment
  const body = source.startsWith('#!') ? `//${source}` : source;
  const script = new Script(Module.wrap(body), {
    filename,
    ...(cachedData ? { cachedData } : {}),
  });
  const wrapper = script.runInThisContext({ displayErrors: true }) as CompiledChunk['wrapper'];
  const cache = file === undefined ? 'missing' : cachedData === undefined ? 'corrupt' : script.cachedDataRejected === true ? 'rejected' : 'accepted';
  return { wrapper, script, filename, cacheName, cache };
}

/**
 * Writes chunks' code caches (what V8 has compiled of them so far) into the first of `cacheDirs` that can be written,
 * each through a temporary file renamed into place, and removes those chunks' older caches there. Returns the
 * directory written, or undefined when none could be. Never throws.
 */
export function writeChunkCaches(
  chunks: readonly Pick<CompiledChunk, 'script' | 'filename' | 'cacheName'>[],
  cacheDirs: readonly string[],
): string | undefined {
  if (chunks.length === 0) return undefined;
  for (const dir of cacheDirs) {
    try {
      mkdirSync(dir, { recursive: true });
      for (const chunk of chunks) {
        const temporary = join(dir, `${chunk.cacheName}.${process.pid}.tmp`);
        writeFileSync(temporary, encodeCache(chunk.script.createCachedData()));
        renameSync(temporary, join(dir, chunk.cacheName));
      }
    } catch {
      continue; // a read-only install, a full disk: the next directory, or no cache
    }
    removeOlderCaches(dir, chunks);
    return dir;
  }
  return undefined;
}

/** Removes the caches of earlier builds of `chunks` in `dir` (a rebuilt chunk's cache has another name). */
function removeOlderCaches(dir: string, chunks: readonly Pick<CompiledChunk, 'filename' | 'cacheName'>[]): void {
  try {
    const current = new Map(chunks.map((chunk) => [basename(chunk.filename), chunk.cacheName]));
    for (const name of readdirSync(dir)) {
      const match = /^(.+)-\d+-\d+\.v8$/.exec(name);
      const kept = match ? current.get(match[1] ?? '') : undefined;
      if (kept !== undefined && kept !== name) rmSync(join(dir, name), { force: true });
    }
  } catch {
    // another launch removed them first, or the directory went away: nothing to do
  }
}

/** What Module.prototype._compile is called on: the parts of a CommonJS module a chunk's wrapper needs. */
interface LoadingModule {
  exports: unknown;
  require(id: string): unknown;
}
interface ModuleInternals {
  prototype: { _compile(this: LoadingModule, content: string, filename: string): unknown };
  _resolveFilename(request: string, parent: LoadingModule, isMain: boolean, options?: { paths?: string[] }): string;
  _cache: Record<string, unknown>;
}

/**
 * Compiles every CommonJS file under `bundleDir` (the bundle's chunks) with a code cache in the first usable of
 * `cacheDirs`; other files (node_modules) load as usual. The bundle's entry calls it before it loads anything else.
 */
export function installCodeCache(bundleDir: string, cacheDirs: readonly string[] = cacheDirsFor(bundleDir)): void {
  const internals = Module as unknown as ModuleInternals;
  const nodeCompile = internals.prototype._compile;
  const prefix = bundleDir.endsWith(sep) ? bundleDir : `${bundleDir}${sep}`;
  const unsaved: CompiledChunk[] = [];
  internals.prototype._compile = function compile(this: LoadingModule, content: string, filename: string): unknown {
    if (!filename.startsWith(prefix)) return nodeCompile.call(this, content, filename);
    let chunk: CompiledChunk;
    try {
      chunk = compileChunk(content, filename, cacheDirs);
    } catch (error) {
      if (error instanceof SyntaxError) throw error; // the source itself is broken: Node would say the same
      return nodeCompile.call(this, content, filename); // e.g. the chunk cannot be stat'ed: no cache, as before
    }
    if (chunk.cache !== 'accepted') unsaved.push(chunk);
    return runChunk(chunk, this, filename, internals);
  };
  // At exit only (a `serve` stopped by a signal exits through process.exit too): creating the cache of a large chunk
  // blocks the thread for milliseconds, and while `serve` runs that would hold requests and the ledger's rows (a
  // save 3 s after start made the SIGKILL crash test lose rows that had finished 250 ms before the kill).
  process.once('exit', () => void writeChunkCaches(unsaved.splice(0), cacheDirs));
}

/** Runs a chunk's wrapper as CommonJS would, with the `require` its code uses (require, .resolve, .main, .cache). */
function runChunk(chunk: CompiledChunk, module: LoadingModule, filename: string, internals: ModuleInternals): unknown {
  const require = Object.assign((id: string) => module.require(id), {
    resolve: (request: string, options?: { paths?: string[] }) => internals._resolveFilename(request, module, false, options),
    main: (process as { mainModule?: unknown }).mainModule,
    cache: internals._cache,
  });
  return chunk.wrapper.call(module.exports, module.exports, require, module, filename, dirname(filename));
}
