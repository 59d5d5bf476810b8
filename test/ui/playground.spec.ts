// The playground in Chromium against a real `switchyard serve` with two fake upstreams: two models compared side by
// side, streaming with their time to first token, speed, tokens, ledger cost and provider; one column stopped; a
// blind vote changing the leaderboard; the winner promoted to a route that the openai client then reaches; and a
// hostile answer that runs nothing, loads nothing and opens no link without asking.
import { formatUsd } from '../../renderer/src/format/money.js';
import { screenshots } from './fixtures.js';
import { alphaCostUsd, alphaModel, answerUsage, betaCostUsd, betaModel, control, expect, openPlayground, test } from './playground-fixtures.js';

test.describe.configure({ mode: 'serial' });

test.afterEach(({ problems }) => {
  expect(problems, 'console errors, CSP violations or page errors').toEqual([]);
});

interface LogPage {
  rows: Array<{ clientTokenName: string | null; status: string; requestedModel: string; costUsd: number | null }>;
}

async function playgroundRows(yard: Parameters<typeof control>[0]): Promise<LogPage['rows']> {
  const page = await control<LogPage>(yard, 'usage.log', {
    range: { from: Date.now() - 3_600_000, to: Date.now() + 60_000 },
    clientTokenName: 'playground',
    limit: 100,
  });
  return page.rows;
}

test('compares two models side by side: both stream with their metrics, cost and provider; one column can be stopped', async ({ page, yard }) => {
  yard.alpha.onChat = () => ({ kind: 'slow', chunks: 12, chunkDelayMs: 120, chunkText: 'Alpha streams its answer. ', usage: answerUsage });
  yard.beta.onChat = () => ({ kind: 'slow', chunks: 12, chunkDelayMs: 150, chunkText: 'Beta takes its time. ', usage: answerUsage });
  await openPlayground(page, yard);
  for (const model of [alphaModel, betaModel]) {
    await page.getByLabel('Model to compare').fill(model);
    await page.getByRole('button', { name: 'Add model' }).click();
  }
  await page.getByLabel('Prompt', { exact: true }).fill('Explain server-sent events in one paragraph.');
  await page.getByRole('button', { name: 'Run comparison' }).click();

  const alpha = page.getByRole('region', { name: alphaModel });
  const beta = page.getByRole('region', { name: betaModel });
  // both visibly streaming at once: text has arrived and more is coming
  await expect(alpha.getByTestId('column-phase')).toHaveText('Streaming');
  await expect(beta.getByTestId('column-phase')).toHaveText('Streaming');
  await expect(alpha.getByTestId('answer-body')).toContainText('Alpha streams');
  await expect(alpha.getByTestId('metric-ttft')).toHaveText(/^\d[\d,]* ms$/);
  await screenshots(page, test.info(), 'playground-streaming');

  for (const [column, provider, cost] of [
    [alpha, alphaModel, alphaCostUsd],
    [beta, betaModel, betaCostUsd],
  ] as const) {
    await expect(column.getByTestId('column-phase')).toHaveText('Done', { timeout: 15_000 });
    await expect(column.getByTestId('metric-speed')).toHaveText(/^\d+(\.\d)? tok\/s$/);
    await expect(column.getByTestId('metric-tokens')).toHaveText('1,000 in · 500 out');
    await expect(column.getByTestId('metric-cost')).toHaveText(`${formatUsd(cost)}ledger`);
    await expect(column.getByTestId('metric-provider')).toHaveText(provider);
  }
  await expect(alpha.getByTestId('answer-body')).toHaveText('Alpha streams its answer. '.repeat(12).trim());
  await screenshots(page, test.info(), 'playground-compare', { docs: 'light' });

  // routed, metered and priced like any client: two ledger rows for 'playground' with exactly those costs
  const rows = await playgroundRows(yard);
  expect(rows.map((row) => [row.requestedModel, row.status, row.costUsd]).sort()).toEqual([
    [alphaModel, 'ok', alphaCostUsd],
    [betaModel, 'ok', betaCostUsd],
  ]);

  // stop one column; the other streams on to the end
  yard.alpha.onChat = () => ({ kind: 'slow', chunks: 400, chunkDelayMs: 100, chunkText: 'Still going. ', usage: answerUsage });
  await page.getByRole('button', { name: 'Run comparison' }).click();
  await expect(alpha.getByTestId('column-phase')).toHaveText('Streaming');
  await alpha.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(alpha.getByTestId('column-phase')).toHaveText('Stopped');
  await expect(beta.getByTestId('column-phase')).toHaveText('Done', { timeout: 15_000 });
  await expect(alpha.getByTestId('column-error')).toHaveCount(0);
  await expect
    .poll(async () => (await playgroundRows(yard)).filter((row) => row.status === 'cancelled').map((row) => row.requestedModel), { timeout: 10_000 })
    .toEqual([alphaModel]);
});

