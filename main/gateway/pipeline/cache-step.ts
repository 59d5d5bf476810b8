// The response cache in the pipeline (off unless a route turns it on): after planning, look the request up in its
// client token's namespace; a hit is replayed — a stream frame by frame as first written — and metered at cost 0
// with what it saved; a miss records what it writes and keeps it once the answer ended well (a whole answer, or a
// stream whose terminator was delivered). Requests that sample are not cached unless the route allows it.
import type { ChatRequest, EmbeddingsRequest } from '../../../shared/openai-types.js';
import type { CachedAnswer, ResponseCache } from '../../ledger/response-cache.js';
import type { AnswerSink, InboundRequest } from '../http/answer-sink.js';
import type { RequestContext } from '../http/context.js';
import { eventStreamHeaders, jsonAnswerHeaders, type ResponseHeaders } from '../http/headers.js';
import { cacheKey, deterministic } from '../cache/cache-key.js';
import type { CacheDirectives } from '../cache/cache-control.js';
import { RecordingSink } from '../cache/recording-sink.js';
import type { Priced } from '../metering.js';
import type { NativeRequest } from '../providers/types.js';
import type { RoutedPlan } from '../routing/service.js';

export interface CacheUse {
  readonly store: ResponseCache;
  readonly namespace: string;
  readonly key: string;
  /** look it up (not `no-cache`) */
  readonly read: boolean;
  /** keep the answer (not `no-store`) */
  readonly write: boolean;
  readonly ttlSeconds: number;
  readonly route: string | null;
}

/** An answer bigger than this is not recorded (the store also refuses one over an eighth of its cap). */
const maxRecordedBytes = 16 * 1024 * 1024;

export function planCache(
  context: RequestContext,
  inbound: InboundRequest,
  plan: RoutedPlan,
  request: ChatRequest | EmbeddingsRequest,
  native: NativeRequest | undefined,
  directives: CacheDirectives,
): CacheUse | undefined {
  const store = context.gateway.responseCache;
  const settings = plan.route?.cache;
  if (!store || !settings?.enabled) return undefined;
  if (!settings.sampled && !deterministic(request)) return undefined;
  if (directives.noCache && directives.noStore) return undefined;
  const route = plan.route?.name ?? null;
  const alt = inbound.query.get('alt');
  return {
    store,
    namespace: context.identity.name,
    key: cacheKey({ path: inbound.path, form: alt, route, request, native }),
    read: !directives.noCache,
    write: !directives.noStore,
    ttlSeconds: directives.ttlSeconds ?? settings.ttlSeconds,
    route,
  };
}

export function lookUp(use: CacheUse | undefined): CachedAnswer | undefined {
  if (!use?.read) return undefined;
  try {
    return use.store.get(use.namespace, use.key);
  } catch {
    // a cache that cannot be read is a miss, never a failed request
    return undefined;
  }
}

/** Writes a cached answer as it was first written. */
export async function replay(sink: AnswerSink, cached: CachedAnswer, headers: ResponseHeaders): Promise<void> {
  if (!cached.stream) {
    const body = cached.frames.length === 1 ? (cached.frames[0] as Buffer) : Buffer.concat(cached.frames as Buffer[]);
    sink.writeHead(200, jsonAnswerHeaders(headers, body.length));
    sink.end(body);
    return;
  }
  sink.writeHead(200, eventStreamHeaders(headers));
  for (const frame of cached.frames) {
    if (sink.destroyed || sink.writableEnded) return;
    if (!sink.write(frame)) await drained(sink);
  }
  if (!sink.writableEnded) sink.end();
}

function drained(sink: AnswerSink): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      sink.off('drain', done);
      sink.off('close', done);
      resolve();
    };
    sink.on('drain', done);
    sink.on('close', done);
  });
}

export function recorder(use: CacheUse | undefined, sink: AnswerSink): RecordingSink | undefined {
  return use?.write ? new RecordingSink(sink, maxRecordedBytes) : undefined;
}

/** Keeps an answer that ended well; a store that fails to write loses the entry, never the request. */
export function keep(
  use: CacheUse,
  recording: RecordingSink,
  answer: {
    readonly stream: boolean;
    readonly providerId: string;
    readonly model: string;
    readonly locality: 'local' | 'cloud';
    readonly usage: object | null | undefined;
  },
  priced: Priced | undefined,
): void {
  if (recording.overflowed || recording.status !== 200 || recording.frames.length === 0) return;
  const cost = priced?.costUsd ?? null;
  const savedUsd = cost !== null && cost > 0 ? cost : (priced?.referenceUsd ?? cost);
  try {
    use.store.put(
      use.namespace,
      use.key,
      {
        stream: answer.stream,
        frames: recording.frames,
        route: use.route,
        providerId: answer.providerId,
        model: answer.model,
        locality: answer.locality,
        usage: (answer.usage as Record<string, unknown> | null | undefined) ?? null,
        savedUsd,
      },
      use.ttlSeconds,
    );
  } catch {
    // the answer was delivered; only its copy is lost
  }
}
