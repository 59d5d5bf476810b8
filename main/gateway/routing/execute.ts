// Runs a request (chat, or embeddings) along its ordered candidates: a plain loop with an explicit stop condition.
// Each attempt has its own timers and abort controller; a failure is retried, passed to the next target, or ends
// the loop as decideAfterFailure says — the same rules for every endpoint. Streams count as successful only once past the first-chunk gate, so any failure
// before the first content falls back invisibly. The attempt trail records every try and every skip.
import type { ChatCompletion, ChatRequest, EmbeddingsRequest, EmbeddingsResponse } from '../../../shared/openai-types.js';
import type { RouteSettings, RoutingSettings, TimeoutSettings } from '../../config/routing.js';
import { ProviderError } from '../providers/errors.js';
import { LightAbortController } from '../cancel.js';
import type { ChatOutcome, ModelDetails, NativeRequest, ProviderAdapter, RequestBody, StreamPart, UpstreamMetrics } from '../providers/types.js';
import { openGate } from '../streaming/gate.js';
import { AttemptWatchdog, raceAbort, watchParts, type AttemptLimits } from '../streaming/watchdog.js';
import { decideAfterFailure } from './decide.js';
import { requirementsOf } from './requirements.js';
import type { HealthTracker } from './health.js';
import type { Candidate } from './plan.js';
import type { Skip } from './order.js';
import type { ProviderPacing } from '../providers/pacing.js';
import type { ProviderErrorClass } from '../../config/types.js';

export interface AttemptRecord {
  readonly providerId: string;
  readonly model: string;
  /** 'ok', 'skipped', or the error class that ended the attempt */
  readonly outcome: string;
  readonly status?: number;
  readonly durationMs: number;
  /** why it was skipped, or what happened next */
  readonly note?: string;
}

interface Success {
  readonly target: Candidate;
  readonly upstreamMs: number;
  readonly attempts: readonly AttemptRecord[];
  /** called by the writer when a stream that passed the gate fails later, so health and the trail learn of it */
  readonly reportLateFailure: (error: ProviderError) => void;
  /** the provider's own id for the call that answered, when it sent one */
  readonly upstreamRequestId?: string;
}

export type Executed =
  | (Success & {
      readonly kind: 'complete';
      readonly response: ChatCompletion;
      readonly raw: Buffer | undefined;
      readonly metrics: UpstreamMetrics | undefined;
      readonly nativeRaw?: Buffer;
    })
  | (Success & { readonly kind: 'stream'; readonly head: readonly StreamPart[]; readonly rest: AsyncIterator<StreamPart> })
  | (Success & { readonly kind: 'embeddings'; readonly response: EmbeddingsResponse });

export class ExecutionError extends Error {
  constructor(
    readonly error: ProviderError,
    readonly attempts: readonly AttemptRecord[],
  ) {
    super(error.message);
    this.name = 'ExecutionError';
  }
}

/** Provider-key rotation (main/secrets/key-resolver.ts): on 401/quota the next key of the provider takes over. */
export interface KeyRotation {
  keyGeneration(providerId: string): number;
  reportFailure(providerId: string, errorClass: ProviderErrorClass, generation?: number): { readonly rotated: boolean; readonly message: string } | undefined;
}

export interface ExecuteOptions {
  readonly adapterFor: (providerId: string) => ProviderAdapter | undefined;
  readonly health: HealthTracker;
  readonly settings: RoutingSettings;
  readonly route: RouteSettings | undefined;
  readonly candidates: readonly Candidate[];
  readonly skipped: readonly Skip[];
  readonly contextFallbacks: readonly Candidate[];
  readonly details: (candidate: Candidate) => ModelDetails | undefined;
  readonly request: ChatRequest;
  readonly rawBody: RequestBody | undefined;
  readonly forceStreamUsage: boolean;
  readonly signal: AbortSignal;
  /** the client's request in its own dialect, for the adapter that speaks it (passthrough) */
  readonly native?: NativeRequest;
  /**
   * Set for an embeddings request: each target's adapter embeds it instead of chatting (`request` then only names
   * the model), and a target whose provider cannot embed is skipped with that reason.
   */
  readonly embeddings?: EmbeddingsRequest;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly keys?: KeyRotation;
  readonly log?: (line: string) => void;
  /** what providers' own rate-limit headers said: a target that would certainly refuse is skipped (pacing.ts) */
  readonly pacing?: ProviderPacing;
}

