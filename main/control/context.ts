// What the control service works with, injected once (boot.ts builds it; tests build their own): the running
// gateway, the config editor, the key resolver and keychain, the ledger and price catalog, the client-token store.
import type { CallResponse, ControlApi, ControlCall } from '../../shared/control/contract.js';
import type { ToolToken } from '../connect/tool-token.js';
import type { ProviderSettings } from '../config/load.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Ledger } from '../ledger/ledger.js';
import type { LedgerBackend } from '../ledger/ledger-backend.js';
import type { PriceCatalog } from '../ledger/price-catalog.js';
import type { ProviderKeyView } from '../secrets/key-resolver.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { ConfigEditor } from './config-editor.js';
import type { DiscoveryOptions } from './discover.js';
import type { KeyLookup } from '../secrets/key-lookup.js';

/** The part of KeyResolver the control service uses. */
export interface ProviderKeys {
  describe(provider: ProviderSettings): ProviderKeyView;
  /** re-reads one provider's keys from the store after a change */
  keysChanged(providerId: string): Promise<void>;
  /** the key a provider's requests carry now (keychain first, then its variable) */
  readonly keyLookup: KeyLookup;
}

/** What the service needs of the token store (tests may pass a fake). */
export interface ControlTokens {
  /** SQLite's store answers at once; team mode's (PostgreSQL) over the network */
  list(): CallResponse<'tokens.list'> | Promise<CallResponse<'tokens.list'>>;
  /** the new token in full: the one time it is ever shown */
  create(name: string): { readonly name: string; readonly token: string } | Promise<{ readonly name: string; readonly token: string }>;
  /** false when the token was revoked already */
  revoke(name: string): boolean | Promise<boolean>;
  /** a connected tool's token when Switchyard keeps it (main/connect/tool-token.ts) */
  keptTool(name: string): string | undefined;
  /** that token, or a new one for the tool (kept from then on) */
  ensureTool(name: string): ToolToken;
}

export interface ControlContext {
  readonly gateway: Gateway;
  readonly editor: ConfigEditor;
  readonly env: NodeJS.ProcessEnv;
  readonly keys: ProviderKeys;
  readonly secretStore: SecretStore;
  readonly ledger: Ledger;
  /** team mode: the PostgreSQL ledger requests and usage live in (ledger-access.ts); unset, `ledger` has them */
  readonly backend?: LedgerBackend;
  /** the catalog in force (it is rebuilt on reload) */
  readonly prices: () => PriceCatalog;
  /** client tokens (the hashed store in the ledger file) */
  readonly tokens: ControlTokens;
  readonly version: string;
  /** local servers providers.discover looks for (default: the local presets on their default ports) and its deadline */
  readonly discovery?: DiscoveryOptions;
  /** the desktop shell applies start-at-login; headless it is only stored */
  readonly onStartAtLoginChanged?: (enabled: boolean) => void;
  readonly log: (line: string) => void;
}

/** A call's request as the service receives it: parsed, defaults filled in. */
export type ServiceRequest<Name extends ControlCall> = Parameters<ControlApi[Name]>[0];
