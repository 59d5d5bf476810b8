// Endpoint handlers whose modules load on their first request, not at start: `serve` answers /health sooner and
// holds less memory at rest, and a dialect nobody calls (Gemini, Ollama, Responses) is never loaded. The first
// request of a kind awaits its module (one local import, tens of ms); from then on the handler is called directly.
import type { LazyModule } from '../lazy-module.js';
import type { EndpointHandler } from './route-table.js';

export { lazyModule } from '../lazy-module.js';

/** what each lazy handler stands for, so a test can check the route table reaches the dialect's own handler */
const standsFor = new WeakMap<EndpointHandler, () => Promise<EndpointHandler>>();

/** A handler that loads its module on the first request (which awaits it) and calls straight through after that. */
export function lazyHandler<M>(module: LazyModule<M>, pick: (loaded: M) => EndpointHandler): EndpointHandler {
  const handler: EndpointHandler = (context, inbound, sink) => {
    const loaded = module.loaded;
    if (loaded !== undefined) return pick(loaded)(context, inbound, sink);
    return module.load().then((fresh) => pick(fresh)(context, inbound, sink));
  };
  standsFor.set(handler, async () => pick(module.loaded ?? (await module.load())));
  return handler;
}

/** The handler a route really calls: the module's own behind a lazy handler (loading it), else the handler itself. */
export async function resolvedHandler(handler: EndpointHandler | undefined): Promise<EndpointHandler | undefined> {
  if (handler === undefined) return undefined;
  const resolve = standsFor.get(handler);
  return resolve === undefined ? handler : resolve();
}
