// The playground's leaderboard: a Bradley–Terry model fitted to the user's votes, with a 95% interval per model.
// Each vote is split into pairwise outcomes (the winner beat every other model in it; a tie is half a win each
// way). Log-strengths get a weak Gaussian prior (a ridge), so a model that won every vote still has a finite
// rating and the fit is defined from the first vote; the interval comes from the curvature of the posterior at
// its maximum (the inverse of the negative Hessian), so it narrows as votes accumulate (roughly as 1/√votes).

export interface Vote {
  readonly models: readonly string[];
  /** one of `models`, or null for a tie */
  readonly winner: string | null;
}

export interface Rating {
  readonly model: string;
  /** Elo scale: 1000 is the prior's centre (the average model); 400 points = 10:1 odds */
  readonly rating: number;
  /** half-width of the 95% interval, in rating points */
  readonly uncertainty: number;
  readonly wins: number;
  readonly losses: number;
  readonly ties: number;
  readonly votes: number;
}

/** Prior standard deviation of a log-strength: ±1.5 is about ±650 Elo points at 95% before any vote. */
const priorSd = 1.5;
const eloPerNat = 400 / Math.LN10;
const z95 = 1.959964;

export function rateModels(votes: readonly Vote[]): Rating[] {
  const models = [...new Set(votes.flatMap((vote) => vote.models))].sort();
  const index = new Map(models.map((model, position) => [model, position]));
  const count = models.length;
  if (count === 0) return [];
  // wins[i][j]: how often i beat j (ties add 0.5 both ways); games[i][j]: how often they met
  const wins = square(count);
  const games = square(count);
  const tally = models.map(() => ({ wins: 0, losses: 0, ties: 0, votes: 0 }));
  for (const vote of votes) {
    const members = [...new Set(vote.models)].map((model) => index.get(model) as number);
    for (const member of members) {
      const record = tally[member]!;
      record.votes += 1;
      if (vote.winner === null) record.ties += 1;
      else if (models[member] === vote.winner) record.wins += 1;
      else record.losses += 1;
    }
    for (const [position, left] of members.entries()) {
      for (const right of members.slice(position + 1)) {
        games[left]![right]! += 1;
        games[right]![left]! += 1;
        const leftWon = vote.winner === null ? 0.5 : models[left] === vote.winner ? 1 : models[right] === vote.winner ? 0 : 0.5;
        wins[left]![right]! += leftWon;
        wins[right]![left]! += 1 - leftWon;
      }
    }
  }
  const { strengths, covariance } = fit(wins, games);
  return models
    .map((model, position) => ({
      model,
      rating: 1000 + eloPerNat * strengths[position]!,
      uncertainty: z95 * eloPerNat * Math.sqrt(Math.max(0, covariance[position]![position]!)),
      ...tally[position]!,
    }))
    .sort((left, right) => right.rating - left.rating || left.model.localeCompare(right.model));
}

/** Newton's method on the (concave) log-posterior; converges in a handful of steps for these sizes. */
function fit(wins: number[][], games: number[][]): { strengths: number[]; covariance: number[][] } {
  const count = wins.length;
  let strengths = new Array<number>(count).fill(0);
  let negativeHessian = square(count);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const gradient = strengths.map((strength) => -strength / priorSd ** 2);
    negativeHessian = square(count);
    for (let left = 0; left < count; left += 1) {
      negativeHessian[left]![left] = 1 / priorSd ** 2;
      for (let right = 0; right < count; right += 1) {
        const met = games[left]![right]!;
        if (left === right || met === 0) continue;
        const expected = 1 / (1 + Math.exp(strengths[right]! - strengths[left]!));
        gradient[left]! += wins[left]![right]! - met * expected;
        const curvature = met * expected * (1 - expected);
        negativeHessian[left]![left]! += curvature;
        negativeHessian[left]![right]! -= curvature;
      }
    }
    const step = solve(negativeHessian, gradient);
    strengths = strengths.map((strength, position) => strength + step[position]!);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { strengths, covariance: invert(negativeHessian) };
}

function square(size: number): number[][] {
  return Array.from({ length: size }, () => new Array<number>(size).fill(0));
}

/** Gauss–Jordan elimination with partial pivoting; the matrix is symmetric positive definite here. */
function invert(matrix: readonly (readonly number[])[]): number[][] {
  const size = matrix.length;
  const rows = matrix.map((row, position) => [...row, ...Array.from({ length: size }, (_, column) => (column === position ? 1 : 0))]);
  for (let column = 0; column < size; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < size; row += 1) if (Math.abs(rows[row]![column]!) > Math.abs(rows[pivot]![column]!)) pivot = row;
    [rows[column], rows[pivot]] = [rows[pivot]!, rows[column]!];
    const lead = rows[column]![column]!;
    for (let entry = 0; entry < 2 * size; entry += 1) rows[column]![entry]! /= lead;
    for (let row = 0; row < size; row += 1) {
      if (row === column) continue;
      const factor = rows[row]![column]!;
      if (factor === 0) continue;
      for (let entry = 0; entry < 2 * size; entry += 1) rows[row]![entry]! -= factor * rows[column]![entry]!;
    }
  }
  return rows.map((row) => row.slice(size));
}

function solve(matrix: readonly (readonly number[])[], vector: readonly number[]): number[] {
  const inverse = invert(matrix);
  return inverse.map((row) => row.reduce((sum, value, position) => sum + value * vector[position]!, 0));
}