export async function executeChat(options: ExecuteOptions): Promise<Executed> {
  const { settings, health } = options;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? abortableSleep;
  const numRetries = options.route?.numRetries ?? settings.numRetries;
  const attempts: AttemptRecord[] =
    options.skipped.length === 0
      ? []
      : options.skipped.map(({ candidate, reason }) => ({
          providerId: candidate.providerId,
          model: candidate.model,
          outcome: 'skipped',
          durationMs: 0,
          note: reason,
        }));
  const queue = [...options.candidates];
  /** targets taken from the queue so far; only a context-length failure reads it */
  const tried: Candidate[] = [];
  let attemptsUsed = 0;
  let lastError: ProviderError | undefined;

  while (queue.length > 0 && !options.signal.aborted) {
    const target = queue.shift() as Candidate;
    tried.push(target);
    const adapter = options.adapterFor(target.providerId);
    if (!adapter) continue;
    if (options.embeddings && !adapter.embeddings) {
      attempts.push({
        providerId: target.providerId,
        model: target.model,
        outcome: 'skipped',
        durationMs: 0,
        note: `${adapter.type} provider has no embeddings endpoint`,
      });
      continue;
    }
    const paced = options.pacing?.refusal(target.providerId);
    if (paced) {
      attempts.push({ providerId: target.providerId, model: target.model, outcome: 'skipped', durationMs: 0, note: paced.reason });
      lastError = paced.error;
      continue;
    }
    for (let retries = 0; ; retries += 1) {
      attemptsUsed += 1;
      health.attempt(target);
      const keyGeneration = options.keys?.keyGeneration(target.providerId);
      const started = performance.now();
      try {
        const success = await attempt(adapter, target, options, limitsFor(target, settings, options.route, options.request.stream === true));
        const upstreamMs = performance.now() - started;
        health.success(target, target.locality);
        const record = { providerId: target.providerId, model: target.model, outcome: 'ok', durationMs: upstreamMs };
        attempts.push(record);
        const reportLateFailure = (error: ProviderError): void => {
          health.failure(target, target.locality, error);
          attempts[attempts.indexOf(record)] = { ...record, outcome: error.errorClass, status: error.status, note: 'failed after the first byte' };
        };
        // Built field by field, once: spreading the attempt's outcome (whose optional fields vary) was a slow
        // object clone on every request.
        if (success.kind === 'embeddings') return { kind: 'embeddings', response: success.response, target, upstreamMs, attempts, reportLateFailure };
        return success.kind === 'complete'
          ? {
              kind: 'complete',
              response: success.response,
              raw: success.raw,
              metrics: success.metrics,
              nativeRaw: success.nativeRaw,
              upstreamRequestId: success.upstreamRequestId,
              target,
              upstreamMs,
              attempts,
              reportLateFailure,
            }
          : {
              kind: 'stream',
              head: success.head,
              rest: success.rest,
              upstreamRequestId: success.upstreamRequestId,
              target,
              upstreamMs,
              attempts,
              reportLateFailure,
            };
      } catch (caught) {
        const error = asProviderError(caught, target.providerId, options.signal);
        lastError = error;
        const rotated = reportAttemptFailure(health, options.keys, options.log, target, error, keyGeneration);
        if (rotated && attemptsUsed < settings.maxAttempts && !options.signal.aborted) {
          attempts.push({
            providerId: target.providerId,
            model: target.model,
            outcome: error.errorClass,
            status: error.status,
            durationMs: performance.now() - started,
            note: 'retry with the next key',
          });
          continue;
        }
        const decision = decideAfterFailure({ error, retries, numRetries, attemptsUsed, maxAttempts: settings.maxAttempts, backoff: settings.backoff, random });
        attempts.push({
          providerId: target.providerId,
          model: target.model,
          outcome: error.errorClass,
          status: error.status,
          durationMs: performance.now() - started,
          note: decision.action === 'retry' ? `retry in ${decision.delayMs} ms` : decision.reason,
        });
        if (decision.action === 'stop') throw new ExecutionError(error, attempts);
        if (decision.action === 'retry') {
          await sleep(decision.delayMs, options.signal).catch(() => undefined);
          if (options.signal.aborted) throw new ExecutionError(asProviderError(options.signal.reason, target.providerId, options.signal), attempts);
          continue;
        }
        if (error.errorClass === 'context_length') {
          for (const { candidate, reason } of reorderForContext(queue, options, target, tried)) {
            attempts.push({ providerId: candidate.providerId, model: candidate.model, outcome: 'skipped', durationMs: 0, note: reason });
          }
        }
        break;
      }
    }
  }
  if (options.signal.aborted) throw new ExecutionError(asProviderError(options.signal.reason, 'switchyard', options.signal), attempts);
  throw new ExecutionError(lastError ?? noTargetError(attempts), attempts);
}

