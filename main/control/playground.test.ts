// playground.* through dispatch (so requests and answers are checked against the contract) on a real core: saved
// sets, the history of kept comparisons, votes (one per turn) and the leaderboard per task tag.
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaygroundComparisonInput } from '../../shared/control/contract.js';
import { startControlHarness, type ControlHarness } from '../../test/support/control-harness.js';
import { dispatchControlCall } from './dispatch.js';

let harness: ControlHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function call(name: string, request: unknown = {}): Promise<unknown> {
  harness ??= await startControlHarness();
  const result = await dispatchControlCall(harness.booted.control, name, request);
  if (!result.ok) throw new Error(`${name}: ${result.error.error.message}`);
  return result.value;
}

const parameters = { temperature: 0.2, maxTokens: 512, topP: null };
const answer = {
  status: 'ok' as const,
  error: null,
  requestId: 'r-1',
  providerId: 'alpha',
  servedModel: 'gpt-4o-mini',
  attempts: 'alpha/gpt-4o-mini: ok',
  ttftMs: 120,
  tokensPerSecond: 42.5,
  inputTokens: 12,
  outputTokens: 30,
  costUsd: 0.0001,
};

function comparison(id: string, prompt: string): PlaygroundComparisonInput {
  return {
    id,
    taskTag: 'code',
    systemPrompt: 'Be brief.',
    parameters,
    blind: true,
    columns: [
      {
        model: 'alpha/gpt-4o-mini',
        messages: [
          { role: 'user', content: prompt, imageAttached: true },
          { role: 'assistant', content: 'A' },
        ],
        answers: [answer],
      },
      {
        model: 'fast',
        messages: [
          { role: 'user', content: prompt },
          { role: 'assistant', content: 'B' },
        ],
        answers: [{ ...answer, status: 'cancelled', requestId: 'r-2' }],
      },
    ],
  };
}

describe('saved comparison sets', () => {
  it('saves, lists by name, replaces and deletes a set', async () => {
    const saved = await call('playground.sets.save', { name: 'Coding duo', models: ['alpha/gpt-4o-mini', 'fast'], parameters, taskTag: 'code' });
    expect(saved).toMatchObject({ name: 'Coding duo', models: ['alpha/gpt-4o-mini', 'fast'], systemPrompt: '', parameters, taskTag: 'code' });
    await call('playground.sets.save', {
      name: 'Coding duo',
      models: ['a/x', 'b/y', 'c/z'],
      systemPrompt: 'Terse.',
      parameters: { temperature: null, maxTokens: null, topP: 0.9 },
    });
    const listed = (await call('playground.sets.list')) as Array<{ name: string; models: string[]; taskTag: string }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ models: ['a/x', 'b/y', 'c/z'], taskTag: 'general' });
    expect(await call('playground.sets.delete', { name: 'Coding duo' })).toEqual({ deleted: true });
    await expect(call('playground.sets.delete', { name: 'Coding duo' })).rejects.toThrow(/no saved comparison set/);
  });

  it('refuses fewer than 2 or more than 6 models, and names with spaces', async () => {
    await expect(call('playground.sets.save', { name: 'x', models: ['a/x'], parameters })).rejects.toThrow(/models/);
    await expect(call('playground.sets.save', { name: 'x', models: ['1', '2', '3', '4', '5', '6', '7'], parameters })).rejects.toThrow(/models/);
    await expect(call('playground.sets.save', { name: 'x', models: ['a/x', 'has space'], parameters })).rejects.toThrow(/no spaces/);
  });
});

