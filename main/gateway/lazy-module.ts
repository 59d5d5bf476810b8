// A module imported the first time it is needed rather than at start (issue 20: `serve` answers sooner and holds
// less at rest). The first caller awaits the import; later callers read `loaded` and go on synchronously.

/** A module loaded once, when first asked for; a failed load is tried again at the next call. */
export interface LazyModule<M> {
  /** the module, once loaded */
  readonly loaded: M | undefined;
  load(): Promise<M>;
}

export function lazyModule<M>(importer: () => Promise<M>): LazyModule<M> {
  let loaded: M | undefined;
  let loading: Promise<M> | undefined;
  return {
    get loaded() {
      return loaded;
    },
    load() {
      if (loaded !== undefined) return Promise.resolve(loaded);
      loading ??= importer().then(
        (module) => (loaded = module),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

/** undici (~15 MB and 100+ ms to load): needed by the first upstream call, not to start listening. */
export const undici = lazyModule(() => import('undici'));
