// The playground in team mode: two `switchyard serve` replicas on one PostgreSQL database (`ledger.url`), as a load
// balancer would use them. A comparison kept through replica A's control API (as the admin UI's Playground does) is
// in replica B's history, whole; a set saved on B is listed on A; a vote cast on A counts in B's leaderboard; a
// deletion on B is seen by A. The rows are PostgreSQL's (migration 6), not either replica's SQLite file. The
// first-run screen finished through A is done on B too (the settings table, migration 7). The replicas name no
// provider (nothing here calls a model), so the first-run screen is pending on both at start. Needs `npm test` (it
// starts PostgreSQL); never skips.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundComparisonInput } from '../../shared/control/contract.js';
import { adminControl, type ServeProcess } from '../support/serve-process.js';
import { startTeam, type Team } from '../support/team.js';

let team: Team<undefined>;
let a: ServeProcess;
let b: ServeProcess;

beforeAll(async () => {
  // team mode writes no client-token file: one token from the environment for both
  team = await startTeam({ config: () => ({}), env: { SWITCHYARD_API_KEY: `sy-team-playground-${randomBytes(12).toString('hex')}` } });
  [a, b] = team.replicas as [ServeProcess, ServeProcess];
}, 60_000);

afterAll(() => team?.stop());

const parameters = { temperature: 0.2, maxTokens: 512, topP: null };
const answer = {
  status: 'ok' as const,
  error: null,
  requestId: 'r-1',
  providerId: 'openai',
  servedModel: 'gpt-4o-mini',
  attempts: 'openai/gpt-4o-mini: ok',
  ttftMs: 120.5,
  tokensPerSecond: 42.5,
  inputTokens: 12,
  outputTokens: 30,
  costUsd: 0.0001,
};

const kept: PlaygroundComparisonInput = {
  id: 'cmp-team-0001',
  taskTag: 'code',
  systemPrompt: 'Be brief.',
  parameters,
  blind: true,
  columns: [
    {
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: 'Sort a list in Rust', imageAttached: false },
        { role: 'assistant', content: 'v.sort();', imageAttached: false },
      ],
      answers: [answer],
    },
    {
      model: 'openai/gpt-4o',
      messages: [
        { role: 'user', content: 'Sort a list in Rust', imageAttached: false },
        { role: 'assistant', content: 'v.sort_unstable();', imageAttached: false },
      ],
      answers: [{ ...answer, requestId: 'r-2', servedModel: 'gpt-4o' }],
    },
  ],
};

describe('the playground on two replicas sharing one PostgreSQL', () => {
  it('a comparison kept through A is listed on B and read back whole there', async () => {
    const saved = await adminControl<{ id: string; title: string }>(a, 'playground.history.save', kept);
    expect(saved).toMatchObject({ id: kept.id, title: 'Sort a list in Rust' });
    const listed = await adminControl<Array<{ id: string; title: string; models: string[]; turns: number }>>(b, 'playground.history.list', { limit: 10 });
    expect(listed).toEqual([
      expect.objectContaining({ id: kept.id, title: 'Sort a list in Rust', models: ['openai/gpt-4o-mini', 'openai/gpt-4o'], turns: 1, blind: true }),
    ]);
    const read = await adminControl<{ columns: unknown; systemPrompt: string }>(b, 'playground.history.get', { id: kept.id });
    expect(read).toMatchObject({ id: kept.id, systemPrompt: 'Be brief.', parameters, columns: kept.columns });
    const { rows } = await team.pool.query<{ id: string }>('SELECT id FROM playground_comparisons');
    expect(rows.map((row) => row.id)).toEqual([kept.id]);
  });

  it('a set saved on B is listed on A; a vote on A counts in B leaderboard; a deletion on B is seen by A', async () => {
    await adminControl(b, 'playground.sets.save', { name: 'Rust pair', models: ['openai/gpt-4o-mini', 'openai/gpt-4o'], parameters, taskTag: 'code' });
    const sets = await adminControl<Array<{ name: string }>>(a, 'playground.sets.list', {});
    expect(sets.map((set) => set.name)).toEqual(['Rust pair']);

    await adminControl(a, 'playground.vote', {
      comparisonId: kept.id,
      turn: 0,
      taskTag: 'code',
      models: ['openai/gpt-4o-mini', 'openai/gpt-4o'],
      winner: 'openai/gpt-4o',
    });
    const board = await adminControl<{ votes: number; tags: unknown; models: Array<{ model: string; wins: number }> }>(b, 'playground.leaderboard', {
      taskTag: 'code',
    });
    expect(board.votes).toBe(1);
    expect(board.tags).toEqual([{ tag: 'code', votes: 1 }]);
    expect(board.models[0]).toMatchObject({ model: 'openai/gpt-4o', wins: 1 });
    const onB = await adminControl<Array<{ winner: string | null }>>(b, 'playground.history.list', { limit: 10 });
    expect(onB[0]?.winner).toBe('openai/gpt-4o');

    expect(await adminControl(b, 'playground.history.delete', { id: kept.id })).toEqual({ deleted: true });
    expect(await adminControl(b, 'playground.sets.delete', { name: 'Rust pair' })).toEqual({ deleted: true });
    expect(await adminControl(a, 'playground.history.list', { limit: 10 })).toEqual([]);
    expect(await adminControl(a, 'playground.history.get', { id: kept.id })).toBeNull();
    expect(await adminControl(a, 'playground.sets.list', {})).toEqual([]);
    // the vote stays in the ranking after its comparison is gone, on either replica
    expect((await adminControl<{ votes: number }>(a, 'playground.leaderboard', {})).votes).toBe(1);
  });

  it('the first-run screen finished through A is done on B', async () => {
    expect(await adminControl(b, 'firstRun.get', {})).toEqual({ pending: true });
    expect(await adminControl(a, 'firstRun.finish', {})).toEqual({ pending: false });
    expect(await adminControl(b, 'firstRun.get', {})).toEqual({ pending: false });
    const { rows } = await team.pool.query<{ value: string }>("SELECT value FROM settings WHERE key = 'app.first_run_done'");
    expect(rows).toEqual([{ value: 'true' }]);
  });
});
