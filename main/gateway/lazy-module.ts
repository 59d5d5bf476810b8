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

/**
 * undici's Agent: needed by the first upstream POST, not to start listening (GETs go over node:http,
 * providers/plain-http.ts). Its own module rather than the package's index, which loads fetch, WebSocket,
 * EventSource, the cache and mock agents with it: measured in bare Node, loading and first use of the Agent alone
 * take ~40 ms and +21 MiB RSS instead of ~110 ms and +28 MiB (issue 20). lazy-module.test.ts checks it is the
 * package's own Agent, so an undici that moves the file fails a test rather than a request.
 */
export const undici = lazyModule(async () => ({ Agent: (await import('undici/lib/dispatcher/agent.js')).default }));