test('blind mode: anonymous shuffled columns, a vote, and the leaderboard changes', async ({ page, yard }) => {
  yard.alpha.onChat = () => ({ kind: 'slow', chunks: 4, chunkDelayMs: 60, chunkText: 'An answer. ', usage: answerUsage });
  yard.beta.onChat = () => ({ kind: 'slow', chunks: 4, chunkDelayMs: 60, chunkText: 'Another answer. ', usage: answerUsage });
  await openPlayground(page, yard);
  for (const model of [alphaModel, betaModel]) {
    await page.getByLabel('Model to compare').fill(model);
    await page.getByRole('button', { name: 'Add model' }).click();
  }
  await page.getByLabel('Prompt', { exact: true }).fill('Write a haiku about routers.');
  await page.getByLabel('Task tag', { exact: true }).fill('poetry');
  await page.getByLabel(/Blind mode/).check();
  const leaderboard = page.getByRole('region', { name: 'Leaderboard' });
  await expect(leaderboard).toContainText('No votes yet');

  await page.getByRole('button', { name: 'Run comparison' }).click();
  const columns = page.getByTestId('answer-column');
  await expect(columns).toHaveCount(2);
  await expect(columns.nth(0)).toHaveAttribute('aria-label', 'Model A');
  await expect(columns.nth(1)).toHaveAttribute('aria-label', 'Model B');
  await expect(page.getByRole('button', { name: 'Model A is best' })).toBeVisible({ timeout: 15_000 });
  for (const index of [0, 1]) {
    await expect(columns.nth(index).getByTestId('metric-provider')).toHaveText('hidden until you vote');
    await expect(columns.nth(index)).not.toContainText('alpha/');
    await expect(columns.nth(index)).not.toContainText('beta/');
  }
  await screenshots(page, test.info(), 'playground-blind', { docs: 'dark' });

  await page.getByRole('button', { name: 'Model A is best' }).click();
  await expect(page.getByTestId('vote-result')).toContainText('You picked');
  const winner = (await columns.nth(0).getAttribute('aria-label')) ?? '';
  expect([alphaModel, betaModel]).toContain(winner);
  const loser = winner === alphaModel ? betaModel : alphaModel;
  await expect(columns.nth(1)).toHaveAttribute('aria-label', loser);

  const table = leaderboard.getByTestId('leaderboard');
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await expect(table.locator('tbody tr').first()).toHaveAttribute('data-model', winner);
  await expect(table.locator(`tr[data-model="${winner}"]`)).toContainText('1 · 0 · 0');
  await expect(table.locator(`tr[data-model="${winner}"]`).getByTestId('rating')).toHaveText(/^1\d{3} ± \d+$/);
  await expect(leaderboard.getByRole('combobox')).toHaveValue('poetry');
  await screenshots(page, test.info(), 'playground-leaderboard', { docs: 'light' });

  // "Use this": the winner becomes a new route, and a request for that alias through the gateway reaches it
  await columns.nth(0).getByRole('button', { name: 'Use this' }).click();
  const dialog = page.getByRole('dialog', { name: 'Use this model for a route' });
  await dialog.getByLabel('Alias').fill('pg-winner');
  await expect(dialog.getByTestId('promote-preview')).toHaveText(`Targets in order: ${winner}`);
  await dialog.getByRole('button', { name: 'Save route' }).click();
  await expect(dialog.getByTestId('promoted')).toContainText(`Route pg-winner now sends to ${winner} first.`);
  await dialog.getByRole('button', { name: 'Done' }).click();

  const { response } = await yard.client.chat.completions.create({ model: 'pg-winner', messages: [{ role: 'user', content: 'Who answers?' }] }).withResponse();
  expect(response.headers.get('x-switchyard-provider')).toBe(winner.split('/')[0]);
  expect(`${response.headers.get('x-switchyard-provider')}/${response.headers.get('x-switchyard-model')}`).toBe(winner);

  // kept in the history, with its winner
  await expect(page.getByRole('region', { name: 'History' }).getByRole('listitem').first()).toContainText(`won by ${winner}`);
});

