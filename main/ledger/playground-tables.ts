// The playground's tables in the ledger file (migration 3): saved sets, kept comparisons with their columns and
// answers, and votes. The SQL and the columns' encoding (JSON text, 0/1 flags) live here; what a title is and
// which clock stamps a row are the caller's (control/playground-store.ts). Every multi-row write is one transaction.
// PlaygroundTables is the one interface over them, async so team mode's PostgreSQL tables (postgres/playground.ts,
// the same columns and encoding) fit behind it too; sqlitePlaygroundTables answers from the file.
import type {
  PlaygroundAnswerDto,
  PlaygroundComparisonDto,
  PlaygroundComparisonSummaryDto,
  PlaygroundParametersDto,
  PlaygroundSetDto,
} from '../../shared/control/contract.js';
import type { LedgerDatabase } from './database.js';

export interface PlaygroundSetRecord {
  readonly name: string;
  readonly models: readonly string[];
  readonly systemPrompt: string;
  readonly parameters: PlaygroundParametersDto;
  readonly taskTag: string;
}

export interface PlaygroundComparisonRecord {
  readonly id: string;
  readonly taskTag: string;
  readonly systemPrompt: string;
  readonly parameters: PlaygroundParametersDto;
  readonly blind: boolean;
  readonly columns: ReadonlyArray<{
    readonly model: string;
    readonly messages: ReadonlyArray<{ readonly role: 'user' | 'assistant'; readonly content: string; readonly imageAttached: boolean }>;
    readonly answers: readonly PlaygroundAnswerDto[];
  }>;
}

export interface PlaygroundVoteRecord {
  readonly comparisonId: string;
  readonly turn: number;
  readonly taskTag: string;
  readonly models: readonly string[];
  /** null for a tie */
  readonly winner: string | null;
}

/** A stored vote as the leaderboard reads it. */
export interface PlaygroundVoteRow {
  readonly models: string[];
  readonly winner: string | null;
}

/** The playground's tables: the ledger file's (below) or, in team mode, PostgreSQL's (postgres/playground.ts). */
export interface PlaygroundTables {
  /** by name, case-insensitively (ASCII) */
  listSets(): Promise<PlaygroundSetDto[]>;
  /** Inserts or replaces the set named `set.name`; `at` is its update time (and its creation time when new). */
  saveSet(set: PlaygroundSetRecord, at: number): Promise<PlaygroundSetDto>;
  deleteSet(name: string): Promise<boolean>;
  /** Creates or replaces a comparison whole (columns and answers included) in one transaction, keeping its creation time. */
  saveComparison(comparison: PlaygroundComparisonRecord, title: string, at: number): Promise<void>;
  /** Newest first; `id` narrows it to one. */
  comparisonSummaries(limit: number, id?: string): Promise<PlaygroundComparisonSummaryDto[]>;
  comparison(id: string): Promise<PlaygroundComparisonDto | null>;
  deleteComparison(id: string): Promise<boolean>;
  /** One vote per comparison turn: voting again replaces the earlier vote. */
  saveVote(vote: PlaygroundVoteRecord, at: number): Promise<void>;
  /** Oldest first; every vote, or those of one task tag. */
  votes(taskTag: string | undefined): Promise<PlaygroundVoteRow[]>;
  /** tags by how many votes they have, most first */
  voteTags(): Promise<Array<{ tag: string; votes: number }>>;
}

/** The ledger file's tables behind the interface: each call runs at once, synchronously, as before. */
export function sqlitePlaygroundTables(database: LedgerDatabase): PlaygroundTables {
  return {
    listSets: async () => listPlaygroundSets(database),
    saveSet: async (set, at) => savePlaygroundSet(database, set, at),
    deleteSet: async (name) => deletePlaygroundSet(database, name),
    saveComparison: async (comparison, title, at) => savePlaygroundComparison(database, comparison, title, at),
    comparisonSummaries: async (limit, id) => playgroundComparisonSummaries(database, limit, id),
    comparison: async (id) => playgroundComparison(database, id),
    deleteComparison: async (id) => deletePlaygroundComparison(database, id),
    saveVote: async (vote, at) => savePlaygroundVote(database, vote, at),
    votes: async (taskTag) => playgroundVotes(database, taskTag),
    voteTags: async () => playgroundVoteTags(database),
  };
}

/** A playground_sets row as both databases return it. */
export interface SetRow {
  name: string;
  models: string;
  system_prompt: string;
  parameters: string;
  task_tag: string;
  updated_at: number;
}

/** A playground_comparisons row as both databases return it (blind: 0/1). */
export interface ComparisonRow {
  id: string;
  created_at: number;
  updated_at: number;
  task_tag: string;
  title: string;
  system_prompt: string;
  parameters: string;
  blind: number;
}

