// Context windows and capabilities per target, for capability checks and context-window fallback. Filled from
// the provider where it can say (Ollama's /api/show) and from model listings that carry context lengths; kept
// for a few minutes. Unknown means "assume it can": a provider's own error is still the authority.
import type { ModelDetails, ProviderAdapter } from '../providers/types.js';
import type { Target } from '../../config/types.js';

interface Entry {
  readonly at: number;
  readonly details: ModelDetails | undefined;
}

export class ModelDetailsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly ttlMs = 5 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  get(target: Target): ModelDetails | undefined {
    return this.entries.get(`${target.providerId}/${target.model}`)?.details;
  }

  /** Details learnt elsewhere (a model listing's context length, the price snapshot). */
  remember(target: Target, details: ModelDetails): void {
    const key = `${target.providerId}/${target.model}`;
    const known = this.entries.get(key)?.details;
    this.entries.set(key, { at: this.clock(), details: { ...details, ...known } });
  }

  /** Fetches what is missing or stale for these targets, in parallel, waiting at most `timeoutMs`. */
  async ensure(targets: readonly Target[], adapterFor: (providerId: string) => ProviderAdapter | undefined, timeoutMs: number): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const target of targets) {
      const key = `${target.providerId}/${target.model}`;
      const entry = this.entries.get(key);
      if (entry && this.clock() - entry.at < this.ttlMs) continue;
      const adapter = adapterFor(target.providerId);
      if (!adapter?.modelDetails) continue;
      let fetching = this.pending.get(key);
      if (!fetching) {
        const fetchDetails = adapter.modelDetails.bind(adapter);
        fetching = fetchDetails(target.model, AbortSignal.timeout(Math.max(timeoutMs, 5_000)))
          .then(
            (details) => void this.entries.set(key, { at: this.clock(), details: { ...entry?.details, ...details } }),
            () => void this.entries.set(key, { at: this.clock(), details: entry?.details }),
          )
          .finally(() => this.pending.delete(key));
        this.pending.set(key, fetching);
      }
      waits.push(fetching);
    }
    if (waits.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(waits), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
