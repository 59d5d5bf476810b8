// The playground's calls in the fake core: saved sets, kept comparisons and votes in memory, and a leaderboard from
// a simple smoothed win rate (the real one fits Bradley–Terry in main/control/playground-rating.ts).
import type { ControlApi, LeaderboardDto, PlaygroundComparisonDto, PlaygroundSetDto } from '../../../../shared/control/contract';
import { ControlCallError } from '../control-error';

type PlaygroundCalls = Pick<
  ControlApi,
  | 'playground.sets.list'
  | 'playground.sets.save'
  | 'playground.sets.delete'
  | 'playground.history.list'
  | 'playground.history.get'
  | 'playground.history.save'
  | 'playground.history.delete'
  | 'playground.vote'
  | 'playground.leaderboard'
>;

export interface FakePlaygroundState {
  sets: PlaygroundSetDto[];
  comparisons: PlaygroundComparisonDto[];
  votes: Array<{ comparisonId: string; turn: number; taskTag: string; models: string[]; winner: string | null }>;
}

export function fakePlaygroundCalls(state: FakePlaygroundState, now: () => number): PlaygroundCalls {
  const leaderboard = (taskTag: string | undefined): LeaderboardDto => {
    const votes = state.votes.filter((vote) => taskTag === undefined || vote.taskTag === taskTag);
    const tally = new Map<string, { wins: number; losses: number; ties: number; votes: number }>();
    for (const vote of votes) {
      for (const model of vote.models) {
        const entry = tally.get(model) ?? { wins: 0, losses: 0, ties: 0, votes: 0 };
        entry.votes += 1;
        if (vote.winner === null) entry.ties += 1;
        else if (vote.winner === model) entry.wins += 1;
        else entry.losses += 1;
        tally.set(model, entry);
      }
    }
    const tags = [...new Set(state.votes.map((vote) => vote.taskTag))].map((tag) => ({
      tag,
      votes: state.votes.filter((vote) => vote.taskTag === tag).length,
    }));
    const models = [...tally].map(([model, entry]) => ({
      model,
      rating: Math.round(10 * (1000 + 400 * Math.log10((entry.wins + entry.ties / 2 + 1) / (entry.losses + entry.ties / 2 + 1)))) / 10,
      uncertainty: Math.round(4000 / Math.sqrt(entry.votes + 1)) / 10,
      ...entry,
    }));
    return { taskTag: taskTag ?? null, tags, votes: votes.length, method: 'bradley-terry', models: models.sort((left, right) => right.rating - left.rating) };
  };
  const summary = (comparison: PlaygroundComparisonDto) => {
    const votes = state.votes.filter((vote) => vote.comparisonId === comparison.id).sort((left, right) => right.turn - left.turn);
    return {
      id: comparison.id,
      createdAt: comparison.createdAt,
      updatedAt: comparison.updatedAt,
      taskTag: comparison.taskTag,
      title: (comparison.columns[0]?.messages.find((message) => message.role === 'user')?.content ?? '').replace(/\s+/g, ' ').trim().slice(0, 120),
      models: comparison.columns.map((column) => column.model),
      turns: Math.max(0, ...comparison.columns.map((column) => column.answers.length)),
      blind: comparison.blind,
      winner: votes.length === 0 ? null : (votes[0]?.winner ?? 'tie'),
    };
  };
  return {
    'playground.sets.list': async () => [...state.sets].sort((left, right) => left.name.localeCompare(right.name)),
    'playground.sets.save': async (input) => {
      const saved = { ...input, updatedAt: now() };
      state.sets = [...state.sets.filter((entry) => entry.name !== input.name), saved];
      return saved;
    },
    'playground.sets.delete': async ({ name }) => {
      if (!state.sets.some((entry) => entry.name === name))
        throw new ControlCallError('playground.sets.delete', `no saved comparison set named '${name}'`, 'not_found', 'name');
      state.sets = state.sets.filter((entry) => entry.name !== name);
      return { deleted: true };
    },
    'playground.history.list': async ({ limit }) =>
      [...state.comparisons]
        .sort((left, right) => right.updatedAt - left.updatedAt)
        .slice(0, limit)
        .map(summary),
    'playground.history.get': async ({ id }) => state.comparisons.find((comparison) => comparison.id === id) ?? null,
    'playground.history.save': async (input) => {
      const existing = state.comparisons.find((comparison) => comparison.id === input.id);
      const saved: PlaygroundComparisonDto = { ...input, createdAt: existing?.createdAt ?? now(), updatedAt: now() };
      state.comparisons = [...state.comparisons.filter((comparison) => comparison.id !== input.id), saved];
      return summary(saved);
    },
    'playground.history.delete': async ({ id }) => {
      state.comparisons = state.comparisons.filter((comparison) => comparison.id !== id);
      return { deleted: true };
    },
    'playground.vote': async (vote) => {
      state.votes = [
        ...state.votes.filter((entry) => !(entry.comparisonId === vote.comparisonId && entry.turn === vote.turn)),
        { ...vote, winner: vote.winner === 'tie' ? null : vote.winner },
      ];
      return { recorded: true };
    },
    'playground.leaderboard': async ({ taskTag }) => leaderboard(taskTag),
  };
}
