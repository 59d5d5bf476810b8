// Turns the `model` a client sent into the provider and model to call. `provider/model` addresses a provider
// directly (the model part may itself contain slashes: `openrouter/anthropic/claude-sonnet-4`).
// Model ids are only ever matched against configured provider ids: they never become hosts or paths.

import { splitModelName } from '../../config/defaults.js';
import type { Target } from '../../config/types.js';

export type Resolution =
  { readonly ok: true; readonly targets: readonly Target[] } | { readonly ok: false; readonly status: number; readonly message: string; readonly code: string };

export function resolveModel(name: string, providerIds: ReadonlySet<string>): Resolution {
  const split = splitModelName(name);
  if (split && providerIds.has(split.providerId)) return { ok: true, targets: [split] };
  const known = [...providerIds].join(', ') || 'none configured';
  return {
    ok: false,
    status: 404,
    code: 'model_not_found',
    message: `model '${name}' is not known to Switchyard. Use 'provider/model' (providers: ${known}); GET /v1/models lists every model.`,
  };
}
