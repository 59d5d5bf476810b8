// The first-run screen's state: whether the core says it is due (a fresh install), which step is shown, the local
// servers found and the cloud keys in the environment, and what the user did with each. Adding a server goes
// through the providers store, so the Providers page and every model picker see it at once.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ControlClient, DiscoveredServerDto, EnvironmentKeyDto } from '../../../../shared/control/contract';
import { messageOf } from '../../control/control-error';
import { emptyResource, failedResource, loadingResource, readyResource, type Resource } from '../../app/resource';
import type { ProvidersStore } from '../providers/providers-store';

export const firstRunSteps = ['servers', 'keys', 'connect', 'done'] as const;
export type FirstRunStep = (typeof firstRunSteps)[number];

export const firstRunStepLabels: Record<FirstRunStep, string> = {
  servers: 'Local model servers',
  keys: 'Cloud keys',
  connect: 'Connect a tool',
  done: 'Done',
};

/** What happened to one offer (a server to add, a key to store): nothing yet, under way, done, or why not. */
export type OfferState =
  { readonly phase: 'running' } | { readonly phase: 'done'; readonly detail: string } | { readonly phase: 'failed'; readonly error: string };

export interface FirstRunState {
  /** null until the core answered; a core too old to know answers as not pending */
  readonly pending: boolean | null;
  readonly step: FirstRunStep;
  readonly servers: Resource<DiscoveredServerDto[]>;
  readonly keys: Resource<EnvironmentKeyDto[]>;
  /** by preset */
  readonly added: Readonly<Record<string, OfferState>>;
  readonly imported: Readonly<Record<string, OfferState>>;
  check(): Promise<boolean>;
  goTo(step: FirstRunStep): void;
  detect(): Promise<void>;
  loadKeys(): Promise<void>;
  addServer(server: DiscoveredServerDto): Promise<void>;
  importKey(preset: string): Promise<void>;
  /** finished or skipped: not offered again at start (still reachable from the dashboard and Providers) */
  finish(): Promise<void>;
}

export type FirstRunStore = StoreApi<FirstRunState>;

/** `lmstudio`, or `lmstudio-2` when a provider of that name exists (pointing elsewhere). */
export function providerIdFor(preset: string, taken: ReadonlySet<string>): string {
  if (!taken.has(preset)) return preset;
  for (let suffix = 2; suffix < 100; suffix++) if (!taken.has(`${preset}-${suffix}`)) return `${preset}-${suffix}`;
  return `${preset}-${Date.now().toString(36)}`;
}

export function createFirstRunStore(client: ControlClient, providers: ProvidersStore): FirstRunStore {
  return createStore<FirstRunState>()((set, get) => ({
    pending: null,
    step: 'servers',
    servers: emptyResource(),
    keys: emptyResource(),
    added: {},
    imported: {},
    check: async () => {
      let pending = false;
      try {
        pending = (await client['firstRun.get']({})).pending;
      } catch {
        // the first-run screen is a welcome, never a gate: without an answer the app opens as usual
      }
      set({ pending });
      return pending;
    },
    goTo: (step) => set({ step }),
    detect: async () => {
      set({ servers: loadingResource(get().servers) });
      try {
        set({ servers: readyResource(await client['providers.discover']({})) });
      } catch (error) {
        set({ servers: failedResource(get().servers, error) });
      }
    },
    loadKeys: async () => {
      set({ keys: loadingResource(get().keys) });
      try {
        set({ keys: readyResource(await client['providers.environmentKeys']({})) });
      } catch (error) {
        set({ keys: failedResource(get().keys, error) });
      }
    },
    addServer: async (server) => {
      set({ added: { ...get().added, [server.preset]: { phase: 'running' } } });
      try {
        const existing = providers.getState().providers.data ?? (await client['providers.list']({}));
        const id = providerIdFor(server.preset, new Set(existing.map((provider) => provider.id)));
        await providers.getState().add({ id, preset: server.preset, baseUrl: server.baseUrl });
        const servers = (get().servers.data ?? []).map((candidate) =>
          candidate === server || (candidate.preset === server.preset && candidate.baseUrl === server.baseUrl) ? { ...candidate, configured: true } : candidate,
        );
        set({
          servers: readyResource(servers),
          added: { ...get().added, [server.preset]: { phase: 'done', detail: `Added as ${id}: its models are ${id}/<model>.` } },
        });
      } catch (error) {
        set({ added: { ...get().added, [server.preset]: { phase: 'failed', error: messageOf(error) } } });
      }
    },
    importKey: async (preset) => {
      set({ imported: { ...get().imported, [preset]: { phase: 'running' } } });
      try {
        await client['providers.importEnvironmentKey']({ preset });
        // the keychain keeps keys per provider id: a preset not configured yet is added under its own name
        const existing = providers.getState().providers.data ?? (await client['providers.list']({}));
        const added = !existing.some((provider) => provider.id === preset);
        if (added) await providers.getState().add({ id: preset, preset });
        else void providers.getState().refresh();
        const keys = (get().keys.data ?? []).map((key) => (key.preset === preset ? { ...key, inKeychain: true } : key));
        set({
          keys: readyResource(keys),
          imported: {
            ...get().imported,
            [preset]: { phase: 'done', detail: added ? `Stored in the keychain, and ${preset} added as a provider.` : 'Stored in the keychain.' },
          },
        });
      } catch (error) {
        set({ imported: { ...get().imported, [preset]: { phase: 'failed', error: messageOf(error) } } });
      }
    },
    finish: async () => {
      set({ pending: false });
      try {
        await client['firstRun.finish']({});
      } catch {
        // not remembered: the screen is offered again next time, which is harmless
      }
    },
  }));
}
