// Settings, client tokens and budgets. A new token's secret is returned to the caller (the dialog that shows it
// once) and never enters this store: the store only ever holds the masked form.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  BudgetsInput,
  CallRequest,
  CallResponse,
  ClientLimitsDto,
  ControlClient,
  PrivacyDto,
  PrivacyInput,
  SettingsDto,
  TokenDto,
} from '../../../../shared/control/contract';
import { emptyResource, failedResource, loadingResource, readyResource, type Resource } from '../../app/resource';

export type Budgets = CallResponse<'budgets.get'>;

export interface SettingsState {
  readonly settings: Resource<SettingsDto>;
  readonly tokens: Resource<TokenDto[]>;
  readonly budgets: Resource<Budgets>;
  /** the privacy guard's settings, each route's action and cache, and the response cache's size */
  readonly privacy: Resource<PrivacyDto>;
  /** rate limits per client token */
  readonly limits: Resource<ClientLimitsDto>;
  refresh(): Promise<void>;
  saveSettings(changes: CallRequest<'settings.set'>): Promise<void>;
  /** resolves with the new token's secret, for the caller to show once; the store keeps only the masked listing */
  createToken(name: string): Promise<string>;
  revokeToken(name: string): Promise<void>;
  saveBudgets(budgets: BudgetsInput): Promise<void>;
  /** deletes every captured body; resolves with how many requests' captures went */
  purgeCaptures(): Promise<number>;
  savePrivacy(privacy: PrivacyInput): Promise<void>;
  saveLimits(limits: ClientLimitsDto): Promise<void>;
  /** runs the detectors (these settings, saved or not) on pasted text: detector names and spans */
  testPrivacy(request: CallRequest<'privacy.test'>): Promise<CallResponse<'privacy.test'>>;
  /** empties the response cache; resolves with how many answers went */
  clearCache(): Promise<number>;
}

export type SettingsStore = StoreApi<SettingsState>;

export function createSettingsStore(client: ControlClient): SettingsStore {
  return createStore<SettingsState>()((set, get) => {
    async function loadInto<T>(read: () => Resource<T>, write: (resource: Resource<T>) => void, load: () => Promise<T>): Promise<void> {
      write(loadingResource(read()));
      try {
        write(readyResource(await load()));
      } catch (error) {
        write(failedResource(read(), error));
      }
    }
    const loadSettings = () =>
      loadInto(
        () => get().settings,
        (settings) => set({ settings }),
        () => client['settings.get']({}),
      );
    const loadTokens = () =>
      loadInto(
        () => get().tokens,
        (tokens) => set({ tokens }),
        () => client['tokens.list']({}),
      );
    const loadBudgets = () =>
      loadInto(
        () => get().budgets,
        (budgets) => set({ budgets }),
        () => client['budgets.get']({}),
      );
    const loadPrivacy = () =>
      loadInto(
        () => get().privacy,
        (privacy) => set({ privacy }),
        () => client['privacy.get']({}),
      );
    const loadLimits = () =>
      loadInto(
        () => get().limits,
        (limits) => set({ limits }),
        () => client['limits.get']({}),
      );
    return {
      settings: emptyResource(),
      tokens: emptyResource(),
      budgets: emptyResource(),
      privacy: emptyResource(),
      limits: emptyResource(),
      refresh: async () => {
        await Promise.all([loadSettings(), loadTokens(), loadBudgets(), loadPrivacy(), loadLimits()]);
      },
      saveSettings: async (changes) => {
        set({ settings: readyResource(await client['settings.set'](changes)) });
      },
      createToken: async (name) => {
        const created = await client['tokens.create']({ name });
        await loadTokens();
        return created.token;
      },
      revokeToken: async (name) => {
        await client['tokens.revoke']({ name });
        await loadTokens();
      },
      saveBudgets: async (budgets) => {
        set({ budgets: readyResource(await client['budgets.set'](budgets)) });
      },
      purgeCaptures: async () => (await client['usage.captures.purge']({})).deleted,
      savePrivacy: async (privacy) => {
        set({ privacy: readyResource(await client['privacy.set'](privacy)) });
      },
      saveLimits: async (limits) => {
        set({ limits: readyResource(await client['limits.set'](limits)) });
      },
      testPrivacy: (request) => client['privacy.test'](request),
      clearCache: async () => {
        const { cleared } = await client['cache.clear']({});
        await loadPrivacy();
        return cleared;
      },
    };
  });
}
