// Orders and filters a plan's candidates before any call: offline mode keeps only local targets, capability
// checks drop targets that cannot serve the request, `prefer` puts local (or cloud) first, and targets cooling
// down go last. Every dropped target keeps its reason, so "no target can serve this" can say why for each.
import type { ModelDetails } from '../providers/types.js';
import type { Candidate } from './plan.js';
import type { Requirements } from './requirements.js';

export interface Skip {
  readonly candidate: Candidate;
  readonly reason: string;
}

export interface OrderInput {
  readonly candidates: readonly Candidate[];
  readonly prefer: 'order' | 'local' | 'cloud';
  /** set when only local targets may be used, with the reason */
  readonly offline: string | undefined;
  readonly requirements: Requirements;
  readonly details: (candidate: Candidate) => ModelDetails | undefined;
  readonly admits: (candidate: Candidate) => boolean;
  readonly openUntil: (candidate: Candidate) => number;
  /** false when the provider is known to be down; undefined when unknown */
  readonly reachable: (candidate: Candidate) => boolean | undefined;
}

export interface Ordered {
  readonly ordered: readonly Candidate[];
  readonly skipped: readonly Skip[];
}

export function orderCandidates(input: OrderInput): Ordered {
  const skipped: Skip[] = [];
  let usable: Candidate[] = [];
  for (const candidate of input.candidates) {
    const reason =
      input.offline !== undefined && candidate.locality === 'cloud' ? `offline (${input.offline})` : unfitReason(input.requirements, input.details(candidate));
    if (reason) skipped.push({ candidate, reason });
    else usable.push(candidate);
  }

  if (input.prefer !== 'order') {
    const wanted = input.prefer;
    // "use local when it is up, cloud otherwise": a known-down preferred target goes last, not away — per
    // provider, so one local server being down does not put it ahead of the cloud while another local one is up.
    const knownDown = (candidate: Candidate): boolean => candidate.locality === wanted && input.reachable(candidate) === false;
    const first = usable.filter((candidate) => candidate.locality === wanted && !knownDown(candidate));
    const rest = usable.filter((candidate) => candidate.locality !== wanted);
    usable = [...first, ...rest, ...usable.filter(knownDown)];
  }

  const admitted = usable.filter((candidate) => input.admits(candidate));
  const cooling = usable.filter((candidate) => !input.admits(candidate));
  if (admitted.length > 0) {
    for (const candidate of cooling) skipped.push({ candidate, reason: `cooling down until ${new Date(input.openUntil(candidate)).toISOString()}` });
    return { ordered: admitted, skipped };
  }
  // Everything is cooling down: better to try the one that recovers soonest than to fail without trying.
  cooling.sort((left, right) => input.openUntil(left) - input.openUntil(right));
  return { ordered: cooling, skipped };
}

export function unfitReason(requirements: Requirements, details: ModelDetails | undefined): string | undefined {
  if (!details) return undefined;
  const capabilities = details.capabilities;
  if (capabilities && capabilities.length > 0) {
    if (requirements.tools && !capabilities.includes('tools')) return 'the model does not support tool calling';
    if (requirements.vision && !capabilities.includes('vision')) return 'the model does not accept images';
    if (!capabilities.includes('completion') && capabilities.includes('embedding')) return 'the model is an embedding model';
  }
  if (details.contextWindow !== undefined && requirements.contextTokens > details.contextWindow) {
    return `context window ${details.contextWindow} tokens < about ${requirements.contextTokens} needed`;
  }
  return undefined;
}
