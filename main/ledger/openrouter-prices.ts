// Reads OpenRouter's public model list (GET https://openrouter.ai/api/v1/models: data[{ id, context_length,
// pricing{ prompt, completion, input_cache_read, input_cache_write, internal_reasoning, request, … } }], prices as
// strings in USD per token) into prices, and keeps them in the `prices` table with the date they were fetched.
import { z } from 'zod';
import type { LedgerDatabase } from './database.js';
import type { ModelPrice } from '../config/types.js';

export const openRouterModelsUrl = 'https://openrouter.ai/api/v1/models';

/** The fetch is injected: the app passes one that honours offline mode and timeouts; tests pass a fixture. */
export type FetchJson = (url: string) => Promise<unknown>;

const amount = z.union([z.string(), z.number()]).nullish();

const openRouterModelSchema = z.object({
  id: z.string().min(1).max(300),
  context_length: z.number().int().positive().nullish(),
  pricing: z.object({
    prompt: amount,
    completion: amount,
    input_cache_read: amount,
    input_cache_write: amount,
    internal_reasoning: amount,
    request: amount,
  }),
});

const openRouterResponseSchema = z.object({ data: z.array(z.unknown()) });

export interface StoredPrice extends ModelPrice {
  /** `openrouter/<OpenRouter id>` or, for overrides, `provider/model` */
  readonly key: string;
  readonly source: 'openrouter' | 'override';
  readonly contextWindow?: number;
  readonly fetchedAt: number;
}

export interface OpenRouterParseResult {
  readonly prices: readonly StoredPrice[];
  /** entries without a usable price: malformed, or variable pricing (`-1`, as for `openrouter/auto`) */
  readonly skipped: number;
}

function toNumber(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(number) ? number : Number.NaN;
}

/** A rate of "0" next to a non-zero prompt price means "not offered" here, not "free". */
function optionalRate(value: string | number | null | undefined, prompt: number): number | undefined {
  const number = toNumber(value);
  if (number === undefined || Number.isNaN(number) || number < 0) return undefined;
  return number === 0 && prompt > 0 ? undefined : number;
}

export function parseOpenRouterModels(body: unknown, fetchedAt: number): OpenRouterParseResult {
  const response = openRouterResponseSchema.parse(body);
  const prices: StoredPrice[] = [];
  let skipped = 0;
  for (const item of response.data) {
    const parsed = openRouterModelSchema.safeParse(item);
    const prompt = parsed.success ? toNumber(parsed.data.pricing.prompt) : undefined;
    const completion = parsed.success ? toNumber(parsed.data.pricing.completion) : undefined;
    if (!parsed.success || prompt === undefined || completion === undefined || !(prompt >= 0) || !(completion >= 0)) {
      skipped += 1;
      continue;
    }
    const { pricing } = parsed.data;
    const reasoning = optionalRate(pricing.internal_reasoning, prompt);
    const request = optionalRate(pricing.request, 1); // a fee of 0 is no fee
    const cacheRead = optionalRate(pricing.input_cache_read, prompt);
    const cacheWrite = optionalRate(pricing.input_cache_write, prompt);
    prices.push({
      key: `openrouter/${parsed.data.id.toLowerCase()}`,
      source: 'openrouter',
      input: prompt,
      output: completion,
      ...(cacheRead === undefined ? {} : { cacheRead }),
      ...(cacheWrite === undefined ? {} : { cacheWrite }),
      // reasoning is billed as completion unless OpenRouter lists a different rate
      ...(reasoning === undefined || reasoning === completion ? {} : { reasoning }),
      ...(request === undefined ? {} : { request }),
      ...(parsed.data.context_length ? { contextWindow: parsed.data.context_length } : {}),
      fetchedAt,
    });
  }
  return { prices, skipped };
}

/** Replaces the stored OpenRouter prices in one transaction. An empty list never wipes what was there. */
export function storePrices(database: LedgerDatabase, source: StoredPrice['source'], prices: readonly StoredPrice[]): void {
  const insert = database.prepare(
    `INSERT INTO prices (model_key, source, input_per_token, output_per_token, cache_read_per_token, cache_write_per_token, reasoning_per_token, request_usd, context_window, fetched_at)
     VALUES (@key, @source, @input, @output, @cacheRead, @cacheWrite, @reasoning, @request, @contextWindow, @fetchedAt)
     ON CONFLICT (model_key, source) DO UPDATE SET input_per_token = excluded.input_per_token, output_per_token = excluded.output_per_token,
       cache_read_per_token = excluded.cache_read_per_token, cache_write_per_token = excluded.cache_write_per_token,
       reasoning_per_token = excluded.reasoning_per_token, request_usd = excluded.request_usd, context_window = excluded.context_window,
       fetched_at = excluded.fetched_at`,
  );
  database
    .transaction(() => {
      if (source === 'openrouter') database.prepare(`DELETE FROM prices WHERE source = 'openrouter'`).run();
      for (const price of prices) {
        insert.run({
          key: price.key,
          source,
          input: price.input,
          output: price.output,
          cacheRead: price.cacheRead ?? null,
          cacheWrite: price.cacheWrite ?? null,
          reasoning: price.reasoning ?? null,
          request: price.request ?? null,
          contextWindow: price.contextWindow ?? null,
          fetchedAt: price.fetchedAt,
        });
      }
    })
    .immediate();
}

interface PriceRow {
  model_key: string;
  source: 'openrouter' | 'override';
  input_per_token: number;
  output_per_token: number;
  cache_read_per_token: number | null;
  cache_write_per_token: number | null;
  reasoning_per_token: number | null;
  request_usd: number | null;
  context_window: number | null;
  fetched_at: number;
}

export function loadStoredPrices(database: LedgerDatabase): StoredPrice[] {
  const rows = database.prepare<[], PriceRow>(`SELECT * FROM prices WHERE source IN ('openrouter', 'override')`).all();
  return rows.map((row) => ({
    key: row.model_key,
    source: row.source,
    input: row.input_per_token,
    output: row.output_per_token,
    ...(row.cache_read_per_token === null ? {} : { cacheRead: row.cache_read_per_token }),
    ...(row.cache_write_per_token === null ? {} : { cacheWrite: row.cache_write_per_token }),
    ...(row.reasoning_per_token === null ? {} : { reasoning: row.reasoning_per_token }),
    ...(row.request_usd === null ? {} : { request: row.request_usd }),
    ...(row.context_window === null ? {} : { contextWindow: row.context_window }),
    fetchedAt: row.fetched_at,
  }));
}

/** Fetches, parses and stores OpenRouter's list. Throws (and keeps the old prices) when nothing usable came back. */
export async function fetchOpenRouterPrices(database: LedgerDatabase, fetchJson: FetchJson, now: number = Date.now()): Promise<OpenRouterParseResult> {
  const result = parseOpenRouterModels(await fetchJson(openRouterModelsUrl), now);
  if (result.prices.length === 0) throw new Error(`OpenRouter's model list had no usable prices (${result.skipped} entries skipped)`);
  storePrices(database, 'openrouter', result.prices);
  database
    .prepare(`INSERT INTO settings (key, value) VALUES ('prices.openrouter.fetched_at', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`)
    .run(String(now));
  return result;
}