/** A playground_answers row as both databases return it. */
export interface AnswerRow {
  position: number;
  turn: number;
  status: PlaygroundAnswerDto['status'];
  error: string | null;
  request_id: string | null;
  provider_id: string | null;
  served_model: string | null;
  attempts: string | null;
  ttft_ms: number | null;
  tokens_per_second: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
}

export function listPlaygroundSets(database: LedgerDatabase): PlaygroundSetDto[] {
  return database.prepare<[], SetRow>('SELECT * FROM playground_sets ORDER BY name COLLATE NOCASE').all().map(setDto);
}

/** Inserts or replaces the set named `set.name`; `at` is its update time (and its creation time when new). */
export function savePlaygroundSet(database: LedgerDatabase, set: PlaygroundSetRecord, at: number): PlaygroundSetDto {
  database
    .prepare(
      `INSERT INTO playground_sets (name, models, system_prompt, parameters, task_tag, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET models = excluded.models, system_prompt = excluded.system_prompt, parameters = excluded.parameters,
         task_tag = excluded.task_tag, updated_at = excluded.updated_at`,
    )
    .run(set.name, JSON.stringify(set.models), set.systemPrompt, JSON.stringify(set.parameters), set.taskTag, at, at);
  return setDto(database.prepare<[string], SetRow>('SELECT * FROM playground_sets WHERE name = ?').get(set.name) as SetRow);
}

export function deletePlaygroundSet(database: LedgerDatabase, name: string): boolean {
  return database.prepare('DELETE FROM playground_sets WHERE name = ?').run(name).changes > 0;
}

