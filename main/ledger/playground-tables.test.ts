// The playground's tables on both backends through one interface (PlaygroundTables): the ledger file's and team
// mode's PostgreSQL (migration 6). Saved sets (ASCII case-insensitive order, replace keeps the creation time),
// comparisons written whole (replacing one with fewer columns leaves nothing of the old ones; every answer field,
// nulls included, reads back as written), summaries (newest first, limit, one by id, turns, the last vote's winner
// or 'tie'), deletion (votes stay in the ranking), votes (one per turn, by tag) and tags by count. Needs `npm test`
// (it starts PostgreSQL); never skips.
import { afterEach, describe, expect, it } from 'vitest';
import type { PlaygroundAnswerDto } from '../../shared/control/contract.js';
import { sqlitePlaygroundTables, type PlaygroundComparisonRecord, type PlaygroundTables } from './playground-tables.js';
import { PostgresPlaygroundTables } from './postgres/playground.js';
import { openMigratedTestDatabase, openTestLedgerFile } from './test-support/backends.js';

interface Fixture {
  readonly tables: PlaygroundTables;
  close(): Promise<void>;
}

interface Backend {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<Fixture>;
}

const backends: readonly Backend[] = [
  {
    name: 'sqlite',
    async open() {
      const file = openTestLedgerFile();
      return { tables: sqlitePlaygroundTables(file.ledger.database), close: file.close };
    },
  },
  {
    name: 'postgres',
    async open() {
      const database = await openMigratedTestDatabase();
      return { tables: new PostgresPlaygroundTables(database.pool), close: database.close };
    },
  },
];

const parameters = { temperature: 0.2, maxTokens: 512, topP: null };
const answer: PlaygroundAnswerDto = {
  status: 'ok',
  error: null,
  requestId: 'r-1',
  providerId: 'alpha',
  servedModel: 'gpt-4o-mini',
  attempts: 'alpha/gpt-4o-mini: ok',
  ttftMs: 120.25,
  tokensPerSecond: 42.5,
  inputTokens: 12,
  outputTokens: 3_000_000_000,
  costUsd: 0.000123456789,
};
const bare: PlaygroundAnswerDto = {
  status: 'error',
  error: 'upstream said no — 🚫',
  requestId: null,
  providerId: null,
  servedModel: null,
  attempts: null,
  ttftMs: null,
  tokensPerSecond: null,
  inputTokens: null,
  outputTokens: null,
  costUsd: null,
};

function comparison(id: string, prompt: string, columns = 2): PlaygroundComparisonRecord {
  return {
    id,
    taskTag: 'code',
    systemPrompt: 'Be brief.',
    parameters,
    blind: true,
    columns: Array.from({ length: columns }, (_, position) => ({
      model: `m${position}/model`,
      messages: [
        { role: 'user' as const, content: prompt, imageAttached: position === 0 },
        { role: 'assistant' as const, content: `answer ${position}`, imageAttached: false },
        { role: 'user' as const, content: 'again', imageAttached: false },
        { role: 'assistant' as const, content: `answer ${position} again`, imageAttached: false },
      ],
      answers: position === 0 ? [answer, bare] : [{ ...answer, status: 'cancelled' as const, requestId: `r-${position}` }],
    })),
  };
}

