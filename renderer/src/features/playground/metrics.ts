// A column's live figures from its stream: time to first token and tokens per second measured here (from when the
// request left to the first text, and over the text after it), tokens and cost from the gateway's usage chunk.
import type { StreamUsage } from './stream/chat-stream';
import type { ColumnMetrics } from './playground-types';

/** Below this, an answer arrived in one burst (a buffering proxy, a cached reply): a rate would be noise. */
const minimumSpanMs = 50;

export interface StreamTiming {
  /** performance.now() when the request was sent */
  readonly startedAt: number;
  firstTokenAt: number | null;
  lastTokenAt: number | null;
  /** text pieces received: the token count until the usage chunk says otherwise */
  pieces: number;
}

export function newTiming(startedAt: number): StreamTiming {
  return { startedAt, firstTokenAt: null, lastTokenAt: null, pieces: 0 };
}

export function noteText(timing: StreamTiming, at: number): void {
  timing.firstTokenAt ??= at;
  timing.lastTokenAt = at;
  timing.pieces += 1;
}

export function streamMetrics(timing: StreamTiming, usage: StreamUsage | null): ColumnMetrics {
  const ttftMs = timing.firstTokenAt === null ? null : Math.max(0, timing.firstTokenAt - timing.startedAt);
  const tokens = usage?.outputTokens ?? timing.pieces;
  const generationMs = timing.firstTokenAt === null || timing.lastTokenAt === null ? 0 : timing.lastTokenAt - timing.firstTokenAt;
  // the first token's time is TTFT; speed is what came after it — over a span too short to time, there is none
  const tokensPerSecond = tokens > 1 && generationMs >= minimumSpanMs ? (tokens - 1) / (generationMs / 1000) : null;
  return {
    ttftMs,
    tokensPerSecond,
    inputTokens: usage?.inputTokens ?? null,
    outputTokens: usage?.outputTokens ?? null,
    costUsd: usage?.costUsd ?? null,
    costSource: usage?.costUsd == null ? null : 'stream',
    ledgerStatus: null,
  };
}

/** Whether the gateway had to go past the first target (x-switchyard-attempts lists more than one). */
export function usedFallback(attempts: string | null): boolean {
  return attempts !== null && attempts.split(', ').length > 1;
}
