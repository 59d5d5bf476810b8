// The UI tests run the built app: say so plainly when the build is missing instead of failing on a blank page.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function globalSetup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  for (const built of ['dist/cli/switchyard.js', 'dist/renderer/index.html']) {
    if (!existsSync(`${root}/${built}`)) throw new Error(`${built} is missing: run \`npm run -s build\` before \`npx playwright test\``);
  }
}
