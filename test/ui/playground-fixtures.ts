// The playground's own `switchyard serve`, apart from the other UI tests' (whose dashboard counts must not see the
// playground's traffic): two fake OpenAI-compatible upstreams as two cloud providers, each demanding its own key,
// with prices from the config so every answer's cost is exact.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import OpenAI from 'openai';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { test as base, signInLink } from './fixtures.js';

export const alphaModel = 'alpha/gpt-4o-mini';
export const betaModel = 'beta/gpt-4.1';
/** Each answer: 1,000 prompt + 500 completion tokens; alpha at $1/$2 per million = $0.002, beta at $3/$6 = $0.006. */
export const answerUsage = { promptTokens: 1_000, completionTokens: 500 };
export const alphaCostUsd = 0.002;
export const betaCostUsd = 0.006;

export interface PlaygroundYard {
  readonly serve: ServeProcess;
  readonly alpha: FakeOpenAI;
  readonly beta: FakeOpenAI;
  readonly adminToken: string;
  /** the openai npm client with the default client token */
  readonly client: OpenAI;
}

export const test = base.extend<Record<never, never>, { yard: PlaygroundYard }>({
  yard: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
    async ({}, use) => {
      const alpha = await FakeOpenAI.start({ apiKey: 'sk-alpha-upstream-key-0001', models: ['gpt-4o-mini'] });
      const beta = await FakeOpenAI.start({ apiKey: 'sk-beta-upstream-key-0002', models: ['gpt-4.1'] });
      const serve = await startServe({
        config: {
          providers: [
            { id: 'alpha', type: 'openai-compatible', base_url: alpha.baseUrl, api_key_env: 'ALPHA_KEY', locality: 'cloud', models: ['gpt-4o-mini'] },
            { id: 'beta', type: 'openai-compatible', base_url: beta.baseUrl, api_key_env: 'BETA_KEY', locality: 'cloud', models: ['gpt-4.1'] },
          ],
          routing: { num_retries: 0, auto_offline: false },
          ledger: { price_refresh: false, price_overrides: { [alphaModel]: { input: 1, output: 2 }, [betaModel]: { input: 3, output: 6 } } },
        },
        env: { ALPHA_KEY: 'sk-alpha-upstream-key-0001', BETA_KEY: 'sk-beta-upstream-key-0002' },
      });
      const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
      try {
        await use({ serve, alpha, beta, adminToken, client: new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0 }) });
      } finally {
        await serve.stop();
        await alpha.close();
        await beta.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
});

export { expect };

export async function openPlayground(page: Page, yard: PlaygroundYard): Promise<void> {
  await page.goto(await signInLink(yard.serve, yard.adminToken));
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Playground', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Playground' })).toBeVisible();
}

/** A control call with the admin token, from the test (what the ledger says about the playground's requests). */
export async function control<T>(yard: PlaygroundYard, call: string, body: unknown): Promise<T> {
  const response = await fetch(`${yard.serve.url}/_switchyard/api/${call}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${yard.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${call}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}
