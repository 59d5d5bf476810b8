// Browser tests of the UI (test/ui): Debian's Chromium, headless, against a real `switchyard serve` with fake
// upstreams. Never downloads a browser. Run `npm run -s build` first: the gateway serves dist/renderer.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/ui',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // one `switchyard serve` per worker, and the specs build on each other's state
  workers: 1,
  fullyParallel: false,
  forbidOnly: process.env['CI'] !== undefined,
  reporter: [['list']],
  globalSetup: './test/ui/global-setup.ts',
  use: {
    headless: true,
    viewport: { width: 1360, height: 900 },
    locale: 'en-US',
    launchOptions: {
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
