// The route editor's draft and its pure operations: reorder (drag or move up/down), add, remove, and conversion
// to and from the contract's shapes. Tiers follow from order: a target either starts a new tier or shares the load
// with the one above it.
import type { RouteDto, RouteInput, RouteLimitsDto } from '../../../../shared/control/contract';

export interface DraftTarget {
  readonly model: string;
  readonly weight: number;
  /** load-balanced with the target above (same tier) instead of being its fallback */
  readonly withPrevious: boolean;
}

export interface RouteDraft {
  readonly name: string;
  readonly description: string;
  readonly prefer: 'order' | 'local' | 'cloud';
  readonly targets: readonly DraftTarget[];
  readonly fallbacks: string;
  readonly numRetries: number | null;
  /** the route's rate limits; all null and no queue: none */
  readonly limits: RouteLimitsDto;
}

export const noRouteLimits: RouteLimitsDto = { requestsPerMinute: null, tokensPerMinute: null, concurrent: null, queue: null };

export const emptyDraft: RouteDraft = { name: '', description: '', prefer: 'order', targets: [], fallbacks: '', numRetries: null, limits: noRouteLimits };

export function draftFromRoute(route: RouteDto): RouteDraft {
  return {
    name: route.name,
    description: route.description ?? '',
    prefer: route.prefer,
    numRetries: route.numRetries,
    limits: route.limits ?? noRouteLimits,
    fallbacks: route.fallbacks.join(', '),
    targets: route.targets.map((target, index) => ({
      model: target.model,
      weight: target.weight,
      withPrevious: index > 0 && route.targets[index - 1]?.tier === target.tier,
    })),
  };
}

/** Moves the item at `from` to position `to` (both clamped); the first target can never share a tier. */
export function moveTarget(targets: readonly DraftTarget[], from: number, to: number): DraftTarget[] {
  const list = [...targets];
  if (from < 0 || from >= list.length) return list;
  const destination = Math.max(0, Math.min(list.length - 1, to));
  const [moved] = list.splice(from, 1);
  if (moved === undefined) return list;
  list.splice(destination, 0, moved);
  return normalise(list);
}

export function removeTarget(targets: readonly DraftTarget[], index: number): DraftTarget[] {
  return normalise(targets.filter((_target, position) => position !== index));
}

export function addTarget(targets: readonly DraftTarget[], model: string): DraftTarget[] {
  const trimmed = model.trim();
  if (trimmed === '' || targets.some((target) => target.model === trimmed)) return [...targets];
  return [...targets, { model: trimmed, weight: 1, withPrevious: false }];
}

function normalise(targets: DraftTarget[]): DraftTarget[] {
  return targets.map((target, index) => (index === 0 && target.withPrevious ? { ...target, withPrevious: false } : target));
}

export function isModelReference(value: string): boolean {
  return /^[^/\s]+\/\S+$/.test(value.trim());
}

export function routeInputFromDraft(draft: RouteDraft): RouteInput {
  let tier = -1;
  const targets = draft.targets.map((target, index) => {
    if (index === 0 || !target.withPrevious) tier += 1;
    return { model: target.model, weight: target.weight, tier };
  });
  const fallbacks = draft.fallbacks
    .split(',')
    .map((model) => model.trim())
    .filter((model) => model !== '');
  return {
    name: draft.name.trim(),
    ...(draft.description.trim() === '' ? {} : { description: draft.description.trim() }),
    targets,
    fallbacks,
    prefer: draft.prefer,
    ...(draft.numRetries === null ? {} : { numRetries: draft.numRetries }),
    limits: draft.limits,
  };
}
