// The leaderboard's Bradley–Terry fit: known vote sequences give the expected order, ties pull ratings together,
// and the uncertainty shrinks as votes accumulate.
import { describe, expect, it } from 'vitest';
import { rateModels, type Vote } from './playground-rating.js';

function repeat(vote: Vote, times: number): Vote[] {
  return Array.from({ length: times }, () => vote);
}

const pair = ['a/one', 'b/two'];

describe('rateModels', () => {
  it('has nothing to rank without votes', () => {
    expect(rateModels([])).toEqual([]);
  });

  it('ranks the model that wins more often first, with counts per model', () => {
    const ratings = rateModels([...repeat({ models: pair, winner: 'b/two' }, 7), ...repeat({ models: pair, winner: 'a/one' }, 3)]);
    expect(ratings.map((rating) => rating.model)).toEqual(['b/two', 'a/one']);
    expect(ratings[0]).toMatchObject({ wins: 7, losses: 3, ties: 0, votes: 10 });
    expect(ratings[1]).toMatchObject({ wins: 3, losses: 7, ties: 0, votes: 10 });
    // symmetric around the centre: the prior keeps the average at 1000
    expect((ratings[0]!.rating + ratings[1]!.rating) / 2).toBeCloseTo(1000, 6);
  });

  it('keeps a model that won every vote finite, and ranks a transitive chain in order', () => {
    const votes = [
      ...repeat({ models: ['x/top', 'x/middle'], winner: 'x/top' }, 4),
      ...repeat({ models: ['x/middle', 'x/bottom'], winner: 'x/middle' }, 4),
      ...repeat({ models: ['x/top', 'x/bottom'], winner: 'x/top' }, 2),
    ];
    const ratings = rateModels(votes);
    expect(ratings.map((rating) => rating.model)).toEqual(['x/top', 'x/middle', 'x/bottom']);
    for (const rating of ratings) {
      expect(Number.isFinite(rating.rating)).toBe(true);
      expect(Number.isFinite(rating.uncertainty)).toBe(true);
    }
  });

  it('treats a tie as half a win each way: equal records give equal ratings', () => {
    const ratings = rateModels([...repeat({ models: pair, winner: null }, 4), { models: pair, winner: 'a/one' }, { models: pair, winner: 'b/two' }]);
    expect(ratings[0]!.rating).toBeCloseTo(ratings[1]!.rating, 9);
    expect(ratings.find((rating) => rating.model === 'a/one')).toMatchObject({ wins: 1, losses: 1, ties: 4, votes: 6 });
  });

  it('counts a win over several models at once against each of them', () => {
    const ratings = rateModels(repeat({ models: ['m/a', 'm/b', 'm/c'], winner: 'm/c' }, 3));
    expect(ratings[0]?.model).toBe('m/c');
    expect(ratings[1]!.rating).toBeCloseTo(ratings[2]!.rating, 9);
  });

  it('narrows the interval as votes accumulate at the same ratio', () => {
    const few = rateModels([...repeat({ models: pair, winner: 'a/one' }, 3), { models: pair, winner: 'b/two' }]);
    const many = rateModels([...repeat({ models: pair, winner: 'a/one' }, 30), ...repeat({ models: pair, winner: 'b/two' }, 10)]);
    const most = rateModels([...repeat({ models: pair, winner: 'a/one' }, 300), ...repeat({ models: pair, winner: 'b/two' }, 100)]);
    expect(many[0]!.uncertainty).toBeLessThan(few[0]!.uncertainty);
    expect(most[0]!.uncertainty).toBeLessThan(many[0]!.uncertainty);
    // and the estimate approaches the true 3:1 odds (log 3 nats apart ≈ 191 Elo points)
    expect(most[0]!.rating - most[1]!.rating).toBeGreaterThan(170);
    expect(most[0]!.rating - most[1]!.rating).toBeLessThan(200);
  });

  it('gives a lone model of the prior a wide interval', () => {
    const ratings = rateModels([{ models: pair, winner: 'a/one' }]);
    expect(ratings[0]!.uncertainty).toBeGreaterThan(300);
  });
});
