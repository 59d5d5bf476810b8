// The admin UI from another machine, the way a team gateway is run: Chromium opens https://switchyard.test:<port>
// (resolved to 127.0.0.1 by the browser's resolver rules) served by a loopback TLS reverse proxy that keeps the Host,
// in front of a real `switchyard serve` with that name in server.allowed_hosts. The sign-in link works through the
// proxy, the pages that need the session load, and a page on another origin cannot use the session.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, expect, test, type Browser, type BrowserContext } from '@playwright/test';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { startTlsProxy, throughProxy, type TlsProxy } from '../support/tls-proxy.js';

const name = 'switchyard.test';
let serve: ServeProcess | undefined;
let proxy: TlsProxy | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let adminToken: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  proxy = await startTlsProxy({ name, upstream: () => serve?.url ?? 'http://127.0.0.1:9' });
  serve = await startServe({
    config: { server: { allowed_hosts: [`${name}:${proxy.port}`] }, providers: [], ledger: { price_refresh: false } },
  });
  adminToken = readFileSync(join(serve.dataDir, 'admin-token'), 'utf8').trim();
  // the project's Chromium and flags, plus a resolver rule: the test name is this machine, no DNS involved
  const launch = test.info().project.use.launchOptions ?? {};
  browser = await chromium.launch({ ...launch, args: [...(launch.args ?? []), `--host-resolver-rules=MAP ${name} 127.0.0.1`] });
  // the certificate is a throwaway self-signed one
  context = await browser.newContext({ ignoreHTTPSErrors: true });
});

test.afterAll(async () => {
  await context?.close();
  await browser?.close();
  await serve?.stop();
  await proxy?.close();
});

/** A sign-in link for the proxy's address, minted with the admin token as `switchyard ui --url <proxy>` does. */
async function signInLink(origin: string): Promise<string> {
  const answer = await throughProxy(proxy!, '/_switchyard/api/session.link', { headers: { authorization: `Bearer ${adminToken}` } });
  expect(answer.status, answer.body).toBe(200);
  const { nonce } = JSON.parse(answer.body) as { nonce: string };
  return `${origin}/_switchyard/#signin=${nonce}`;
}

test('signs in through the TLS proxy and loads the pages that need the session', async () => {
  const origin = proxy!.url;
  const page = await context!.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  const before = proxy!.forwarded();

  await page.goto(await signInLink(origin));
  // no providers yet: the first-run screen, whose skip is a settings write through the session
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome to Switchyard' })).toBeVisible();
  expect(page.url()).toMatch(new RegExp(`^${origin.replaceAll('.', '\\.')}/_switchyard/(#/welcome)?$`));
  await page.getByRole('button', { name: 'Skip setup' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /No requests today/ })).toBeVisible();
  const cookies = await context!.cookies(`${origin}/_switchyard/`);
  expect(cookies.find((cookie) => cookie.name === 'switchyard_session')).toMatchObject({
    secure: true,
    httpOnly: true,
    sameSite: 'Strict',
    path: '/_switchyard',
  });

  // another page that reads through the session, and a reload that keeps it
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Routes', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Routes' })).toBeVisible();
  await expect(page.getByRole('heading', { level: 1, name: /Open Switchyard from switchyard ui/ })).toBeHidden();
  expect(proxy!.forwarded() - before).toBeGreaterThan(3);
  expect(problems).toEqual([]);
  await page.close();
});

test('a page on another origin cannot call with that session', async () => {
  const origin = proxy!.url;
  const page = await context!.newPage();
  // the gateway's own plain-HTTP address is another origin than the proxy's https one
  await page.goto(`${serve!.url}/_switchyard/`);
  const outcome = await page.evaluate<string, string>(async (target) => {
    try {
      const response = await fetch(`${target}/_switchyard/api/settings.get`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1' },
        body: '{}',
      });
      return `HTTP ${response.status}`;
    } catch (error) {
      return `refused: ${String(error)}`;
    }
  }, origin);
  expect(outcome).toMatch(/^refused: TypeError/);
  await page.close();
});
