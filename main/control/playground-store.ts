// The playground's saved sets, kept comparisons and votes: what a comparison's title is and the clock that stamps
// each write. The tables and their SQL are the ledger's (ledger/playground-tables.ts: the ledger file's; in team mode
// ledger/postgres/playground.ts, shared by every replica), behind one async interface.
import type { PlaygroundComparisonDto, PlaygroundComparisonSummaryDto, PlaygroundSetDto } from '../../shared/control/contract.js';
import type { PlaygroundComparisonRecord, PlaygroundSetRecord, PlaygroundTables, PlaygroundVoteRecord } from '../ledger/playground-tables.js';
import type { Vote } from './playground-rating.js';

const titleLength = 120;

export class PlaygroundStore {
  constructor(
    private readonly tables: PlaygroundTables,
    private readonly now: () => number = Date.now,
  ) {}

  listSets(): Promise<PlaygroundSetDto[]> {
    return this.tables.listSets();
  }

  saveSet(set: PlaygroundSetRecord): Promise<PlaygroundSetDto> {
    return this.tables.saveSet(set, this.now());
  }

  deleteSet(name: string): Promise<boolean> {
    return this.tables.deleteSet(name);
  }

  /** Creates or replaces a comparison whole (columns and answers included), keeping its creation time. */
  async saveComparison(comparison: PlaygroundComparisonRecord): Promise<PlaygroundComparisonSummaryDto> {
    const firstPrompt = comparison.columns[0]?.messages.find((message) => message.role === 'user')?.content ?? '';
    const title = firstPrompt.replace(/\s+/g, ' ').trim().slice(0, titleLength);
    await this.tables.saveComparison(comparison, title, this.now());
    return (await this.summaries(1, comparison.id))[0] as PlaygroundComparisonSummaryDto;
  }

  /** Newest first; `id` narrows it to one. */
  summaries(limit: number, id?: string): Promise<PlaygroundComparisonSummaryDto[]> {
    return this.tables.comparisonSummaries(limit, id);
  }

  comparison(id: string): Promise<PlaygroundComparisonDto | null> {
    return this.tables.comparison(id);
  }

  deleteComparison(id: string): Promise<boolean> {
    return this.tables.deleteComparison(id);
  }

  /** One vote per comparison turn: voting again replaces the earlier vote. */
  vote(vote: PlaygroundVoteRecord): Promise<void> {
    return this.tables.saveVote(vote, this.now());
  }

  votes(taskTag: string | undefined): Promise<Vote[]> {
    return this.tables.votes(taskTag);
  }

  tags(): Promise<Array<{ tag: string; votes: number }>> {
    return this.tables.voteTags();
  }
}
