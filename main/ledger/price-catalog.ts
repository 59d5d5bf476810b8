// Which price applies to `provider/model`: a user override, else OpenRouter's refreshed list, else the bundled
// snapshot; local providers cost nothing. Names are matched through dates, dotted versions and OpenRouter ids.
import type { LedgerDatabase } from './database.js';
import { firstPartyOf, localProviderIds, looseKey, priceKey, undatedName } from './model-names.js';
import { fetchOpenRouterPrices, loadStoredPrices, storePrices, type FetchJson, type OpenRouterParseResult, type StoredPrice } from './openrouter-prices.js';
import type { PriceSnapshot } from './price-snapshot.js';
import type { ModelPrice } from '../config/types.js';

export type PriceSource = 'override' | 'openrouter' | 'bundled';

export interface ResolvedPrice {
  /** the key that matched, e.g. `anthropic/claude-sonnet-4-5` for `claude-sonnet-4-5-20250929` */
  readonly key: string;
  readonly source: PriceSource | 'local';
  readonly price: ModelPrice;
  readonly contextWindow?: number;
  readonly capabilities?: readonly string[];
  /** when an OpenRouter price was fetched, or an override set */
  readonly updatedAt?: number;
}

export interface PriceCatalogOptions {
  readonly snapshot: PriceSnapshot;
  /** where OpenRouter prices and overrides are kept; without it they live in memory only */
  readonly database?: LedgerDatabase;
  /** the config's locality: a provider it calls local is priced 0 (ollama, lmstudio, llamacpp, vllm always are) */
  readonly isLocalProvider?: (providerId: string) => boolean;
  /** configured provider id → the preset whose prices it uses, e.g. { 'work-openai': 'openai' } */
  readonly providerPresets?: Readonly<Record<string, string>>;
}

const free: ModelPrice = { input: 0, output: 0 };

/** Exact and loose lookups over one source's entries. */
class PriceIndex {
  private readonly exact = new Map<string, ResolvedPrice>();
  private readonly loose = new Map<string, { readonly entry: ResolvedPrice; readonly undated: boolean }>();

  add(key: string, entry: ResolvedPrice): void {
    this.exact.set(key.toLowerCase(), entry);
    const loose = looseKey(key);
    const [, model] = splitKey(key);
    const undated = undatedName(model) === model.trim().toLowerCase();
    // an undated name wins the loose slot over its dated snapshots (whose context windows may differ)
    const held = this.loose.get(loose);
    if (!held || (undated && !held.undated)) this.loose.set(loose, { entry, undated });
  }

  find(providerId: string, model: string): ResolvedPrice | undefined {
    return (
      this.exact.get(priceKey(providerId, model)) ??
      this.exact.get(priceKey(providerId, undatedName(model))) ??
      this.loose.get(looseKey(priceKey(providerId, model)))?.entry
    );
  }

  get size(): number {
    return this.exact.size;
  }
}

function fromStored(price: StoredPrice, source: PriceSource): ResolvedPrice {
  const { key, contextWindow, fetchedAt, source: _source, ...rates } = price;
  return { key, source, price: rates, ...(contextWindow === undefined ? {} : { contextWindow }), updatedAt: fetchedAt };
}

export class PriceCatalog {
  private readonly bundled = new PriceIndex();
  private openRouter = new PriceIndex();
  /** OpenRouter prices filed under the first-party key too (`openrouter/google/x` also as `gemini/x`) */
  private openRouterFirstParty = new PriceIndex();
  private overrides = new PriceIndex();
  private overridePrices = new Map<string, StoredPrice>();

  constructor(private readonly options: PriceCatalogOptions) {
    for (const [key, model] of Object.entries(options.snapshot.models)) {
      const { mode: _mode, contextWindow, maxOutputTokens: _maxOutput, capabilities, note: _note, ...rates } = model;
      this.bundled.add(key, { key, source: 'bundled', price: rates, ...(contextWindow === undefined ? {} : { contextWindow }), capabilities });
    }
    for (const [alias, target] of Object.entries(options.snapshot.aliases)) {
      const entry = this.bundled.find(...splitKey(target));
      if (entry) this.bundled.add(alias, entry);
    }
    if (options.database) {
      const stored = loadStoredPrices(options.database);
      this.useOpenRouterPrices(stored.filter((price) => price.source === 'openrouter'));
      for (const price of stored.filter((entry) => entry.source === 'override')) this.overridePrices.set(price.key, price);
      this.reindexOverrides();
    }
  }

