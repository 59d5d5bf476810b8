// The bundled price snapshot (resources/prices/snapshot.json, made by resources/prices/generate.mjs): its schema,
// and where to find it from the sources, from dist/ and from inside the packaged app.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const usdPerToken = z.number().nonnegative();

export const snapshotModelSchema = z.object({
  mode: z.enum(['chat', 'embedding']),
  input: usdPerToken,
  output: usdPerToken,
  cacheRead: usdPerToken.optional(),
  cacheWrite: usdPerToken.optional(),
  reasoning: usdPerToken.optional(),
  inputAbove200k: usdPerToken.optional(),
  outputAbove200k: usdPerToken.optional(),
  request: usdPerToken.optional(),
  contextWindow: z.number().int().positive().optional(),
  maxOutputTokens: z.number().int().positive().optional(),
  capabilities: z.array(z.string()).default([]),
  /** where a hand-added price is published */
  note: z.string().optional(),
});

export const priceSnapshotSchema = z.object({
  schema: z.literal(1),
  source: z.string(),
  unit: z.literal('USD per token'),
  /** keyed `provider/model`, e.g. `anthropic/claude-sonnet-4-5`, `openrouter/anthropic/claude-sonnet-4.5` */
  models: z.record(z.string(), snapshotModelSchema),
  /** other names of a model, each pointing straight at a key of `models` */
  aliases: z.record(z.string(), z.string()),
});

export type SnapshotModel = z.infer<typeof snapshotModelSchema>;
export type PriceSnapshot = z.infer<typeof priceSnapshotSchema>;

const relativePath = join('resources', 'prices', 'snapshot.json');

/**
 * resources/prices/snapshot.json found by walking up from this module: main/ledger/ in the sources,
 * dist/main/ledger/ when built, app.asar/dist/main/ledger/ when packaged (the file must be listed in
 * electron-builder.yml's `files`).
 */
export function defaultSnapshotPath(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let directory = from;
  for (let level = 0; level < 6; level += 1) {
    const candidate = join(directory, relativePath);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new Error(`bundled price snapshot not found above ${from} (${relativePath})`);
}

export function loadPriceSnapshot(path: string = defaultSnapshotPath()): PriceSnapshot {
  const snapshot = priceSnapshotSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  for (const [alias, target] of Object.entries(snapshot.aliases)) {
    if (!Object.hasOwn(snapshot.models, target)) throw new Error(`price snapshot alias ${alias} points at missing model ${target}`);
  }
  return snapshot;
}
