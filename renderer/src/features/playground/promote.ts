// "Use this": the winning column becomes a route. A new alias gets the winner as its only target; an existing one
// gets it as a new first tier, ahead of its current targets (moved there if it was one of them; dropped from the
// fallbacks), keeping its description, preference and retries — so the winner serves first and the old targets
// remain its fallbacks.
import type { RouteDto, RouteInput } from '../../../../shared/control/contract';
import type { ColumnState } from './playground-types';

const modelReference = /^[^/\s]+\/\S+$/;

/** The provider/model that actually answered (an alias resolves to its target), else the requested name if it is one. */
export function servedTarget(column: Pick<ColumnState, 'model' | 'routing'>): string | null {
  const providerId = column.routing?.providerId;
  const served = column.routing?.servedModel;
  if (providerId && served) return `${providerId}/${served}`;
  return modelReference.test(column.model) ? column.model : null;
}

export function promotedRoute(name: string, winner: string, existing: RouteDto | undefined): RouteInput {
  if (!existing) return { name, targets: [{ model: winner, weight: 1, tier: 0 }], fallbacks: [], prefer: 'order' };
  const rest = existing.targets
    .filter((target) => target.model !== winner)
    .map((target) => ({ model: target.model, weight: target.weight, tier: target.tier + 1 }));
  return {
    name,
    ...(existing.description === null ? {} : { description: existing.description }),
    targets: [{ model: winner, weight: 1, tier: 0 }, ...rest],
    fallbacks: existing.fallbacks.filter((fallback) => fallback !== winner),
    prefer: existing.prefer,
    ...(existing.numRetries === null ? {} : { numRetries: existing.numRetries }),
  };
}