/**
 * A failed attempt, told to the circuits and provider health, then to key rotation (chat's loop and embeddings'
 * share it). True when the provider's next key took over, so the same target is worth another try.
 */
export function reportAttemptFailure(
  health: HealthTracker,
  keys: KeyRotation | undefined,
  log: ((line: string) => void) | undefined,
  target: Candidate,
  error: ProviderError,
  keyGeneration: number | undefined,
): boolean {
  health.failure(target, target.locality, error);
  const rotation = keys?.reportFailure(target.providerId, error.errorClass, keyGeneration);
  if (!rotation) return false;
  log?.(rotation.message);
  if (rotation.rotated) health.keyChanged(target.providerId);
  return rotation.rotated;
}

type AttemptSuccess =
  | Extract<ChatOutcome, { kind: 'complete' }>
  | { readonly kind: 'embeddings'; readonly response: EmbeddingsResponse }
  | { readonly kind: 'stream'; readonly head: readonly StreamPart[]; readonly rest: AsyncIterator<StreamPart>; readonly upstreamRequestId: string | undefined };

async function attempt(adapter: ProviderAdapter, target: Candidate, options: ExecuteOptions, limits: AttemptLimits): Promise<AttemptSuccess> {
  const started = performance.now();
  const controller = new LightAbortController();
  const onParentAbort = (): void => controller.abort(options.signal.reason);
  if (options.signal.aborted) onParentAbort();
  // An adapter sends its upstream request before chat() returns (undici writes it at once); the timers and the
  // listeners below are set up after that, while the upstream works, and before anything can fire.
  const pending: Promise<ChatOutcome | Extract<AttemptSuccess, { kind: 'embeddings' }>> =
    options.embeddings && adapter.embeddings
      ? adapter.embeddings(options.embeddings, target.model, controller.signal).then((response) => ({ kind: 'embeddings', response }))
      : adapter.chat({
          request: options.request,
          rawBody: options.rawBody,
          upstreamModel: target.model,
          forceStreamUsage: options.forceStreamUsage,
          signal: controller.signal,
          ...(options.native ? { native: options.native } : {}),
          ...(adapter.sizesContext
            ? { context: { window: options.details(target)?.contextWindow, needed: () => requirementsOf(options.request).contextTokens } }
            : {}),
        });
  if (!options.signal.aborted) options.signal.addEventListener('abort', onParentAbort, { once: true });
  const watchdog = new AttemptWatchdog(controller, limits, target.providerId, started);
  const detach = (): void => options.signal.removeEventListener('abort', onParentAbort);
  try {
    watchdog.arm();
    const outcome = await raceAbort(pending, controller.signal);
    watchdog.disarm();
    if (outcome.kind !== 'stream') {
      watchdog.stop();
      detach();
      return outcome;
    }
    // The stream lives on past this function; the parent signal stays attached until it ends.
    const watched = watchParts(outcome.parts, watchdog, controller.signal, (error) => asProviderError(error, target.providerId, controller.signal), detach);
    const gate = await openGate(watched);
    if (gate.kind === 'failed') throw gate.error;
    return { kind: 'stream', head: gate.head, rest: gate.rest, upstreamRequestId: outcome.upstreamRequestId };
  } catch (error) {
    watchdog.stop();
    detach();
    if (!controller.signal.aborted) controller.abort();
    throw error;
  }
}

