// Shared by the ledger's tests: temporary ledger files and request records with sensible defaults.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestFinish, RequestStart } from '../types.js';

export interface TempDir {
  readonly path: string;
  file(name: string): string;
  remove(): void;
}

/** Polls `condition` every 5 ms until it holds; throws, naming `what`, after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 3_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export function tempDir(prefix = 'switchyard-ledger-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, file: (name) => join(path, name), remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function startRecord(id: string, overrides: Partial<RequestStart> = {}): RequestStart {
  return {
    id,
    startedAt: Date.UTC(2026, 0, 15, 10, 0, 0),
    clientTokenName: 'default',
    clientFamily: 'openai-python',
    endpoint: 'chat',
    requestedModel: 'openai/gpt-4.1-mini',
    route: null,
    providerId: 'openai',
    model: 'gpt-4.1-mini',
    stream: false,
    ...overrides,
  };
}

export function finishRecord(id: string, overrides: Partial<RequestFinish> = {}): RequestFinish {
  const start = startRecord(id, overrides);
  return {
    ...start,
    finishedAt: start.startedAt + 1_000,
    status: 'ok',
    errorClass: null,
    httpStatus: 200,
    tokens: { input: 100, output: 50, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
    tokensEstimated: false,
    costUsd: 0.00012,
    costReferenceUsd: null,
    latencyMs: 1_000,
    ttftMs: 200,
    upstreamMs: 990,
    overheadMs: 10,
    localComputeMs: null,
    finishReason: 'stop',
    nativeFinishReason: 'stop',
    attempts: [{ providerId: start.providerId ?? 'openai', model: start.model ?? 'gpt-4.1-mini', outcome: 'ok', status: 200, durationMs: 990 }],
    ...overrides,
  };
}
