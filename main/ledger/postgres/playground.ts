// The playground's tables in PostgreSQL (team mode, migration 6): saved sets, kept comparisons with their columns and
// answers, and votes, shared by every replica, so a comparison kept through one replica's admin UI is in the history
// on all of them. The same columns, encoding (JSON text, 0/1 flags) and row-to-DTO mapping as the ledger file's
// tables (../playground-tables.ts); ids, names and tags sort bytewise (COLLATE "C"), as SQLite's do. A comparison
// is written whole in one transaction (its row first: the upsert locks it, so two replicas saving the same
// comparison take turns instead of mixing columns). PostgreSQL text cannot hold NUL: a text that has one keeps
// it as U+FFFD (the JSON columns never do: JSON.stringify escapes it).
import type { PlaygroundComparisonDto, PlaygroundComparisonSummaryDto, PlaygroundSetDto } from '../../../shared/control/contract.js';
import {
  comparisonDto,
  setDto,
  summaryDto,
  voteRow,
  type AnswerRow,
  type ComparisonRow,
  type PlaygroundComparisonRecord,
  type PlaygroundSetRecord,
  type PlaygroundTables,
  type PlaygroundVoteRecord,
  type PlaygroundVoteRow,
  type SetRow,
  type SummaryRow,
} from '../playground-tables.js';
import { inTransaction, type Pool } from './client.js';

/** SQLite's NOCASE folds ASCII letters only; so does this (lower() would follow the database's locale). */
const nocase = (column: string): string => `translate(${column}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') COLLATE "C"`;

const insertColumns = 'INSERT INTO playground_columns (comparison_id, position, model, messages) SELECT $1, * FROM unnest($2::int4[], $3::text[], $4::text[])';
const insertAnswers =
  'INSERT INTO playground_answers (comparison_id, position, turn, status, error, request_id, provider_id, served_model, attempts, ttft_ms, tokens_per_second, input_tokens, output_tokens, cost_usd) ' +
  'SELECT $1, * FROM unnest($2::int4[], $3::int4[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::float8[], $11::float8[], $12::int8[], $13::int8[], $14::float8[])';

export class PostgresPlaygroundTables implements PlaygroundTables {
  constructor(private readonly pool: Pool) {}

  async listSets(): Promise<PlaygroundSetDto[]> {
    const { rows } = await this.pool.query<SetRow>(`SELECT * FROM playground_sets ORDER BY ${nocase('name')}, name`);
    return rows.map(setDto);
  }

  async saveSet(set: PlaygroundSetRecord, at: number): Promise<PlaygroundSetDto> {
    const { rows } = await this.pool.query<SetRow>(
      `INSERT INTO playground_sets (name, models, system_prompt, parameters, task_tag, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (name) DO UPDATE SET models = excluded.models, system_prompt = excluded.system_prompt, parameters = excluded.parameters,
         task_tag = excluded.task_tag, updated_at = excluded.updated_at
       RETURNING *`,
      [storable(set.name), JSON.stringify(set.models), storable(set.systemPrompt), JSON.stringify(set.parameters), storable(set.taskTag), Math.trunc(at)],
    );
    return setDto(rows[0] as SetRow);
  }

  async deleteSet(name: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM playground_sets WHERE name = $1', [storable(name)]);
    return (rowCount ?? 0) > 0;
  }