describe('history', () => {
  it('keeps a comparison whole, lists it newest first with its title, and replaces it on a later save', async () => {
    const summary = await call('playground.history.save', comparison('cmp-00000001', 'Write   a haiku\nabout rivers'));
    expect(summary).toMatchObject({
      id: 'cmp-00000001',
      title: 'Write a haiku about rivers',
      models: ['alpha/gpt-4o-mini', 'fast'],
      turns: 1,
      blind: true,
      winner: null,
      taskTag: 'code',
    });
    await call('playground.history.save', comparison('cmp-00000002', 'Second'));
    const listed = (await call('playground.history.list')) as Array<{ id: string }>;
    expect(listed.map((entry) => entry.id)).toEqual(['cmp-00000002', 'cmp-00000001']);

    const stored = await call('playground.history.get', { id: 'cmp-00000001' });
    expect(stored).toMatchObject({ systemPrompt: 'Be brief.', parameters, blind: true });
    expect((stored as { columns: unknown[] }).columns).toEqual([
      {
        model: 'alpha/gpt-4o-mini',
        messages: [
          { role: 'user', content: 'Write   a haiku\nabout rivers', imageAttached: true },
          { role: 'assistant', content: 'A', imageAttached: false },
        ],
        answers: [answer],
      },
      {
        model: 'fast',
        messages: [
          { role: 'user', content: 'Write   a haiku\nabout rivers', imageAttached: false },
          { role: 'assistant', content: 'B', imageAttached: false },
        ],
        answers: [{ ...answer, status: 'cancelled', requestId: 'r-2' }],
      },
    ]);

    const continued = comparison('cmp-00000001', 'Write a haiku');
    const columns = continued.columns.map((column) => ({ ...column, answers: [...column.answers, answer] }));
    expect(await call('playground.history.save', { ...continued, columns })).toMatchObject({ turns: 2 });
    expect(await call('playground.history.delete', { id: 'cmp-00000001' })).toEqual({ deleted: true });
    expect(await call('playground.history.get', { id: 'cmp-00000001' })).toBeNull();
  });

  it("keeps prompts and answers out of the ledger's request rows", async () => {
    await call('playground.history.save', comparison('cmp-00000003', 'a secret prompt'));
    const control = harness!.booted.control;
    const log = await control['usage.log']({ range: { from: 0, to: Date.now() + 1 }, limit: 10 });
    expect(JSON.stringify(log)).not.toContain('a secret prompt');
  });
});

describe('votes and the leaderboard', () => {
  it('ranks per task tag with counts and an uncertainty, and a second vote on the same turn replaces the first', async () => {
    const models = ['alpha/gpt-4o-mini', 'beta/gpt-4.1'];
    expect(await call('playground.leaderboard', { taskTag: 'code' })).toMatchObject({ taskTag: 'code', votes: 0, models: [], tags: [] });
    await call('playground.vote', { comparisonId: 'cmp-00000010', taskTag: 'code', models, winner: 'alpha/gpt-4o-mini' });
    await call('playground.vote', { comparisonId: 'cmp-00000010', taskTag: 'code', models, winner: 'beta/gpt-4.1' });
    await call('playground.vote', { comparisonId: 'cmp-00000011', taskTag: 'code', models, winner: 'beta/gpt-4.1' });
    await call('playground.vote', { comparisonId: 'cmp-00000012', turn: 1, taskTag: 'writing', models, winner: 'tie' });
    const code = (await call('playground.leaderboard', { taskTag: 'code' })) as {
      votes: number;
      models: Array<{ model: string; rating: number; uncertainty: number; wins: number; losses: number; ties: number }>;
      tags: unknown;
    };
    expect(code.votes).toBe(2);
    expect(code.models.map((entry) => [entry.model, entry.wins, entry.losses, entry.ties])).toEqual([
      ['beta/gpt-4.1', 2, 0, 0],
      ['alpha/gpt-4o-mini', 0, 2, 0],
    ]);
    expect(code.models[0]!.rating).toBeGreaterThan(1000);
    expect(code.models[0]!.uncertainty).toBeGreaterThan(0);
    expect(code.tags).toEqual([
      { tag: 'code', votes: 2 },
      { tag: 'writing', votes: 1 },
    ]);
    const all = (await call('playground.leaderboard')) as { taskTag: null; votes: number };
    expect(all).toMatchObject({ taskTag: null, votes: 3 });
  });

  it('refuses a winner that was not compared, and a model listed twice', async () => {
    await expect(call('playground.vote', { comparisonId: 'cmp-00000020', models: ['a/x', 'b/y'], winner: 'c/z' })).rejects.toThrow(/one of the models/);
    await expect(call('playground.vote', { comparisonId: 'cmp-00000020', models: ['a/x', 'a/x'], winner: 'a/x' })).rejects.toThrow(/once/);
  });
});
