// The playground's saved sets, kept comparisons and votes: what a comparison's title is and the clock that stamps
// each write. The tables and their SQL are the ledger's (ledger/playground-tables.ts).
import type { PlaygroundComparisonDto, PlaygroundComparisonSummaryDto, PlaygroundSetDto } from '../../shared/control/contract.js';
import type { LedgerDatabase } from '../ledger/database.js';
import {
  deletePlaygroundComparison,
  deletePlaygroundSet,
  listPlaygroundSets,
  playgroundComparison,
  playgroundComparisonSummaries,
  playgroundVoteTags,
  playgroundVotes,
  savePlaygroundComparison,
  savePlaygroundSet,
  savePlaygroundVote,
  type PlaygroundComparisonRecord,
  type PlaygroundSetRecord,
  type PlaygroundVoteRecord,
} from '../ledger/playground-tables.js';
import type { Vote } from './playground-rating.js';

const titleLength = 120;

export class PlaygroundStore {
  constructor(
    private readonly database: LedgerDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  listSets(): PlaygroundSetDto[] {
    return listPlaygroundSets(this.database);
  }

  saveSet(set: PlaygroundSetRecord): PlaygroundSetDto {
    return savePlaygroundSet(this.database, set, this.now());
  }

  deleteSet(name: string): boolean {
    return deletePlaygroundSet(this.database, name);
  }

  /** Creates or replaces a comparison whole (columns and answers included), keeping its creation time. */
  saveComparison(comparison: PlaygroundComparisonRecord): PlaygroundComparisonSummaryDto {
    const firstPrompt = comparison.columns[0]?.messages.find((message) => message.role === 'user')?.content ?? '';
    const title = firstPrompt.replace(/\s+/g, ' ').trim().slice(0, titleLength);
    savePlaygroundComparison(this.database, comparison, title, this.now());
    return this.summaries(1, comparison.id)[0] as PlaygroundComparisonSummaryDto;
  }

  /** Newest first; `id` narrows it to one. */
  summaries(limit: number, id?: string): PlaygroundComparisonSummaryDto[] {
    return playgroundComparisonSummaries(this.database, limit, id);
  }

  comparison(id: string): PlaygroundComparisonDto | null {
    return playgroundComparison(this.database, id);
  }

  deleteComparison(id: string): boolean {
    return deletePlaygroundComparison(this.database, id);
  }

  /** One vote per comparison turn: voting again replaces the earlier vote. */
  vote(vote: PlaygroundVoteRecord): void {
    savePlaygroundVote(this.database, vote, this.now());
  }

  votes(taskTag: string | undefined): Vote[] {
    return playgroundVotes(this.database, taskTag);
  }

  tags(): Array<{ tag: string; votes: number }> {
    return playgroundVoteTags(this.database);
  }
}