  async saveComparison(comparison: PlaygroundComparisonRecord, title: string, at: number): Promise<void> {
    const id = storable(comparison.id);
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO playground_comparisons (id, created_at, updated_at, task_tag, title, system_prompt, parameters, blind) VALUES ($1, $2, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, task_tag = excluded.task_tag, title = excluded.title,
           system_prompt = excluded.system_prompt, parameters = excluded.parameters, blind = excluded.blind`,
        [
          id,
          Math.trunc(at),
          storable(comparison.taskTag),
          storable(title),
          storable(comparison.systemPrompt),
          JSON.stringify(comparison.parameters),
          comparison.blind ? 1 : 0,
        ],
      );
      await client.query('DELETE FROM playground_columns WHERE comparison_id = $1', [id]);
      const columns = [...comparison.columns.entries()];
      if (columns.length > 0) {
        await client.query(insertColumns, [
          id,
          columns.map(([position]) => position),
          columns.map(([, column]) => storable(column.model)),
          columns.map(([, column]) => JSON.stringify(column.messages)),
        ]);
      }
      const answers = columns.flatMap(([position, column]) => column.answers.map((answer, turn) => ({ position, turn, answer })));
      if (answers.length > 0) {
        const text = (value: string | null): string | null => (value === null ? null : storable(value));
        await client.query(insertAnswers, [
          id,
          answers.map((row) => row.position),
          answers.map((row) => row.turn),
          answers.map((row) => row.answer.status),
          answers.map((row) => text(row.answer.error)),
          answers.map((row) => text(row.answer.requestId)),
          answers.map((row) => text(row.answer.providerId)),
          answers.map((row) => text(row.answer.servedModel)),
          answers.map((row) => text(row.answer.attempts)),
          answers.map((row) => row.answer.ttftMs),
          answers.map((row) => row.answer.tokensPerSecond),
          answers.map((row) => row.answer.inputTokens),
          answers.map((row) => row.answer.outputTokens),
          answers.map((row) => row.answer.costUsd),
        ]);
      }
    });
  }

  async comparisonSummaries(limit: number, id?: string): Promise<PlaygroundComparisonSummaryDto[]> {
    const { rows } = await this.pool.query<SummaryRow>(
      `SELECT comparison.*,
         (SELECT json_agg(model ORDER BY position)::text FROM playground_columns WHERE comparison_id = comparison.id) AS models,
         (SELECT MAX(turn) + 1 FROM playground_answers WHERE comparison_id = comparison.id) AS turns,
         (SELECT winner FROM playground_votes WHERE comparison_id = comparison.id ORDER BY turn DESC LIMIT 1) AS winner,
         (SELECT COUNT(*)::int FROM playground_votes WHERE comparison_id = comparison.id) AS voted
       FROM playground_comparisons AS comparison
       WHERE ($1::text IS NULL OR comparison.id = $1)
       ORDER BY comparison.updated_at DESC, comparison.id DESC LIMIT $2`,
      [id === undefined ? null : storable(id), Math.max(0, Math.trunc(limit))],
    );
    return rows.map(summaryDto);
  }

  async comparison(id: string): Promise<PlaygroundComparisonDto | null> {
    const key = storable(id);
    // three reads in one snapshot, so a save on another replica meanwhile shows whole or not at all
    return inTransaction(this.pool, async (client) => {
      await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      const { rows } = await client.query<ComparisonRow>('SELECT * FROM playground_comparisons WHERE id = $1', [key]);
      const row = rows[0];
      if (!row) return null;
      const columns = await client.query<{ position: number; model: string; messages: string }>(
        'SELECT position, model, messages FROM playground_columns WHERE comparison_id = $1 ORDER BY position',
        [key],
      );
      const answers = await client.query<AnswerRow>('SELECT * FROM playground_answers WHERE comparison_id = $1 ORDER BY position, turn', [key]);
      return comparisonDto(row, columns.rows, answers.rows);
    });
  }

  async deleteComparison(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM playground_comparisons WHERE id = $1', [storable(id)]);
    return (rowCount ?? 0) > 0;
  }

  async saveVote(vote: PlaygroundVoteRecord, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO playground_votes (comparison_id, turn, task_tag, models, winner, voted_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (comparison_id, turn) DO UPDATE SET task_tag = excluded.task_tag, models = excluded.models, winner = excluded.winner, voted_at = excluded.voted_at`,
      [
        storable(vote.comparisonId),
        vote.turn,
        storable(vote.taskTag),
        JSON.stringify(vote.models),
        vote.winner === null ? null : storable(vote.winner),
        Math.trunc(at),
      ],
    );
  }

  async votes(taskTag: string | undefined): Promise<PlaygroundVoteRow[]> {
    const { rows } = await this.pool.query<{ models: string; winner: string | null }>(
      'SELECT models, winner FROM playground_votes WHERE ($1::text IS NULL OR task_tag = $1) ORDER BY voted_at, comparison_id, turn',
      [taskTag === undefined ? null : storable(taskTag)],
    );
    return rows.map(voteRow);
  }

  async voteTags(): Promise<Array<{ tag: string; votes: number }>> {
    const { rows } = await this.pool.query<{ tag: string; votes: number }>(
      'SELECT task_tag AS tag, COUNT(*)::int AS votes FROM playground_votes GROUP BY task_tag ORDER BY votes DESC, tag',
    );
    return rows;
  }
}

const storable = (text: string): string => (text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text);
