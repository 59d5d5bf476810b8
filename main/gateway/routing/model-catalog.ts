// GET /v1/models: every configured provider's live model list as `provider/model`, cached briefly and fetched
// once for concurrent callers. A provider that cannot be asked contributes the models its config names.
import type { ProviderRegistry } from '../providers/registry.js';
import type { ModelDetails } from '../providers/types.js';

export interface CatalogEntry {
  readonly id: string;
  readonly object: 'model';
  readonly created: number;
  readonly owned_by: string;
  readonly context_window?: number;
}

export class ModelCatalog {
  private cached: { readonly at: number; readonly entries: CatalogEntry[]; readonly byId: ReadonlyMap<string, CatalogEntry> } | undefined;
  private pending: Promise<CatalogEntry[]> | undefined;

  constructor(
    private readonly registry: ProviderRegistry,
    private readonly ttlMs = 30_000,
    private readonly perProviderTimeoutMs = 4_000,
  ) {}

  async list(): Promise<CatalogEntry[]> {
    if (this.cached && performance.now() - this.cached.at < this.ttlMs) return this.cached.entries;
    this.pending ??= this.fetchAll().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** model name → the providers that list it, for resolving bare model names */
  async owners(): Promise<Map<string, string[]>> {
    const owners = new Map<string, string[]>();
    for (const entry of await this.list()) {
      const model = entry.id.slice(entry.owned_by.length + 1);
      const list = owners.get(model);
      if (list) list.push(entry.owned_by);
      else owners.set(model, [entry.owned_by]);
    }
    return owners;
  }

  /** The context window a provider's listing gave, if it has been fetched. */
  details(target: { readonly providerId: string; readonly model: string }): ModelDetails | undefined {
    const window = this.cached?.byId.get(`${target.providerId}/${target.model}`)?.context_window;
    return window === undefined ? undefined : { contextWindow: window };
  }

  private async fetchAll(): Promise<CatalogEntry[]> {
    const lists = await Promise.all(
      this.registry.all().map(async (adapter) => {
        const configured = this.registry.settingsFor(adapter.id)?.models ?? [];
        try {
          const models = await adapter.listModels(AbortSignal.timeout(this.perProviderTimeoutMs));
          const ids = new Set(models.map((model) => model.id));
          const extra = configured.filter((id) => !ids.has(id)).map((id) => ({ id }));
          return [...models, ...extra].map((model) =>
            entry(adapter.id, model.id, 'created' in model ? model.created : undefined, 'contextWindow' in model ? model.contextWindow : undefined),
          );
        } catch {
          return configured.map((id) => entry(adapter.id, id, undefined, undefined));
        }
      }),
    );
    const entries = lists.flat();
    this.cached = { at: performance.now(), entries, byId: new Map(entries.map((entry) => [entry.id, entry])) };
    return entries;
  }
}

function entry(providerId: string, model: string, created: number | undefined, contextWindow: number | undefined): CatalogEntry {
  return {
    id: `${providerId}/${model}`,
    object: 'model',
    created: created ?? 0,
    owned_by: providerId,
    ...(contextWindow !== undefined ? { context_window: contextWindow } : {}),
  };
}