  /** The price for one request's target, or undefined when none is known (the ledger then stores cost NULL). */
  lookup(providerId: string, model: string): ResolvedPrice | undefined {
    const provider = this.options.providerPresets?.[providerId] ?? providerId;
    if (localProviderIds.has(provider) || this.options.isLocalProvider?.(providerId) === true) {
      return { key: priceKey(providerId, model), source: 'local', price: free };
    }
    const found = this.overrides.find(provider, model) ?? this.openRouterFor(provider, model) ?? this.bundled.find(provider, model);
    if (found) return found;
    // An OpenRouter id the lists above do not know: OpenRouter resells first-party models at the first-party price.
    const firstParty = provider === 'openrouter' ? firstPartyOf(model) : undefined;
    return firstParty ? this.lookup(firstParty.providerId, firstParty.model) : undefined;
  }

  /** `openrouter/anthropic/claude-sonnet-4.5`, `anthropic/claude-sonnet-4-5`: a whole model id as clients send it. */
  lookupModelId(modelId: string): ResolvedPrice | undefined {
    const [providerId, model] = splitKey(modelId);
    return model ? this.lookup(providerId, model) : undefined;
  }

  /** Fetches OpenRouter's list (through the injected fetch), stores it with its date, and uses it from now on. */
  async refreshFromOpenRouter(fetchJson: FetchJson, now: number = Date.now()): Promise<OpenRouterParseResult> {
    if (!this.options.database) throw new Error('refreshFromOpenRouter needs the catalog to have a database');
    const result = await fetchOpenRouterPrices(this.options.database, fetchJson, now);
    this.useOpenRouterPrices(result.prices);
    return result;
  }

  /** Sets (or with `undefined`, removes) the user's own price for `provider/model`. */
  setOverride(providerId: string, model: string, price: ModelPrice | undefined, now: number = Date.now()): void {
    const key = priceKey(providerId, model);
    if (price === undefined) {
      this.overridePrices.delete(key);
      this.options.database?.prepare(`DELETE FROM prices WHERE model_key = ? AND source = 'override'`).run(key);
    } else {
      const stored: StoredPrice = { ...price, key, source: 'override', fetchedAt: now };
      this.overridePrices.set(key, stored);
      if (this.options.database) storePrices(this.options.database, 'override', [stored]);
    }
    this.reindexOverrides();
  }

  get sizes(): { readonly bundled: number; readonly openRouter: number; readonly overrides: number } {
    return { bundled: this.bundled.size, openRouter: this.openRouter.size, overrides: this.overrides.size };
  }

  private openRouterFor(providerId: string, model: string): ResolvedPrice | undefined {
    const direct = this.openRouter.find(providerId, model);
    if (direct) return direct;
    const viaOpenRouter = this.openRouterFirstParty.find(providerId, model);
    if (!viaOpenRouter) return undefined;
    // Same rates as the bundled entry: keep the bundled one, which also knows cache writes and long-context tiers.
    const bundled = this.bundled.find(providerId, model);
    const unchanged = bundled && bundled.price.input === viaOpenRouter.price.input && bundled.price.output === viaOpenRouter.price.output;
    return unchanged ? bundled : viaOpenRouter;
  }

  private useOpenRouterPrices(prices: readonly StoredPrice[]): void {
    const index = new PriceIndex();
    const firstParty = new PriceIndex();
    for (const price of prices) {
      const entry = fromStored(price, 'openrouter');
      index.add(price.key, entry);
      const vendor = firstPartyOf(price.key.slice('openrouter/'.length));
      if (vendor) firstParty.add(priceKey(vendor.providerId, vendor.model), entry);
    }
    this.openRouter = index;
    this.openRouterFirstParty = firstParty;
  }

  private reindexOverrides(): void {
    const index = new PriceIndex();
    for (const price of this.overridePrices.values()) index.add(price.key, fromStored(price, 'override'));
    this.overrides = index;
  }
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return slash < 0 ? [key, ''] : [key.slice(0, slash), key.slice(slash + 1)];
}
