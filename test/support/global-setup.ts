// e2e tests run the built CLI as a real process; build it once before they start (tsc is incremental; the bundle
// takes a second or two).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.main.json'], { cwd: root, stdio: 'inherit' });
  // the bundled CLI (dist/cli/), which `serve` and the other verbs run as installed (bin/switchyard.js)
  execFileSync(process.execPath, ['scripts/bundle-cli.mjs'], { cwd: root, stdio: 'inherit' });
}
