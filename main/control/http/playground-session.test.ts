// How the playground reaches the gateway, through a real core in headless mode: the UI session on
// /_switchyard/v1/chat/completions (cookie + CSRF header + the page's own origin), the desktop window's in-memory
// token from Origin null (and nothing else from Origin null), the routing headers a page may read, the ledger row
// attributed to 'playground' — and a revoked 'playground' token shutting both out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlHarness, type ControlHarness } from '../../../test/support/control-harness.js';

let harness: ControlHarness;
let uiRoot: string;
let url: string;
let cookie: string;

const config = `server:
  allowed_origins: [http://localhost:3000]
providers:
  - id: cloud
    type: openai-compatible
    base_url: {upstream}
    locality: cloud
ledger:
  price_refresh: false
  price_overrides:
    cloud/gpt-4o-mini: { input: 1, output: 2 }
`;

const body = JSON.stringify({ model: 'cloud/gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });

beforeAll(async () => {
  uiRoot = mkdtempSync(join(tmpdir(), 'sy-ui-'));
  writeFileSync(join(uiRoot, 'index.html'), '<!doctype html><title>Switchyard</title>');
  harness = await startControlHarness({ config, uiRoot });
  harness.upstream.onChat = () => ({ kind: 'reply', content: 'Hello there', usage: { promptTokens: 1000, completionTokens: 500 } });
  url = harness.booted.gateway.url;
  const link = await fetch(`${url}/_switchyard/api/session.link`, { method: 'POST', headers: { authorization: `Bearer ${harness.adminToken}` } });
  const { nonce } = (await link.json()) as { nonce: string };
  const session = await fetch(`${url}/_switchyard/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-switchyard-csrf': '1' },
    body: JSON.stringify({ nonce }),
  });
  expect(session.status).toBe(204);
  cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] as string;
});

afterAll(async () => {
  await harness.stop();
  rmSync(uiRoot, { recursive: true, force: true });
});

function playground(headers: Record<string, string>): Promise<Response> {
  return fetch(`${url}/_switchyard/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}

function gateway(headers: Record<string, string>, method = 'POST'): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method,
    headers: { 'content-type': 'text/plain;charset=UTF-8', ...headers },
    ...(method === 'POST' ? { body } : {}),
  });
}

async function ledgerRow(id: string): Promise<{ clientTokenName: string | null; costUsd: number | null; status: string } | undefined> {
  for (let tries = 0; tries < 50; tries += 1) {
    const detail = await harness.booted.control['usage.detail']({ id });
    if (detail?.request.finishedAt != null) return detail.request;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  return undefined;
}

describe('the headless UI session on the playground path', () => {
  it('streams as the client playground, with the ledger row id and a cost equal to the ledger row', async () => {
    const response = await playground({ cookie, 'x-switchyard-csrf': '1', origin: url });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-switchyard-provider')).toBe('cloud');
    const text = await response.text();
    expect(text).toContain('Hello');
    const usage = text
      .split('\n')
      .filter((line) => line.startsWith('data: {') && line.includes('"usage"'))
      .map((line) => JSON.parse(line.slice(6)) as { usage?: { cost?: number } | null })
      .find((chunk) => chunk.usage != null)?.usage;
    expect(usage?.cost).toBeCloseTo(0.002, 12);
    const requestId = response.headers.get('x-switchyard-request-id') ?? '';
    const row = await ledgerRow(requestId);
    expect(row).toMatchObject({ clientTokenName: 'playground', status: 'ok' });
    expect(row?.costUsd).toBe(usage?.cost);
  });

  it('needs the session, the CSRF header and the page origin; a client token is not a session', async () => {
    expect((await playground({ 'x-switchyard-csrf': '1', origin: url })).status).toBe(401);
    expect((await playground({ cookie, origin: url })).status).toBe(403);
    expect((await playground({ cookie, 'x-switchyard-csrf': '1' })).status).toBe(403);
    expect((await playground({ cookie, 'x-switchyard-csrf': '1', origin: 'http://localhost:3000' })).status).toBe(403);
    expect((await playground({ cookie, 'x-switchyard-csrf': '1', origin: 'https://evil.example' })).status).toBe(403);
    expect((await playground({ authorization: `Bearer ${harness.clientToken}`, origin: url, 'x-switchyard-csrf': '1' })).status).toBe(401);
    expect(harness.upstream.chatRequests()).toHaveLength(1);
  });
});

describe('the desktop window: Origin null', () => {
  it('is accepted with the playground token only, readable by that page, and attributed to playground', async () => {
    const response = await gateway({ origin: 'null', authorization: `Bearer ${harness.booted.playgroundToken}` });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('null');
    expect(response.headers.get('access-control-expose-headers')).toContain('x-switchyard-provider');
    await response.text();
    expect((await ledgerRow(response.headers.get('x-switchyard-request-id') ?? ''))?.clientTokenName).toBe('playground');
  });

  it('refuses Origin null with any other credential, or none, before any upstream call', async () => {
    const before = harness.upstream.chatRequests().length;
    const credentials: Array<Record<string, string>> = [{ authorization: `Bearer ${harness.clientToken}` }, {}, { authorization: 'Bearer sy-made-up' }];
    for (const headers of credentials) {
      const response = await gateway({ origin: 'null', ...headers });
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await response.json()).toMatchObject({ error: { code: 'origin_not_allowed' } });
    }
    expect(harness.upstream.chatRequests()).toHaveLength(before);
  });

  it('answers the preflight only when it carries the playground token', async () => {
    const preflight = await gateway(
      { origin: 'null', 'access-control-request-method': 'POST', authorization: `Bearer ${harness.booted.playgroundToken}` },
      'OPTIONS',
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('null');
    expect((await gateway({ origin: 'null', 'access-control-request-method': 'POST' }, 'OPTIONS')).status).toBe(403);
    // the management API never takes Origin null
    expect((await fetch(`${url}/_switchyard/api/status.get`, { headers: { origin: 'null', authorization: `Bearer ${harness.adminToken}` } })).status).toBe(403);
  });

  it('the token works without Origin too (it is a client token like the others) and is never the admin token', async () => {
    expect((await gateway({ authorization: `Bearer ${harness.booted.playgroundToken}` })).status).toBe(200);
    expect((await fetch(`${url}/_switchyard/api/status.get`, { headers: { authorization: `Bearer ${harness.booted.playgroundToken}` } })).status).toBe(401);
  });
});

describe('revoking the playground', () => {
  it("a revoked stored token named 'playground' shuts out the session path and the desktop token alike", async () => {
    await harness.booted.control['tokens.create']({ name: 'playground' });
    await harness.booted.control['tokens.revoke']({ name: 'playground' });
    const session = await playground({ cookie, 'x-switchyard-csrf': '1', origin: url });
    expect(session.status).toBe(403);
    expect(await session.json()).toMatchObject({ error: { code: 'playground_revoked' } });
    expect((await gateway({ authorization: `Bearer ${harness.booted.playgroundToken}` })).status).toBe(401);
    await harness.booted.control['tokens.create']({ name: 'playground' });
    expect((await playground({ cookie, 'x-switchyard-csrf': '1', origin: url })).status).toBe(200);
  });
});
