// The bundled CLI's entry (dist/cli/switchyard.js, see scripts/bundle-cli.mjs): installs the code cache for the
// bundle's chunks (code-cache.ts), then loads the CLI itself, so that every chunk after this small file is compiled
// with it. SWITCHYARD_CODE_CACHE=off compiles from source (to measure the cache). tsc's build runs main.ts directly.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installCodeCache } from './code-cache.js';

if (process.env['SWITCHYARD_CODE_CACHE'] !== 'off') installCodeCache(dirname(fileURLToPath(import.meta.url)));
void import('./main.js');

/**
 * import() for the bundle's chunks: compiled from a code cache, a chunk cannot run import() on Node 20, so the
 * bundler routes its imports of external ES module packages here (scripts/bundle-cli.mjs). The chunks sit beside
 * this file, so a package resolves as it would from them.
 */
export function importExternal(specifier: string): Promise<unknown> {
  return import(specifier);
}
