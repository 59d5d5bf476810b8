// The first-run path in Chromium against a real `switchyard serve` on a fresh config (no providers): two local
// servers found on the ports discovery is pointed at (a fake Ollama and a fake OpenAI-compatible server standing in
// for LM Studio), LM Studio added in one click, Claude Code connected — its settings file written after the diff,
// the user's own settings kept and the old file backed up — and checked with one real request that LM Studio's
// fake answers; then the dashboard, and the screen does not come back.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { screenshots, signInLink } from './fixtures.js';

interface FreshYard {
  readonly serve: ServeProcess;
  readonly lmstudio: FakeOpenAI;
  readonly home: string;
  readonly adminToken: string;
}

/** What the user had in Claude Code's settings before: it must survive the write. */
const userSettings = { theme: 'dark', permissions: { allow: ['Bash(npm test)'] }, env: { DISABLE_TELEMETRY: '1' } };

const test = base.extend<{ problems: string[] }, { yard: FreshYard }>({
  yard: [
    // eslint-disable-next-line no-empty-pattern -- Playwright fixtures take their dependencies as the first argument
    async ({}, use) => {
      const lmstudio = await FakeOpenAI.start({ models: ['qwen2.5-7b-instruct'] });
      lmstudio.onChat = () => ({ kind: 'reply', content: 'Hello from the fake LM Studio.', usage: { promptTokens: 12, completionTokens: 7 } });
      const ollama = await OllamaFake.start();
      const home = mkdtempSync(join(tmpdir(), 'sy-first-run-home-'));
      mkdirSync(join(home, '.claude'));
      writeFileSync(join(home, '.claude', 'settings.json'), `${JSON.stringify(userSettings, null, 2)}\n`);
      const serve = await startServe({
        config: { providers: [], routing: { num_retries: 0, auto_offline: false }, ledger: { price_refresh: false } },
        env: {
          HOME: home,
          SWITCHYARD_DISCOVERY_PORTS: `ollama=${new URL(ollama.baseUrl).port},lmstudio=${new URL(lmstudio.baseUrl).port}`,
        },
      });
      const adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
      try {
        await use({ serve, lmstudio, home, adminToken });
      } finally {
        await serve.stop();
        await lmstudio.close();
        await ollama.close();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],
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

async function control<T>(yard: FreshYard, call: string): Promise<T> {
  const response = await fetch(`${yard.serve.url}/_switchyard/api/${call}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${yard.adminToken}`, 'content-type': 'application/json' },
    body: '{}',
  });
  if (!response.ok) throw new Error(`${call}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test('first run: found servers → add → connect Claude Code → check → dashboard', async ({ page, yard, problems }) => {
  await page.goto(await signInLink(yard.serve, yard.adminToken));
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Switchyard' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Step 1 of 4: Local model servers' })).toBeVisible();

  // both fakes found on the ports discovery was pointed at, each with its models
  const found = page.getByRole('list', { name: 'Local servers found' });
  const lmstudio = found.getByRole('listitem').filter({ hasText: 'LM Studio' });
  // discovery has one short deadline for all servers (250 ms); on a loaded machine a first try may miss one
  await expect(async () => {
    if (!(await lmstudio.isVisible())) await page.getByRole('button', { name: 'Detect again' }).click();
    await expect(lmstudio).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(lmstudio).toContainText(yard.lmstudio.baseUrl);
  await expect(lmstudio).toContainText('1 model: qwen2.5-7b-instruct');
  await expect(found.getByRole('listitem').filter({ hasText: 'Ollama' }).getByRole('button', { name: 'Add Ollama' })).toBeVisible();
  await lmstudio.getByRole('button', { name: 'Add LM Studio' }).click();
  await expect(lmstudio.getByRole('status')).toContainText('Added as lmstudio');
  await expect(lmstudio.getByText('Added', { exact: true })).toBeVisible();
  await screenshots(page, test.info(), 'first-run', { docs: 'light' });
  const providers = await control<Array<{ id: string; baseUrl: string }>>(yard, 'providers.list');
  expect(providers.map((provider) => [provider.id, provider.baseUrl])).toEqual([['lmstudio', yard.lmstudio.baseUrl]]);

  // no cloud key in this environment: the step says so and is skipped
  await page.getByRole('button', { name: 'Next: Cloud keys' }).click();
  await expect(page.getByText('No provider key is set in the environment')).toBeVisible();
  await page.getByRole('button', { name: 'Next: Connect a tool' }).click();

  // Claude Code, pointed at LM Studio's model through the combobox
  await page.getByRole('radio', { name: /Claude Code/ }).check();
  const panel = page.getByRole('region', { name: 'Claude Code' });
  const model = panel.getByRole('combobox', { name: 'Model Claude Code asks for' });
  await model.click();
  await model.fill('qwen2.5');
  await expect(panel.getByRole('option', { name: 'lmstudio/qwen2.5-7b-instruct' })).toBeVisible();
  await model.press('ArrowDown');
  await model.press('Enter');
  await expect(panel.getByText('Using lmstudio/qwen2.5-7b-instruct.')).toBeVisible();
  const settingsPath = join(yard.home, '.claude', 'settings.json');
  const diff = panel.getByLabel(`Changes to ${settingsPath}`);
  await expect(diff).toContainText(`"ANTHROPIC_BASE_URL": "${yard.serve.url}"`);
  await expect(diff).toContainText('lmstudio/qwen2.5-7b-instruct');
  // before the write: the snippet has no token yet (the docs screenshot shows none)
  await expect(panel.getByTestId('connect-snippet')).not.toContainText('sy-');
  await screenshots(page, test.info(), 'connect-claude-code', { docs: 'dark' });

  await panel.getByRole('button', { name: 'Write config' }).click();
  const confirm = panel.getByRole('group', { name: 'Confirm writing the config' });
  await expect(confirm).toContainText('A backup of each existing file is kept next to it.');
  await confirm.getByRole('button', { name: 'Write it' }).click();
  const written = panel.getByTestId('connect-written');
  await expect(written).toContainText(`Wrote ${settingsPath}; the previous version is in ${settingsPath}.switchyard-backup`);
  await expect(written).toContainText('A client token claude-code was made for Claude Code');
  // nothing left to change: no second write offered
  await expect(panel.getByText('points at this Switchyard already')).toBeVisible();
  await expect(panel.getByRole('button', { name: 'Write config' })).toBeHidden();

  // on disk: the user's settings kept, Switchyard's added, the old file backed up as it was
  const settings = JSON.parse(readFileSync(settingsPath, 'utf8')) as { theme: string; permissions: unknown; env: Record<string, string> };
  expect(settings.theme).toBe('dark');
  expect(settings.permissions).toEqual(userSettings.permissions);
  expect(settings.env).toMatchObject({ DISABLE_TELEMETRY: '1', ANTHROPIC_BASE_URL: yard.serve.url, ANTHROPIC_MODEL: 'lmstudio/qwen2.5-7b-instruct' });
  const backups = readdirSync(join(yard.home, '.claude')).filter((name) => name.startsWith('settings.json.switchyard-backup'));
  expect(backups).toHaveLength(1);
  expect(JSON.parse(readFileSync(join(yard.home, '.claude', backups[0]!), 'utf8'))).toEqual(userSettings);

  // one real request as Claude Code sends it, answered by LM Studio's fake
  const chatsBefore = yard.lmstudio.chatRequests().length;
  await panel.getByRole('button', { name: 'Check Claude Code' }).click();
  const result = panel.getByTestId('check-result');
  await expect(result).toContainText('by lmstudio as qwen2.5-7b-instruct');
  await expect(result).toContainText('Hello from the fake LM Studio.');
  await expect(result).toHaveAttribute('role', 'status');
  await screenshots(page, test.info(), 'connect-claude-code-checked');
  expect(yard.lmstudio.chatRequests().length).toBe(chatsBefore + 1);

  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByRole('heading', { name: 'Step 4 of 4: Done' })).toBeVisible();
  await page.getByRole('button', { name: 'Open the dashboard' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  expect(await control<{ pending: boolean }>(yard, 'firstRun.get')).toEqual({ pending: false });

  // a reload opens the dashboard, not the first-run screen again
  await page.goto(`${yard.serve.url}/_switchyard/`);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  expect(problems).toEqual([]);
});