describe.each(backends)('the playground tables on $name', (backend) => {
  let fixture: Fixture | undefined;
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });
  const open = async (): Promise<PlaygroundTables> => {
    fixture = await backend.open();
    return fixture.tables;
  };

  it('saves sets, lists them by name ignoring ASCII case, replaces one keeping its creation time, deletes', async () => {
    const tables = await open();
    const first = await tables.saveSet({ name: 'beta', models: ['a/x', 'b/y'], systemPrompt: '', parameters, taskTag: 'code' }, 1_000);
    expect(first).toEqual({ name: 'beta', models: ['a/x', 'b/y'], systemPrompt: '', parameters, taskTag: 'code', updatedAt: 1_000 });
    await tables.saveSet({ name: 'alpha', models: ['c/z', 'd/w'], systemPrompt: 'Terse.', parameters, taskTag: 'general' }, 2_000);
    await tables.saveSet({ name: 'Charlie', models: ['c/z', 'd/w'], systemPrompt: '', parameters, taskTag: 'general' }, 2_500);
    await tables.saveSet({ name: 'gamma ✨', models: ['c/z', 'd/w'], systemPrompt: '', parameters, taskTag: 'general' }, 3_000);
    const replaced = await tables.saveSet(
      { name: 'beta', models: ['a/x', 'b/y', 'c/z'], systemPrompt: 'New.', parameters: { temperature: null, maxTokens: null, topP: 0.9 }, taskTag: 't' },
      4_000,
    );
    expect(replaced).toMatchObject({ models: ['a/x', 'b/y', 'c/z'], systemPrompt: 'New.', taskTag: 't', updatedAt: 4_000 });
    expect((await tables.listSets()).map((set) => set.name)).toEqual(['alpha', 'beta', 'Charlie', 'gamma ✨']);
    expect(await tables.deleteSet('beta')).toBe(true);
    expect(await tables.deleteSet('beta')).toBe(false);
    expect((await tables.listSets()).map((set) => set.name)).toEqual(['alpha', 'Charlie', 'gamma ✨']);
  });

  it('reads a comparison back as written, every answer field and null included', async () => {
    const tables = await open();
    const record = comparison('c-1', 'Write a haiku 🌸');
    await tables.saveComparison(record, 'Write a haiku 🌸', 5_000);
    expect(await tables.comparison('c-1')).toEqual({
      id: 'c-1',
      createdAt: 5_000,
      updatedAt: 5_000,
      taskTag: 'code',
      systemPrompt: 'Be brief.',
      parameters,
      blind: true,
      columns: record.columns,
    });
    expect(await tables.comparison('c-missing')).toBeNull();
  });

  it('replaces a comparison whole: fewer columns leave nothing of the old ones, and its creation time stays', async () => {
    const tables = await open();
    await tables.saveComparison(comparison('c-1', 'first', 4), 'first', 1_000);
    const smaller = { ...comparison('c-1', 'second', 2), blind: false, taskTag: 'writing' };
    await tables.saveComparison(smaller, 'second', 2_000);
    const read = await tables.comparison('c-1');
    expect(read).toMatchObject({ createdAt: 1_000, updatedAt: 2_000, taskTag: 'writing', blind: false });
    expect(read?.columns).toEqual(smaller.columns);
    const [summary] = await tables.comparisonSummaries(10);
    expect(summary).toEqual({
      id: 'c-1',
      createdAt: 1_000,
      updatedAt: 2_000,
      taskTag: 'writing',
      title: 'second',
      models: ['m0/model', 'm1/model'],
      turns: 2,
      blind: false,
      winner: null,
    });
  });

  it('lists summaries newest first, limited, or one by id; the winner is the last turn vote, or tie', async () => {
    const tables = await open();
    await tables.saveComparison(comparison('c-a', 'a'), 'a', 1_000);
    await tables.saveComparison(comparison('c-b', 'b'), 'b', 3_000);
    await tables.saveComparison(comparison('c-c', 'c'), 'c', 2_000);
    await tables.saveComparison(
      { ...comparison('c-d', 'd'), columns: comparison('c-d', 'd').columns.map((column) => ({ ...column, answers: [] })) },
      'd',
      2_000,
    );
    expect((await tables.comparisonSummaries(10)).map((summary) => summary.id)).toEqual(['c-b', 'c-d', 'c-c', 'c-a']);
    expect((await tables.comparisonSummaries(2)).map((summary) => summary.id)).toEqual(['c-b', 'c-d']);
    expect((await tables.comparisonSummaries(10, 'c-d'))[0]).toMatchObject({ id: 'c-d', turns: 0, winner: null });
    expect(await tables.comparisonSummaries(10, 'nope')).toEqual([]);
    await tables.saveVote({ comparisonId: 'c-a', turn: 0, taskTag: 'code', models: ['m0/model', 'm1/model'], winner: 'm1/model' }, 4_000);
    await tables.saveVote({ comparisonId: 'c-a', turn: 1, taskTag: 'code', models: ['m0/model', 'm1/model'], winner: null }, 5_000);
    await tables.saveVote({ comparisonId: 'c-b', turn: 0, taskTag: 'code', models: ['m0/model', 'm1/model'], winner: 'm0/model' }, 6_000);
    const byId = new Map((await tables.comparisonSummaries(10)).map((summary) => [summary.id, summary.winner]));
    expect(Object.fromEntries(byId)).toEqual({ 'c-a': 'tie', 'c-b': 'm0/model', 'c-c': null, 'c-d': null });
  });

  it('deletes a comparison with its columns and answers, keeping its votes in the ranking', async () => {
    const tables = await open();
    await tables.saveComparison(comparison('c-1', 'x'), 'x', 1_000);
    await tables.saveVote({ comparisonId: 'c-1', turn: 0, taskTag: 'code', models: ['m0/model', 'm1/model'], winner: 'm0/model' }, 2_000);
    expect(await tables.deleteComparison('c-1')).toBe(true);
    expect(await tables.deleteComparison('c-1')).toBe(false);
    expect(await tables.comparison('c-1')).toBeNull();
    expect(await tables.comparisonSummaries(10)).toEqual([]);
    expect(await tables.votes(undefined)).toEqual([{ models: ['m0/model', 'm1/model'], winner: 'm0/model' }]);
    // a comparison saved again under the same id starts with no columns of the deleted one
    await tables.saveComparison(comparison('c-1', 'y', 3), 'y', 3_000);
    expect((await tables.comparison('c-1'))?.columns).toHaveLength(3);
  });

  it('keeps one vote per turn (the later replaces it), oldest first, by tag, and counts tags', async () => {
    const tables = await open();
    const models = ['a/x', 'b/y'];
    await tables.saveVote({ comparisonId: 'c-1', turn: 0, taskTag: 'code', models, winner: 'a/x' }, 1_000);
    await tables.saveVote({ comparisonId: 'c-1', turn: 0, taskTag: 'code', models, winner: 'b/y' }, 2_000);
    await tables.saveVote({ comparisonId: 'c-1', turn: 1, taskTag: 'code', models, winner: null }, 3_000);
    await tables.saveVote({ comparisonId: 'c-2', turn: 0, taskTag: 'writing', models: ['c/z', 'a/x', 'b/y'], winner: 'c/z' }, 4_000);
    await tables.saveVote({ comparisonId: 'c-3', turn: 0, taskTag: 'Writing', models, winner: 'a/x' }, 500);
    expect(await tables.votes(undefined)).toEqual([
      { models, winner: 'a/x' },
      { models, winner: 'b/y' },
      { models, winner: null },
      { models: ['c/z', 'a/x', 'b/y'], winner: 'c/z' },
    ]);
    expect(await tables.votes('code')).toEqual([
      { models, winner: 'b/y' },
      { models, winner: null },
    ]);
    expect(await tables.votes('none')).toEqual([]);
    // by count, then tag bytewise (upper case first)
    expect(await tables.voteTags()).toEqual([
      { tag: 'code', votes: 2 },
      { tag: 'Writing', votes: 1 },
      { tag: 'writing', votes: 1 },
    ]);
  });

  it('takes a prompt with a NUL character (PostgreSQL text keeps it as U+FFFD) and reads the history back', async () => {
    const tables = await open();
    const prompt = 'before\u0000after';
    await tables.saveComparison(comparison('c-nul', prompt), prompt, 1_000);
    const [summary] = await tables.comparisonSummaries(1);
    expect(summary?.title).toBe(backend.name === 'postgres' ? 'before\uFFFDafter' : prompt);
    // the messages are JSON text: the NUL is escaped there and comes back as written on both
    expect((await tables.comparison('c-nul'))?.columns[0]?.messages[0]?.content).toBe(prompt);
  });
});
