// Body captures in team mode: two `switchyard serve` replicas on one PostgreSQL ledger with `ledger.capture` on. A
// request answered by one replica shows its capture (redacted) in the other replica's request detail, as the admin
// UI asks for it; the captures are rows of the shared database, not of either data dir; purging from one replica
// deletes every replica's. Needs `npm test` (it starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI } from '../fakes/openai-fake.js';
import { adminControl, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

let team: Team<FakeOpenAI>;
// team mode keeps client tokens in PostgreSQL and writes no client-token file: both take this one (`env`)
const token = `sy-captures-${randomBytes(16).toString('hex')}`;
const upstreamKey = `sk-team-capture-${randomBytes(12).toString('hex')}`;

type Detail = { request: { status: string }; capture: { request: string; response: string; truncated: boolean } | null } | null;

async function chat(serve: ServeProcess, content: string): Promise<string> {
  const response = await fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4.1-mini', messages: [{ role: 'user', content }] }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  await response.text();
  return response.headers.get('x-switchyard-request-id') ?? '';
}

/** usage.detail on `serve` once the row is final and its capture written (both within a flush interval or two). */
async function capturedDetail(serve: ServeProcess, id: string): Promise<NonNullable<Detail>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const detail = await adminControl<Detail>(serve, 'usage.detail', { id });
    if (detail && detail.request.status !== 'in_flight' && detail.capture) return detail;
    if (Date.now() > deadline) throw new Error(`no capture of ${id} on ${serve.url} within 10 s: ${JSON.stringify(detail)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  team = await startTeam({
    upstream: { apiKey: upstreamKey },
    config: ({ upstream }) => ({
      providers: [{ id: 'openai', type: 'openai-compatible', base_url: upstream, locality: 'cloud', api_key_env: 'TEAM_UPSTREAM_KEY' }],
      ledger: { capture: { enabled: true } },
    }),
    env: { SWITCHYARD_API_KEY: token, TEAM_UPSTREAM_KEY: upstreamKey },
    dataDir: () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'sy-data-'));
      writeFileSync(join(dataDir, 'client-token'), `${token}\n`);
      return dataDir;
    },
  });
  team.upstream.onChat = () => ({ kind: 'reply', usage: { promptTokens: 10, completionTokens: 5 } });
}, 60_000);

afterAll(() => team?.stop());

describe('captures on the PostgreSQL ledger', () => {
  it("shows a capture made by one replica in the other's request detail, redacted", async () => {
    const [a, b] = team.replicas as [ServeProcess, ServeProcess];
    const marker = `marker-${randomBytes(6).toString('hex')}`;
    const id = await chat(a, `${marker} from A, with the upstream key ${upstreamKey} pasted in`);
    expect(id).not.toBe('');
    const seenOnB = await capturedDetail(b, id);
    expect(seenOnB.request.status).toBe('ok');
    expect(seenOnB.capture?.request).toContain(`${marker} from A`);
    expect(seenOnB.capture?.request).not.toContain(upstreamKey);
    expect(JSON.parse(seenOnB.capture?.response ?? '')).toMatchObject({ object: 'chat.completion', usage: { prompt_tokens: 10, completion_tokens: 5 } });
    expect(seenOnB.capture?.truncated).toBe(false);
    // and the other way round
    const fromB = await chat(b, `${marker} from B`);
    expect((await capturedDetail(a, fromB)).capture?.request).toContain(`${marker} from B`);
    // they are rows of the shared database, written once each
    const { rows } = await team.pool.query<{ request_id: string; request_body: string }>('SELECT request_id, request_body FROM captures ORDER BY captured_at');
    expect(rows.map((row) => row.request_id)).toEqual([id, fromB]);
    expect(rows.some((row) => row.request_body.includes(upstreamKey))).toBe(false);
  });

  it("purging on one replica deletes every replica's captures", async () => {
    const [a, b] = team.replicas as [ServeProcess, ServeProcess];
    const id = await chat(b, 'one more from B');
    await capturedDetail(a, id);
    const { deleted } = await adminControl<{ deleted: number }>(a, 'usage.captures.purge', {});
    expect(deleted).toBe(3);
    const { rows } = await team.pool.query<{ count: number }>('SELECT count(*)::bigint AS count FROM captures');
    expect(rows[0]?.count).toBe(0);
    expect((await adminControl<Detail>(b, 'usage.detail', { id }))?.capture).toBeNull();
  });
});
