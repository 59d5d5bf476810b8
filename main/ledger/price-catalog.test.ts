// The bundled snapshot, name matching (dates, dots, OpenRouter ids), local providers, override > OpenRouter >
// bundled precedence, and the OpenRouter refresh parsed from a recorded response (never the network).
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type LedgerDatabase } from './database.js';
import { migrate } from './migrations/index.js';
import { parseOpenRouterModels } from './openrouter-prices.js';
import { PriceCatalog } from './price-catalog.js';
import { loadPriceSnapshot, type PriceSnapshot } from './price-snapshot.js';
import { tempDir, type TempDir } from './test-support/fixtures.js';

const fixture = JSON.parse(readFileSync(new URL('./__fixtures__/openrouter-models.json', import.meta.url), 'utf8')) as { data: Record<string, unknown>[] };
let snapshot: PriceSnapshot;
let directory: TempDir | undefined;
let database: LedgerDatabase | undefined;

beforeAll(() => {
  snapshot = loadPriceSnapshot();
});
afterEach(() => {
  database?.close();
  database = undefined;
  directory?.remove();
  directory = undefined;
});

function withDatabase(): LedgerDatabase {
  directory = tempDir();
  database = openDatabase(directory.file('ledger.sqlite'));
  migrate(database);
  return database;
}