function limitsFor(target: Candidate, settings: RoutingSettings, route: RouteSettings | undefined, stream: boolean): AttemptLimits {
  const base: TimeoutSettings = target.locality === 'local' ? settings.timeouts.local : settings.timeouts.cloud;
  const totalMs = route?.timeouts.totalMs ?? base.totalMs;
  return {
    // A non-streamed answer arrives whole: the first-token limit would cut off every long answer, so only the
    // wall-clock cap applies until it is complete.
    firstTokenMs: stream ? (route?.timeouts.firstTokenMs ?? base.firstTokenMs) : totalMs,
    idleMs: route?.timeouts.idleMs ?? base.idleMs,
    totalMs,
  };
}

/**
 * After a context-length error: the route's context fallbacks next, then only targets with a larger window.
 * Returns the targets it drops, so the trail can say why they were not tried.
 */
function reorderForContext(queue: Candidate[], options: ExecuteOptions, failed: Candidate, triedTargets: readonly Candidate[]): Skip[] {
  const tried = new Set(triedTargets.map((candidate) => `${candidate.providerId}/${candidate.model}`));
  const failedWindow = options.details(failed)?.contextWindow;
  const fits = (candidate: Candidate): boolean => {
    const window = options.details(candidate)?.contextWindow;
    return failedWindow === undefined || window === undefined || window > failedWindow;
  };
  const fallbacks = options.contextFallbacks.filter((candidate) => !tried.has(`${candidate.providerId}/${candidate.model}`));
  const isFallback = (candidate: Candidate): boolean =>
    fallbacks.some((fallback) => fallback.providerId === candidate.providerId && fallback.model === candidate.model);
  const rest = queue.filter((candidate) => fits(candidate) && !isFallback(candidate));
  const dropped = queue
    .filter((candidate) => !fits(candidate) && !isFallback(candidate))
    .map((candidate) => ({
      candidate,
      reason: `context window ${options.details(candidate)?.contextWindow} tokens is not larger than the ${failedWindow} that was too small`,
    }));
  queue.splice(0, queue.length, ...fallbacks, ...rest);
  return dropped;
}

function asProviderError(error: unknown, providerId: string, signal: AbortSignal): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal.aborted) {
    const reason: unknown = signal.reason;
    if (reason instanceof ProviderError) return reason;
    return new ProviderError({ kind: 'aborted', errorClass: 'cancelled', status: 499, message: 'request cancelled', providerId, retryable: false });
  }
  return new ProviderError({
    kind: 'protocol',
    errorClass: 'protocol',
    status: 502,
    message: `provider '${providerId}' failed: ${error instanceof Error ? error.message : String(error)}`,
    providerId,
    retryable: false,
  });
}

function noTargetError(attempts: readonly AttemptRecord[]): ProviderError {
  const reasons = attempts.map((attempt) => `${attempt.providerId}/${attempt.model}: ${attempt.note ?? attempt.outcome}`).join('; ');
  return new ProviderError({
    kind: 'http',
    errorClass: 'unavailable',
    status: 503,
    message: `no target can serve this request${reasons ? ` — ${reasons}` : ''}`,
    providerId: 'switchyard',
    retryable: false,
    code: 'no_target_available',
  });
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** `openai/gpt-4.1=rate_limit(429) retry in 400 ms, openai/gpt-4.1=ok` — the x-switchyard-attempts header. */
export function formatAttempts(attempts: readonly AttemptRecord[]): string {
  return attempts
    .map(
      (attempt) =>
        `${attempt.providerId}/${attempt.model}=${attempt.outcome}${attempt.status ? `(${attempt.status})` : ''}${attempt.note && attempt.outcome !== 'ok' ? ` ${attempt.note}` : ''}`,
    )
    .join(', ');
}