/** Creates or replaces a comparison whole (columns and answers included) in one transaction, keeping its creation time. */
export function savePlaygroundComparison(database: LedgerDatabase, comparison: PlaygroundComparisonRecord, title: string, at: number): void {
  database
    .transaction(() => {
      database
        .prepare(
          `INSERT INTO playground_comparisons (id, created_at, updated_at, task_tag, title, system_prompt, parameters, blind) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, task_tag = excluded.task_tag, title = excluded.title,
             system_prompt = excluded.system_prompt, parameters = excluded.parameters, blind = excluded.blind`,
        )
        .run(comparison.id, at, at, comparison.taskTag, title, comparison.systemPrompt, JSON.stringify(comparison.parameters), comparison.blind ? 1 : 0);
      database.prepare('DELETE FROM playground_columns WHERE comparison_id = ?').run(comparison.id);
      const insertColumn = database.prepare('INSERT INTO playground_columns (comparison_id, position, model, messages) VALUES (?, ?, ?, ?)');
      const insertAnswer = database.prepare(
        `INSERT INTO playground_answers (comparison_id, position, turn, status, error, request_id, provider_id, served_model, attempts, ttft_ms, tokens_per_second, input_tokens, output_tokens, cost_usd)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [position, column] of comparison.columns.entries()) {
        insertColumn.run(comparison.id, position, column.model, JSON.stringify(column.messages));
        for (const [turn, answer] of column.answers.entries()) {
          insertAnswer.run(
            comparison.id,
            position,
            turn,
            answer.status,
            answer.error,
            answer.requestId,
            answer.providerId,
            answer.servedModel,
            answer.attempts,
            answer.ttftMs,
            answer.tokensPerSecond,
            answer.inputTokens,
            answer.outputTokens,
            answer.costUsd,
          );
        }
      }
    })
    .immediate();
}

/** Newest first; `id` narrows it to one. */
export function playgroundComparisonSummaries(database: LedgerDatabase, limit: number, id?: string): PlaygroundComparisonSummaryDto[] {
  const rows = database
    .prepare<[string | null, string | null, number], SummaryRow>(
      `SELECT comparison.*,
         (SELECT json_group_array(model) FROM (SELECT model FROM playground_columns WHERE comparison_id = comparison.id ORDER BY position)) AS models,
         (SELECT MAX(turn) + 1 FROM playground_answers WHERE comparison_id = comparison.id) AS turns,
         (SELECT winner FROM playground_votes WHERE comparison_id = comparison.id ORDER BY turn DESC LIMIT 1) AS winner,
         (SELECT COUNT(*) FROM playground_votes WHERE comparison_id = comparison.id) AS voted
       FROM playground_comparisons AS comparison
       WHERE (? IS NULL OR comparison.id = ?)
       ORDER BY comparison.updated_at DESC, comparison.id DESC LIMIT ?`,
    )
    .all(id ?? null, id ?? null, limit);
  return rows.map(summaryDto);
}

/** A summary row: the comparison's columns plus its models (a JSON array), turns, last vote's winner and vote count. */
export type SummaryRow = ComparisonRow & { models: string | null; turns: number | null; winner: string | null; voted: number | null };

export function summaryDto(row: SummaryRow): PlaygroundComparisonSummaryDto {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    taskTag: row.task_tag,
    title: row.title,
    models: parseJson<string[]>(row.models, []),
    turns: row.turns ?? 0,
    blind: row.blind === 1,
    winner: (row.voted ?? 0) === 0 ? null : (row.winner ?? 'tie'),
  };
}

export function playgroundComparison(database: LedgerDatabase, id: string): PlaygroundComparisonDto | null {
  const row = database.prepare<[string], ComparisonRow>('SELECT * FROM playground_comparisons WHERE id = ?').get(id);
  if (!row) return null;
  const columns = database
    .prepare<[string], { position: number; model: string; messages: string }>(
      'SELECT position, model, messages FROM playground_columns WHERE comparison_id = ? ORDER BY position',
    )
    .all(id);
  const answers = database.prepare<[string], AnswerRow>('SELECT * FROM playground_answers WHERE comparison_id = ? ORDER BY position, turn').all(id);
  return comparisonDto(row, columns, answers);
}

/** A comparison from its row, its columns (by position) and their answers (by position, turn). */
export function comparisonDto(
  row: ComparisonRow,
  columns: ReadonlyArray<{ position: number; model: string; messages: string }>,
  answers: readonly AnswerRow[],
): PlaygroundComparisonDto {
  return {
    id: row.id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    taskTag: row.task_tag,
    systemPrompt: row.system_prompt,
    parameters: parseJson<PlaygroundParametersDto>(row.parameters, { temperature: null, maxTokens: null, topP: null }),
    blind: row.blind === 1,
    columns: columns.map((column) => ({
      model: column.model,
      messages: parseJson<PlaygroundComparisonDto['columns'][number]['messages']>(column.messages, []),
      answers: answers.filter((answer) => answer.position === column.position).map(answerDto),
    })),
  };
}

export function deletePlaygroundComparison(database: LedgerDatabase, id: string): boolean {
  return database.prepare('DELETE FROM playground_comparisons WHERE id = ?').run(id).changes > 0;
}

/** One vote per comparison turn: voting again replaces the earlier vote. */
export function savePlaygroundVote(database: LedgerDatabase, vote: PlaygroundVoteRecord, at: number): void {
  database
    .prepare(
      `INSERT INTO playground_votes (comparison_id, turn, task_tag, models, winner, voted_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (comparison_id, turn) DO UPDATE SET task_tag = excluded.task_tag, models = excluded.models, winner = excluded.winner, voted_at = excluded.voted_at`,
    )
    .run(vote.comparisonId, vote.turn, vote.taskTag, JSON.stringify(vote.models), vote.winner, at);
}

/** Oldest first; every vote, or those of one task tag. */
export function playgroundVotes(database: LedgerDatabase, taskTag: string | undefined): PlaygroundVoteRow[] {
  return database
    .prepare<[string | null, string | null], { models: string; winner: string | null }>(
      'SELECT models, winner FROM playground_votes WHERE (? IS NULL OR task_tag = ?) ORDER BY voted_at',
    )
    .all(taskTag ?? null, taskTag ?? null)
    .map(voteRow);
}

export function playgroundVoteTags(database: LedgerDatabase): Array<{ tag: string; votes: number }> {
  return database
    .prepare<[], { tag: string; votes: number }>('SELECT task_tag AS tag, COUNT(*) AS votes FROM playground_votes GROUP BY task_tag ORDER BY votes DESC, tag')
    .all();
}

/** A stored vote's models (JSON text) and winner. */
export function voteRow(row: { models: string; winner: string | null }): PlaygroundVoteRow {
  return { models: parseJson<string[]>(row.models, []), winner: row.winner };
}

export function setDto(row: SetRow): PlaygroundSetDto {
  return {
    name: row.name,
    models: parseJson<string[]>(row.models, []),
    systemPrompt: row.system_prompt,
    parameters: parseJson<PlaygroundParametersDto>(row.parameters, { temperature: null, maxTokens: null, topP: null }),
    taskTag: row.task_tag,
    updatedAt: row.updated_at,
  };
}

function answerDto(row: AnswerRow): PlaygroundAnswerDto {
  return {
    status: row.status,
    error: row.error,
    requestId: row.request_id,
    providerId: row.provider_id,
    servedModel: row.served_model,
    attempts: row.attempts,
    ttftMs: row.ttft_ms,
    tokensPerSecond: row.tokens_per_second,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
  };
}

/** The JSON columns are written by this file only; a damaged one reads as the fallback rather than failing the list. */
function parseJson<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
