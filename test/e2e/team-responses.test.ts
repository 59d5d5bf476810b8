// Stored Responses-API responses in team mode: two `switchyard serve` replicas on one PostgreSQL database
// (`ledger.url`), as a load balancer would use them. A turn answered by one replica is continued on the other —
// previous_response_id and item_reference, at once after the answer was read, stream or not — and the other replica
// sends the whole conversation upstream (asserted on what the fake upstream received). GET and DELETE work across
// replicas too. Needs `npm test` (it starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeOpenAI, RecordedRequest } from '../fakes/openai-fake.js';
import type { ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

type Json = Record<string, unknown>;

let team: Team<FakeOpenAI>;
let replicaA: ServeProcess;
let replicaB: ServeProcess;

beforeAll(async () => {
  team = await startTeam({
    upstream: {},
    config: ({ upstream }) => ({
      // chat completions only: every Responses request is translated, so the history sent upstream is Switchyard's own
      providers: [{ id: 'chatonly', type: 'openai-compatible', base_url: upstream, locality: 'cloud' }],
      routing: { allowed_fails: 1_000 },
    }),
    // one client token for both (team mode writes no token file): its name owns the stored responses on either replica
    env: { SWITCHYARD_API_KEY: `sy-team-responses-${randomBytes(12).toString('hex')}` },
  });
  // the answer names the question it was given, so each turn's output is recognisable in the next turn's history
  team.upstream.onChat = (request) => {
    const messages = (request.body as { messages?: { content?: unknown }[] }).messages ?? [];
    return { kind: 'reply', content: `answer to: ${textOf(messages.at(-1)?.content)}` };
  };
  [replicaA, replicaB] = team.replicas as [ServeProcess, ServeProcess];
}, 60_000);

afterAll(() => team?.stop());

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((part) => String((part as { text?: unknown }).text ?? '')).join('');
  return '';
}

function post(serve: ServeProcess, body: Json): Promise<Response> {
  return fetch(`${serve.baseUrl}/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function create(serve: ServeProcess, body: Json): Promise<Json> {
  const response = await post(serve, { model: 'chatonly/gpt-4o-mini', ...body });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as Json;
}

/** A streamed turn read to its end; the response object of response.completed. */
async function createStreamed(serve: ServeProcess, body: Json): Promise<Json> {
  const response = await post(serve, { model: 'chatonly/gpt-4o-mini', stream: true, ...body });
  expect(response.status).toBe(200);
  const text = await response.text();
  const completed = text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => JSON.parse(line.slice(6)) as { type: string; response?: Json })
    .find((event) => event.type === 'response.completed');
  expect(completed?.response, text).toBeDefined();
  return completed?.response as Json;
}

/** The (role, text) pairs of the last chat request the upstream received. */
function lastUpstreamConversation(): [string, string][] {
  const last = team.upstream.chatRequests().at(-1) as RecordedRequest;
  const messages = (last.body as { messages: { role: string; content: unknown }[] }).messages;
  return messages.map((message) => [message.role, textOf(message.content)]);
}

function outputItemId(response: Json): string {
  const [item] = response['output'] as { id: string }[];
  return (item as { id: string }).id;
}

describe('stored responses on two replicas sharing one PostgreSQL', () => {
  it('turn 1 on A, turn 2 on B with previous_response_id at once: B sends the whole history upstream', async () => {
    const first = await create(replicaA, { input: 'My colour is teal.', store: true });
    const second = await create(replicaB, { input: 'What is my colour?', previous_response_id: first['id'] });
    expect(lastUpstreamConversation()).toEqual([
      ['user', 'My colour is teal.'],
      ['assistant', 'answer to: My colour is teal.'],
      ['user', 'What is my colour?'],
    ]);
    // and back to A for a third turn: the chain crosses replicas both ways
    await create(replicaA, { input: 'And my name?', previous_response_id: second['id'] });
    expect(lastUpstreamConversation().map(([, text]) => text)).toEqual([
      'My colour is teal.',
      'answer to: My colour is teal.',
      'What is my colour?',
      'answer to: What is my colour?',
      'And my name?',
    ]);
    const { rows } = await team.pool.query<{ id: string }>('SELECT id FROM stored_responses WHERE id = ANY($1::text[])', [[first['id'], second['id']]]);
    expect(rows).toHaveLength(2);
  }, 30_000);

  it('a streamed turn on B continued on A the moment response.completed is read, and an item_reference across replicas', async () => {
    for (let round = 0; round < 5; round += 1) {
      const first = await createStreamed(replicaB, { input: `Remember ${round}.` });
      const second = await create(replicaA, {
        previous_response_id: first['id'],
        input: [
          { type: 'item_reference', id: outputItemId(first) },
          { type: 'message', role: 'user', content: `Repeat ${round}.` },
        ],
      });
      expect(second['status']).toBe('completed');
      expect(lastUpstreamConversation(), `round ${round}`).toEqual([
        ['user', `Remember ${round}.`],
        // the stored answer, then the item it referenced (consecutive assistant turns are joined for chat)
        ['assistant', `answer to: Remember ${round}.\n\nanswer to: Remember ${round}.`],
        ['user', `Repeat ${round}.`],
      ]);
    }
  }, 30_000);

  it('GET on the other replica finds the response; DELETE on one is seen by both', async () => {
    const stored = await create(replicaA, { input: 'Keep this.' });
    const fetched = await fetch(`${replicaB.baseUrl}/responses/${String(stored['id'])}`, { headers: { authorization: `Bearer ${replicaB.token}` } });
    expect(fetched.status).toBe(200);
    expect(((await fetched.json()) as Json)['output']).toEqual(stored['output']);
    const deleted = await fetch(`${replicaB.baseUrl}/responses/${String(stored['id'])}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${replicaB.token}` },
    });
    expect(await deleted.json()).toEqual({ id: stored['id'], object: 'response.deleted', deleted: true });
    const gone = await fetch(`${replicaA.baseUrl}/responses/${String(stored['id'])}`, { headers: { authorization: `Bearer ${replicaA.token}` } });
    expect(gone.status).toBe(404);
    const continued = await post(replicaA, { model: 'chatonly/gpt-4o-mini', input: 'Go on.', previous_response_id: stored['id'] });
    expect(continued.status).toBe(400);
    expect(((await continued.json()) as { error: { code: string } }).error.code).toBe('previous_response_not_found');
  }, 30_000);
});
