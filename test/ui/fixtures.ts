// One `switchyard serve` per worker, with a fake OpenAI-compatible upstream (which demands its own API key, so a
// missing or wrong key shows) and a fake Ollama; plus helpers to open the UI signed in and to save screenshots.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import OpenAI from 'openai';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

/** The key the fake upstream demands; the UI must never show more than its last four characters. */
export const upstreamKey = 'sk-ui-test-upstream-key-7f3e9c21b4d8';
/** The provider the tests add through the UI, and its price (USD per million tokens, from the config). */
export const providerId = 'fakeai';
export const model = 'gpt-4o-mini';
/** Every answer: 10,000 prompt + 5,000 completion tokens at $1 / $2 per million = exactly $0.02. */
export const usage = { promptTokens: 10_000, completionTokens: 5_000 };
export const answerCostUsd = 0.02;

export interface Switchyard {
  readonly serve: ServeProcess;
  readonly upstream: FakeOpenAI;
  readonly ollama: OllamaFake;
  readonly adminToken: string;
  /** the openai npm client pointed at the gateway with the client token */
  readonly client: OpenAI;
}

export const test = base.extend<{ problems: string[] }, { switchyard: Switchyard }>({
  switchyard: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
    async ({}, use) => {
      const upstream = await FakeOpenAI.start({ apiKey: upstreamKey, models: [model] });
      upstream.onChat = () => ({ kind: 'reply', usage });
      const ollama = await OllamaFake.start();
      const serve = await startServe({
        // a home of its own: the Connect page reads (and could write) tools' config files under it
        env: { HOME: mkdtempSync(join(tmpdir(), 'sy-ui-home-')) },
        config: {
          providers: [{ id: 'ollama', type: 'ollama', base_url: ollama.baseUrl }],
          routing: { num_retries: 0, auto_offline: false },
          ledger: { price_refresh: false, price_overrides: { [`${providerId}/${model}`]: { input: 1, output: 2 } } },
        },
      });
      const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
      const client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0 });
      try {
        await use({ serve, upstream, ollama, adminToken, client });
      } finally {
        await serve.stop();
        await upstream.close();
        await ollama.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
  // Console errors, CSP violations and uncaught exceptions in the page: each test ends by expecting none.
  // (A 401 is how the page learns it has no session, so Chromium's note about it is expected.)
  problems: [
    async ({ page }, use) => {
      const problems: string[] = [];
      page.on('console', (message) => {
        const text = message.text();
        if (/status of 401/.test(text)) return;
        if (message.type() === 'error' || /Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
      });
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await use(problems);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * A sign-in link as `switchyard ui` makes it: a single-use nonce minted with the admin token (in a header), in the
 * fragment. The spec that tests sign-in runs the real CLI; the others save a process start per test.
 */
export async function signInLink(serve: ServeProcess, adminToken: string): Promise<string> {
  const response = await fetch(`${serve.url}/_switchyard/api/session.link`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` } });
  if (!response.ok) throw new Error(`session.link: HTTP ${response.status} ${await response.text()}`);
  const { nonce } = (await response.json()) as { nonce: string };
  return `${serve.url}/_switchyard/#signin=${nonce}`;
}

/** Opens the UI the way `switchyard ui` does: a sign-in nonce in the fragment, traded once for a cookie. */
export async function openSignedIn(page: Page, switchyard: Switchyard, route = ''): Promise<void> {
  await page.goto(await signInLink(switchyard.serve, switchyard.adminToken));
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  if (route !== '') await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: route, exact: true }).click();
}

const docsDir = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * Screenshots of the current page in light and dark, kept with the test's results; with
 * SWITCHYARD_UPDATE_SCREENSHOTS=1 the named ones are also copied to docs/screenshots for the README.
 */
export async function screenshots(page: Page, testInfo: TestInfo, name: string, options: { readonly docs?: 'light' | 'dark' | 'both' } = {}): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // from the top, so the sticky sidebar sits where a person sees it
    await page.evaluate('window.scrollTo(0, 0)');
    const path = testInfo.outputPath(`${name}-${scheme}.png`);
    await page.screenshot({ path, fullPage: true, animations: 'disabled' });
    if ((options.docs === 'both' || options.docs === scheme) && process.env['SWITCHYARD_UPDATE_SCREENSHOTS'] === '1') {
      mkdirSync(docsDir, { recursive: true });
      copyFileSync(path, join(docsDir, `${name}-${scheme}.png`));
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Sends one chat completion through the gateway; returns what it says about who answered and the cost. */
export async function chat(switchyard: Switchyard, requested: string): Promise<{ provider: string | null; costUsd: number; tokens: number }> {
  const { data, response } = await switchyard.client.chat.completions
    .create({ model: requested, messages: [{ role: 'user', content: 'Hello from the UI test' }] })
    .withResponse();
  return {
    provider: response.headers.get('x-switchyard-provider'),
    costUsd: Number(response.headers.get('x-switchyard-cost-usd') ?? 'NaN'),
    tokens: data.usage?.total_tokens ?? 0,
  };
}
