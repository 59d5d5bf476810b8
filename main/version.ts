// Switchyard's version, from the package.json above this file (the same lookup from main/ under the test runner
// and from dist/main/ when built or packaged).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function switchyardVersion(): string {
  if (cached !== undefined) return cached;
  let directory = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === 'switchyard' && typeof manifest.version === 'string') return (cached = manifest.version);
    } catch {
      // not here; look one level up
    }
    directory = dirname(directory);
  }
  return (cached = 'unknown');
}
