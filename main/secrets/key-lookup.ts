// Where the gateway gets a provider's API key at call time: synchronously, once per upstream request. The secrets
// layer provides it (key-resolver.ts: the keychain with rotation; the environment otherwise) and the gateway's
// provider registry takes it, so the type lives here, below the gateway.
import type { ProviderSettings } from '../config/load.js';

export type KeyLookup = (provider: ProviderSettings) => string | undefined;
