// "Saved by running locally": what a local request's tokens would have cost on the user's reference cloud model.
// The gateway stores it in cost_reference_usd at write time, like cost_usd, so it never changes afterwards.
import { costOf, type NormalizedUsage } from './pricing.js';
import type { ModelPrice } from '../config/types.js';

/** The reference model's price for these tokens, or null when no reference model (or no price for it) is set. */
export function referenceCost(usage: NormalizedUsage, referencePrice: ModelPrice | undefined): number | null {
  return referencePrice === undefined ? null : costOf(usage, referencePrice);
}

/** Saving on one row: the reference cost above what the row actually cost, never negative. */
export function savedUsd(row: { readonly costUsd: number | null; readonly costReferenceUsd: number | null }): number {
  if (row.costReferenceUsd === null) return 0;
  return Math.max(0, row.costReferenceUsd - (row.costUsd ?? 0));
}