const hostileAnswer = [
  '# Totally normal answer',
  '<script>window.pwned = "script"; alert("script")</script>',
  '<img src="https://evil.example/pixel.png" onerror="window.pwned = \'onerror\'; alert(1)">',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg onload="alert(\'svg\')"><script>alert(2)</script></svg>',
  '<a href="javascript:alert(3)">html link</a>',
  '[javascript link](javascript:alert("md"))',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![tracking pixel](https://evil.example/tracker.gif)',
  '![local pixel](http://127.0.0.2:9/tracker.gif)',
  '<https://evil.example/autolink>',
  '[click me](https://example.com/phish)',
].join('\n\n');

test('a hostile answer runs no script, loads nothing remote, and opens a link only after asking', async ({ page, yard }) => {
  yard.alpha.onChat = () => ({ kind: 'reply', content: hostileAnswer, chunks: 6, chunkDelayMs: 30, usage: answerUsage });
  yard.beta.onChat = () => ({ kind: 'reply', content: hostileAnswer, chunks: 3, usage: answerUsage });
  const dialogs: string[] = [];
  const foreignRequests: string[] = [];
  const popups: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.protocol === 'data:') return;
    if (url.hostname !== '127.0.0.1' || url.port !== String(yard.serve.port)) foreignRequests.push(request.url());
  });
  page.on('popup', (popup) => popups.push(popup.url()));

  await openPlayground(page, yard);
  for (const model of [alphaModel, betaModel]) {
    await page.getByLabel('Model to compare').fill(model);
    await page.getByRole('button', { name: 'Add model' }).click();
  }
  await page.getByLabel('Prompt', { exact: true }).fill('Say something nice.');
  await page.getByRole('button', { name: 'Run comparison' }).click();
  const columns = page.getByTestId('answer-column');
  await expect(columns.nth(0).getByTestId('column-phase')).toHaveText('Done', { timeout: 15_000 });
  await expect(columns.nth(1).getByTestId('column-phase')).toHaveText('Done', { timeout: 15_000 });

  const bodies = page.getByTestId('answer-body');
  await expect(bodies.first()).toContainText('<script>window.pwned');
  expect(await bodies.locator('script, iframe, svg, object, embed, img, a[href]').count()).toBe(0);
  expect(await bodies.locator('[onerror], [onload], [onclick], [style]').count()).toBe(0);
  await expect(bodies.first().getByTestId('blocked-image').first()).toContainText('https://evil.example/tracker.gif');
  expect(await page.evaluate('window.pwned')).toBeUndefined();

  await bodies.first().getByRole('button', { name: 'click me' }).click();
  const confirm = page.getByRole('dialog', { name: 'Open this link?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByTestId('link-url')).toHaveText('https://example.com/phish');
  await screenshots(page, test.info(), 'playground-link-confirm');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();

  await bodies.first().getByRole('button', { name: 'javascript link' }).click();
  await expect(confirm).toContainText('was removed');
  await expect(confirm.getByRole('button', { name: 'Open in browser' })).toHaveCount(0);
  await confirm.getByRole('button', { name: 'Cancel' }).click();

  expect(dialogs, 'alert/confirm/prompt dialogs').toEqual([]);
  expect(popups, 'windows opened').toEqual([]);
  expect(foreignRequests, 'requests anywhere but the gateway').toEqual([]);
  expect(page.url()).toContain('/_switchyard/');
});
