// The ledger's vocabulary: what the gateway hands it at the start and the end of a client request, and the time
// range every dashboard query takes. Token fields are in the normalized usage shape of pricing.ts.
import type { ClientFamily } from './client-family.js';

/** 'other': a request refused before it reached an endpoint (unknown path, no valid token, in-flight cap) */
export type Endpoint = 'chat' | 'messages' | 'embeddings' | 'responses' | 'other';
export type FinalStatus = 'ok' | 'error' | 'cancelled' | 'interrupted';
export type RequestStatus = 'in_flight' | FinalStatus;

export const finalStatuses: readonly FinalStatus[] = ['ok', 'error', 'cancelled', 'interrupted'];

/** What is known when a client request arrives. `id` is a UUID the gateway generates. */
export interface RequestStart {
  readonly id: string;
  /** epoch milliseconds */
  readonly startedAt: number;
  readonly clientTokenName: string | null;
  readonly clientFamily: ClientFamily;
  readonly endpoint: Endpoint;
  /** what the client asked for: `provider/model` or a route alias */
  readonly requestedModel: string;
  /** the route alias when the request named one */
  readonly route: string | null;
  /** the target chosen so far, if any (it may change through fallback; finish() has the final one) */
  readonly providerId: string | null;
  readonly model: string | null;
  readonly stream: boolean;
}

/**
 * One upstream try. Shaped like the gateway's `AttemptRecord` (routing/execute.ts) so the trail can be passed
 * through as it is.
 */
export interface LedgerAttempt {
  readonly providerId: string;
  readonly model: string;
  /** 'ok' or the error class that ended the attempt */
  readonly outcome: string;
  /** HTTP status of the upstream answer, when there was one */
  readonly status?: number;
  readonly durationMs: number;
}

/** Token counts in the normalized shape (see `NormalizedUsage` in pricing.ts). */
export interface TokenCounts {
  /** uncached prompt tokens: excludes cache reads and cache writes */
  readonly input: number;
  /** all generated tokens, reasoning included */
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite: number;
  /** the part of `output` spent on reasoning */
  readonly reasoning: number;
}

/** The request's final state. Self-contained: if its begin() was lost, finish() alone makes the row. */
export interface RequestFinish extends RequestStart {
  readonly finishedAt: number;
  readonly status: Exclude<FinalStatus, 'interrupted'>;
  readonly errorClass: string | null;
  readonly httpStatus: number | null;
  readonly tokens: TokenCounts;
  /** counted locally (tokenizer or estimate) rather than reported by the provider */
  readonly tokensEstimated: boolean;
  /** USD at the price in force when the request ran; null when no price is known */
  readonly costUsd: number | null;
  /** what the same tokens would have cost on the user's reference cloud model (local rows) */
  readonly costReferenceUsd: number | null;
  readonly latencyMs: number | null;
  readonly ttftMs: number | null;
  readonly upstreamMs: number | null;
  readonly overheadMs: number | null;
  readonly localComputeMs: number | null;
  readonly finishReason: string | null;
  readonly nativeFinishReason: string | null;
  readonly attempts: readonly LedgerAttempt[];
  /** the privacy guard's action when a detector fired, and those detectors' names (never what they matched) */
  readonly privacyAction?: string | null;
  readonly privacyDetectors?: readonly string[] | null;
  /** the response cache: 'hit' (answered from it, cost 0) or 'miss' (looked up, not found); null when not used */
  readonly cacheStatus?: 'hit' | 'miss' | null;
}

/** Half-open interval [from, to) in epoch milliseconds, on `started_at`. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}
