// The UI in Chromium against a real `switchyard serve`: add a provider with its key (shown masked only), send
// requests with the openai client and find them on the dashboard (same numbers) and in the logs, create a route and
// see it used, set a budget and see the warning. Every page is screenshotted in light and dark.
import { formatUsd } from '../../renderer/src/format/money.js';
import { formatTokens } from '../../renderer/src/format/numbers.js';
import { runCli } from '../support/serve-process.js';
import type { Page } from '@playwright/test';
import { answerCostUsd, chat, expect, model, openSignedIn, providerId, screenshots, signInLink, test, upstreamKey } from './fixtures.js';

/** The request log's rows (its header row has no cells). */
const requestRows = (page: Page) =>
  page
    .getByRole('table', { name: 'Requests, newest first' })
    .getByRole('row')
    .filter({ has: page.getByRole('cell') });

// The page background of each theme (styles/tokens.css; the same as the window's, main/app/window-options.ts).
const lightBackground = 'rgb(247, 247, 248)';
const darkBackground = 'rgb(22, 23, 26)';

test.describe.configure({ mode: 'serial' });

test.afterEach(({ problems }) => {
  expect(problems, 'console errors, CSP violations or page errors').toEqual([]);
});

test('signs in from the link `switchyard ui` prints, then wipes the nonce from the address bar', async ({ page, switchyard }) => {
  const printed = await runCli(['ui', '--url', switchyard.serve.url, '--data-dir', switchyard.serve.dataDir]);
  const link = printed.stdout.trim();
  expect(link).toMatch(/\/_switchyard\/#signin=[A-Za-z0-9_-]{43}$/);
  expect(link).not.toContain(switchyard.adminToken);
  const nonce = link.slice(link.indexOf('#signin=') + '#signin='.length);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  expect(page.url()).not.toContain('signin=');
  expect(page.url()).not.toContain(nonce);
  // (a string: this file is type-checked without the DOM library)
  const stored = await page.evaluate<string>('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + history.length');
  expect(stored).not.toContain(switchyard.adminToken);
  expect(stored).not.toContain(nonce);
  await expect(page.getByRole('heading', { name: /No requests today/ })).toBeVisible();
  await screenshots(page, test.info(), 'dashboard-empty');

  // the theme switch overrides the system setting, and is remembered (a preference, not a secret)
  const body = page.locator('body');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(body).toHaveCSS('background-color', lightBackground);
  const theme = page.getByRole('group', { name: 'Theme' });
  await theme.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(body).toHaveCSS('background-color', darkBackground);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(body).toHaveCSS('background-color', darkBackground);
  await theme.getByRole('button', { name: 'System' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  // following the system: dark when it says dark, unless the user picks light
  await expect(body).toHaveCSS('background-color', lightBackground);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(body).toHaveCSS('background-color', darkBackground);
  await theme.getByRole('button', { name: 'Light' }).click();
  await expect(body).toHaveCSS('background-color', lightBackground);
  await theme.getByRole('button', { name: 'System' }).click();
  await expect(body).toHaveCSS('background-color', darkBackground);
  await page.emulateMedia({ colorScheme: 'light' });
});

test('without a session the page says how to open it', async ({ page, switchyard }) => {
  await page.goto(`${switchyard.serve.url}/_switchyard/`);
  await expect(page.getByRole('heading', { level: 1, name: /Open Switchyard from switchyard ui/ })).toBeVisible();
  await screenshots(page, test.info(), 'signed-out');
});

test('a sign-in link works once; an old #admin= link signs nobody in and leaves the address bar', async ({ browser, switchyard }) => {
  const link = await signInLink(switchyard.serve, switchyard.adminToken);
  const first = await browser.newContext();
  const second = await browser.newContext();
  try {
    const firstPage = await first.newPage();
    await firstPage.goto(link);
    await expect(firstPage.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
    // the same link in another browser (say, from a screen share) finds it used up
    const secondPage = await second.newPage();
    await secondPage.goto(link);
    await expect(secondPage.getByRole('heading', { level: 1, name: /Open Switchyard from switchyard ui/ })).toBeVisible();
    // a link from before sign-in nonces, holding the admin token itself
    const oldLinkPage = await second.newPage();
    await oldLinkPage.goto(`${switchyard.serve.url}/_switchyard/#admin=${switchyard.adminToken}`);
    await expect(oldLinkPage.getByRole('heading', { level: 1, name: /Open Switchyard from switchyard ui/ })).toBeVisible();
    expect(oldLinkPage.url()).not.toContain('admin=');
    expect(oldLinkPage.url()).not.toContain(switchyard.adminToken);
  } finally {
    await first.close();
    await second.close();
  }
});

test('adds a provider with a key that is shown masked only, and tests it', async ({ page, switchyard }) => {
  await openSignedIn(page, switchyard, 'Providers');
  await page.getByRole('button', { name: 'Add provider' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a provider' });
  await dialog.getByLabel('Custom OpenAI-compatible URL').check();
  await dialog.getByLabel('Base URL').fill(switchyard.upstream.baseUrl);
  await dialog.getByLabel('In the cloud').check();
  await dialog.getByLabel('Name').fill(providerId);
  await dialog.getByLabel(/API key/).fill(upstreamKey);
  await dialog.getByRole('button', { name: 'Add provider' }).click();
  await expect(dialog).toBeHidden();

  const card = page.getByRole('article', { name: new RegExp(` ${providerId}$`) });
  await expect(card.getByTestId('masked-key')).toHaveText(/…b4d8$/);
  expect(await page.content()).not.toContain(upstreamKey.slice(0, -4));

  await card.getByRole('button', { name: 'Test connection' }).click();
  await expect(card.getByTestId('test-result')).toHaveText(/^Connected/);
  await expect(card.getByText('Up', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: 'Show models' }).click();
  await expect(card.getByRole('rowheader', { name: `${providerId}/${model}` })).toBeVisible();
  await screenshots(page, test.info(), 'providers', { docs: 'light' });
});

test('requests sent with the openai client appear on the dashboard and in the logs', async ({ page, switchyard }) => {
  const answers = [];
  for (let index = 0; index < 3; index++) answers.push(await chat(switchyard, `${providerId}/${model}`));
  expect(answers.map((answer) => answer.provider)).toEqual([providerId, providerId, providerId]);
  expect(answers.map((answer) => answer.costUsd)).toEqual([answerCostUsd, answerCostUsd, answerCostUsd]);
  const spent = answers.reduce((sum, answer) => sum + answer.costUsd, 0);
  const tokens = answers.reduce((sum, answer) => sum + answer.tokens, 0);

  await openSignedIn(page, switchyard);
  // the ledger writes in batches: refresh until it has caught up
  await expect(async () => {
    await page.getByRole('button', { name: /Refresh/ }).click();
    await expect(page.getByTestId('requests')).toHaveText('3', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('spend')).toHaveText(formatUsd(spent));
  await expect(page.getByTestId('tokens')).toHaveText(formatTokens(tokens));
  await expect(page.getByTestId('spend-spent-today')).toHaveText(formatUsd(spent));
  await expect(page.getByTestId('error-rate')).toHaveText('0%');
  await expect(page.getByRole('figure', { name: /Spend over time, by provider/ })).toContainText(`most from ${providerId}`);
  await screenshots(page, test.info(), 'dashboard');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
  const rows = requestRows(page);
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText(`${providerId}/${model}`);
  await expect(rows.first()).toContainText(formatUsd(answerCostUsd));
  await rows.first().focus();
  await page.keyboard.press('Enter');
  const detail = page.getByRole('dialog', { name: 'Request detail' });
  const attempts = detail.getByRole('region', { name: 'Attempt trail' }).getByRole('listitem');
  await expect(attempts).toHaveCount(1);
  await expect(attempts).toContainText(`${providerId}/${model}`);
  await expect(detail).toContainText('10,000');
  await expect(detail).toContainText('5,000');
  await screenshots(page, test.info(), 'logs-detail', { docs: 'light' });
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
  await screenshots(page, test.info(), 'logs');
});

test('a route created in the UI (targets reordered by keyboard and by dragging) is used', async ({ page, switchyard }) => {
  await openSignedIn(page, switchyard, 'Routes');
  await page.getByRole('button', { name: 'New route' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New route' });
  await dialog.getByLabel('Alias').fill('ui-fast');
  for (const target of ['ollama/llama3.2:3b', `${providerId}/${model}`, 'ollama/qwen3:8b']) {
    await dialog.getByLabel('Model to add').fill(target);
    await dialog.getByRole('button', { name: 'Add target' }).click();
  }
  const targets = dialog.getByRole('list', { name: 'Targets, tried in this order' }).getByRole('listitem');
  // from the keyboard: focus the button, press Enter
  await dialog.getByRole('button', { name: `Move ${providerId}/${model} up` }).focus();
  await page.keyboard.press('Enter');
  // and with the mouse: drag the last target onto the second
  await targets.nth(2).dragTo(targets.nth(1));
  await expect(targets.getByRole('code')).toHaveText([`${providerId}/${model}`, 'ollama/qwen3:8b', 'ollama/llama3.2:3b']);
  await screenshots(page, test.info(), 'route-editor');
  await dialog.getByRole('button', { name: 'Save route' }).click();
  await expect(dialog).toBeHidden();
  const card = page.getByRole('article', { name: 'ui-fast' });
  await expect(card.getByRole('row')).toHaveCount(4);
  await expect(card.getByRole('row').nth(1)).toContainText(`${providerId}/${model}`);
  await screenshots(page, test.info(), 'routes', { docs: 'dark' });

  const answer = await chat(switchyard, 'ui-fast');
  expect(answer.provider).toBe(providerId);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
  await expect(async () => {
    await page.getByRole('button', { name: /Refresh/ }).click();
    await expect(requestRows(page).filter({ hasText: 'ui-fast' })).toHaveCount(1, { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});

test('a budget set in Settings warns on the dashboard past 80%', async ({ page, switchyard }) => {
  await openSignedIn(page, switchyard, 'Settings');
  await page.getByLabel('Daily budget (USD)').fill('0.2');
  await page.getByRole('button', { name: 'Save budgets' }).click();
  await expect(page.getByText('Budgets saved.')).toBeVisible();
  await screenshots(page, test.info(), 'settings', { docs: 'dark' });
  // setting up a tool lives on the Connect page, which Settings points to
  await page.getByRole('button', { name: 'Open Connect' }).click();
  await page.getByRole('radio', { name: /Claude Code/ }).check();
  await expect(page.getByTestId('connect-snippet')).toContainText(`ANTHROPIC_BASE_URL=${switchyard.serve.url}`);

  // 4 answers so far ($0.08); 5 more make $0.18 of $0.20: 90%, past the warning line and short of the limit
  for (let index = 0; index < 5; index++) await chat(switchyard, `${providerId}/${model}`);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
  await expect(async () => {
    await page.getByRole('button', { name: /Refresh/ }).click();
    await expect(page.getByTestId('budget-warning')).toContainText('Budget warning', { timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByTestId('spend-spent-today')).toHaveText(formatUsd(9 * answerCostUsd));
  await screenshots(page, test.info(), 'dashboard-budget-warning', { docs: 'both' });
});

test('a client token created in Settings is shown once', async ({ page, switchyard }) => {
  await openSignedIn(page, switchyard, 'Settings');
  await page.getByLabel('New token name').fill('ui-test-tool');
  await page.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Your new client token' });
  const token = (await dialog.getByTestId('new-token').textContent()) ?? '';
  expect(token.length).toBeGreaterThan(20);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();
  expect(await page.content()).not.toContain(token);
  await expect(page.getByRole('rowheader', { name: 'ui-test-tool' })).toBeVisible();
  // the new token works at the gateway
  const response = await fetch(`${switchyard.serve.baseUrl}/models`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
});

test('a session that ends while the page is open turns into the sign-in screen', async ({ page, switchyard }) => {
  await openSignedIn(page, switchyard, 'Logs');
  await expect(requestRows(page).first()).toBeVisible();
  await page.context().clearCookies();
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Routes' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /Open Switchyard from switchyard ui/ })).toBeVisible();
});
