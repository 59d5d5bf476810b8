// Light, dark, or whatever the system says. The choice (not a secret) is remembered in localStorage; the page
// applies it as <html data-theme>, which the stylesheet's variables follow.
import { createStore, type StoreApi } from 'zustand/vanilla';

export type ThemePreference = 'system' | 'light' | 'dark';

export interface ThemeState {
  readonly preference: ThemePreference;
  choose(preference: ThemePreference): void;
}

export type ThemeStore = StoreApi<ThemeState>;

const storageKey = 'switchyard.theme';

export interface ThemeHost {
  readonly root: HTMLElement;
  readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined;
}

function apply(root: HTMLElement, preference: ThemePreference): void {
  if (preference === 'system') delete root.dataset['theme'];
  else root.dataset['theme'] = preference;
}

function readPreference(storage: ThemeHost['storage']): ThemePreference {
  try {
    const stored = storage?.getItem(storageKey);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export function createThemeStore(host: ThemeHost): ThemeStore {
  const initial = readPreference(host.storage);
  apply(host.root, initial);
  return createStore<ThemeState>()((set) => ({
    preference: initial,
    choose: (preference) => {
      apply(host.root, preference);
      try {
        host.storage?.setItem(storageKey, preference);
      } catch {
        // storage may be unavailable (private mode); the choice still holds for this window
      }
      set({ preference });
    },
  }));
}
