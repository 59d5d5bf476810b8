// Turns the `model` a client sent into the provider and model to call. `provider/model` addresses a provider
// directly (the model part may itself contain slashes: `openrouter/anthropic/claude-sonnet-4`).
// Model ids are only ever matched against configured provider ids: they never become hosts or paths.

export interface Target {
  readonly providerId: string;
  /** the model name as the provider knows it */
  readonly model: string;
}

export type Resolution = { readonly ok: true; readonly targets: readonly Target[] } | { readonly ok: false; readonly status: number; readonly message: string; readonly code: string };

export function splitModelName(name: string): { providerId: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { providerId: name.slice(0, slash), model: name.slice(slash + 1) };
}

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