describe('bundled snapshot', () => {
  it('has the providers the gateway ships presets for, with published prices', () => {
    const catalog = new PriceCatalog({ snapshot });
    for (const id of [
      'openai/gpt-4.1-mini',
      'anthropic/claude-sonnet-4-5',
      'gemini/gemini-2.5-flash',
      'xai/grok-4.3',
      'deepseek/deepseek-chat',
      'groq/llama-3.3-70b-versatile',
      'mistral/mistral-small-2503',
    ]) {
      expect(catalog.lookupModelId(id)?.source, id).toBe('bundled');
    }
    expect(catalog.lookupModelId('anthropic/claude-sonnet-4-5')?.price).toEqual({
      input: 3e-6,
      output: 1.5e-5,
      cacheRead: 3e-7,
      cacheWrite: 3.75e-6,
      inputAbove200k: 6e-6,
      outputAbove200k: 2.25e-5,
    });
    expect(catalog.lookupModelId('groq/llama-3.1-8b-instant')?.price).toEqual({ input: 5e-8, output: 8e-8 });
  });

  it('says where every hand-added price comes from', () => {
    const added = Object.entries(snapshot.models).filter(([key]) => /^(groq|mistral|openrouter)\//.test(key));
    expect(added.length).toBeGreaterThanOrEqual(10);
    for (const [key, model] of added) expect(model.note, key).toMatch(/\S/);
  });
});

describe('matching', () => {
  const catalog = () => new PriceCatalog({ snapshot });

  it('tolerates dated snapshots, Vertex @dates, case and Gemini model paths', () => {
    for (const model of ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5@20250929', 'Claude-Sonnet-4-5', 'claude-sonnet-4.5', 'claude-sonnet-4-5-20991231']) {
      expect(catalog().lookup('anthropic', model)?.key, model).toBe('anthropic/claude-sonnet-4-5');
    }
    expect(catalog().lookup('openai', 'gpt-4.1-mini-2025-04-14')?.key).toBe('openai/gpt-4.1-mini');
    expect(catalog().lookup('gemini', 'models/gemini-2.5-flash')?.key).toBe('gemini/gemini-2.5-flash');
    // a dated name with its own price keeps it
    expect(catalog().lookup('openai', 'gpt-4o-2024-05-13')?.price.input).toBe(5e-6);
  });

  it('reads OpenRouter ids, falling back to the first-party price OpenRouter passes through', () => {
    expect(catalog().lookup('openrouter', 'anthropic/claude-sonnet-4.5')?.key).toBe('openrouter/anthropic/claude-sonnet-4.5');
    expect(catalog().lookupModelId('openrouter/anthropic/claude-sonnet-4.5')?.key).toBe('openrouter/anthropic/claude-sonnet-4.5');
    expect(catalog().lookup('openrouter', 'google/gemini-2.5-flash')?.key).toBe('gemini/gemini-2.5-flash');
    expect(catalog().lookup('openrouter', 'x-ai/grok-4.3')?.key).toBe('xai/grok-4.3');
    expect(catalog().lookup('openrouter', 'anthropic/claude-opus-4.5')?.key).toBe('anthropic/claude-opus-4-5');
  });

  it('does not borrow another provider’s price for a model it hosts, and knows when it knows nothing', () => {
    expect(catalog().lookup('groq', 'openai/gpt-oss-120b')).toBeUndefined();
    expect(catalog().lookup('openai', 'gpt-99')).toBeUndefined();
    expect(catalog().lookup('openrouter', 'somebody/model')).toBeUndefined();
  });

  it('prices local providers at 0, by name or by the config’s locality, and follows configured preset ids', () => {
    const configured = new PriceCatalog({ snapshot, isLocalProvider: (id) => id === 'gpu-box', providerPresets: { 'work-openai': 'openai' } });
    expect(configured.lookup('ollama', 'qwen3:8b')).toEqual({ key: 'ollama/qwen3:8b', source: 'local', price: { input: 0, output: 0 } });
    expect(configured.lookup('lmstudio', 'gpt-4.1-mini')?.source).toBe('local');
    expect(configured.lookup('gpu-box', 'llama')?.source).toBe('local');
    expect(configured.lookup('work-openai', 'gpt-4.1-mini')?.key).toBe('openai/gpt-4.1-mini');
  });
});

describe('OpenRouter refresh', () => {
  it('parses prices from strings, skipping variable and malformed entries', () => {
    const { prices, skipped } = parseOpenRouterModels(fixture, 1_750_000_000_000);
    expect(skipped).toBe(3); // openrouter/auto (-1), garbled price, no pricing
    expect(prices.map((price) => price.key)).toEqual([
      'openrouter/anthropic/claude-sonnet-4.5',
      'openrouter/openai/gpt-4.1-mini',
      'openrouter/google/gemini-2.5-flash',
      'openrouter/meta-llama/llama-3.3-70b-instruct:free',
      'openrouter/example/thinker',
    ]);
    expect(prices[0]).toEqual({
      key: 'openrouter/anthropic/claude-sonnet-4.5',
      source: 'openrouter',
      input: 3e-6,
      output: 1.5e-5,
      cacheRead: 3e-7,
      cacheWrite: 3.75e-6,
      contextWindow: 1_000_000,
      fetchedAt: 1_750_000_000_000,
    });
    expect(prices[3]).toMatchObject({ input: 0, output: 0 });
    expect(prices[4]).toMatchObject({ input: 1e-6, output: 4e-6, reasoning: 2e-6, request: 0.002 });
    expect(() => parseOpenRouterModels({ models: [] }, 0)).toThrow();
  });

  it('stores the list with its date and ranks it override > OpenRouter > bundled', async () => {
    const db = withDatabase();
    const catalog = new PriceCatalog({ snapshot, database: db });
    const changed = structuredClone(fixture);
    const gpt = changed.data[1] as { pricing: Record<string, string> };
    gpt.pricing['prompt'] = '0.0000005'; // a price change the bundled snapshot does not know yet
    const result = await catalog.refreshFromOpenRouter(async (url) => {
      expect(url).toBe('https://openrouter.ai/api/v1/models');
      return changed;
    }, 1_760_000_000_000);
    expect(result.prices).toHaveLength(5);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'prices.openrouter.fetched_at'`).pluck().get()).toBe('1760000000000');

    expect(catalog.lookup('openrouter', 'anthropic/claude-sonnet-4.5')).toMatchObject({ source: 'openrouter', updatedAt: 1_760_000_000_000 });
    expect(catalog.lookup('openrouter', 'meta-llama/llama-3.3-70b-instruct:free')?.price).toEqual({ input: 0, output: 0 });
    // first-party lookups take the fresher OpenRouter rate when it differs...
    expect(catalog.lookup('openai', 'gpt-4.1-mini')).toMatchObject({ source: 'openrouter', price: { input: 5e-7, output: 1.6e-6 } });
    // ...and keep the bundled entry (with its long-context tier) when the rates agree
    expect(catalog.lookup('anthropic', 'claude-sonnet-4-5-20250929')).toMatchObject({ source: 'bundled', price: { inputAbove200k: 6e-6 } });

    catalog.setOverride('openai', 'gpt-4.1-mini', { input: 1e-7, output: 2e-7 }, 1_770_000_000_000);
    expect(catalog.lookup('openai', 'gpt-4.1-mini-2025-04-14')).toMatchObject({ source: 'override', price: { input: 1e-7, output: 2e-7 } });

    // all of it survives a restart
    const reopened = new PriceCatalog({ snapshot, database: db });
    expect(reopened.sizes).toEqual({ bundled: expect.any(Number), openRouter: 5, overrides: 1 });
    expect(reopened.lookup('openai', 'gpt-4.1-mini')?.source).toBe('override');
    reopened.setOverride('openai', 'gpt-4.1-mini', undefined);
    expect(new PriceCatalog({ snapshot, database: db }).lookup('openai', 'gpt-4.1-mini')?.source).toBe('openrouter');
  });

  it('keeps the prices it had when a refresh fails or comes back empty', async () => {
    const db = withDatabase();
    const catalog = new PriceCatalog({ snapshot, database: db });
    await catalog.refreshFromOpenRouter(async () => fixture, 1);
    await expect(catalog.refreshFromOpenRouter(async () => ({ data: [] }), 2)).rejects.toThrow(/no usable prices/);
    await expect(catalog.refreshFromOpenRouter(async () => Promise.reject(new Error('offline')), 3)).rejects.toThrow('offline');
    expect(new PriceCatalog({ snapshot, database: db }).sizes.openRouter).toBe(5);
    expect(db.prepare(`SELECT DISTINCT fetched_at FROM prices WHERE source = 'openrouter'`).pluck().all()).toEqual([1]);
  });
});
