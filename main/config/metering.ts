// Resolves the `ledger` and `budgets` sections: the reference model for savings, price overrides (the file says
// USD per million tokens; the ledger works per token), body capture, the age limit on request rows, and budget
// limits in the ledger's vocabulary.
import { defaultCaptureSettings, splitModelName } from './defaults.js';
import type { BudgetAction, BudgetLimits, CaptureSettings, ModelPrice, PeriodLimits, Target } from './types.js';
import type { ConfigFile } from './schema.js';

export interface LedgerSettings {
  readonly referenceModel: Target;
  readonly priceRefresh: boolean;
  readonly priceOverrides: ReadonlyArray<{ readonly target: Target; readonly price: ModelPrice }>;
  /** body capture: off unless the file turns it on */
  readonly capture: CaptureSettings;
  /** request rows older than this many days are deleted; undefined keeps every row */
  readonly retentionDays: number | undefined;
  /** stored Responses-API responses: on unless turned off, kept this many days (default 30) */
  readonly responses: { readonly store: boolean; readonly retentionDays: number };
  /** team mode: the PostgreSQL ledger's URL (SWITCHYARD_LEDGER_URL, else `ledger.url`); undefined keeps the SQLite file */
  readonly url?: string;
  /** team mode: this replica's name in the ledger (SWITCHYARD_INSTANCE_ID); by default its host and data dir */
  readonly instanceId?: string;
}

export const defaultReferenceModel: Target = { providerId: 'openai', model: 'gpt-4.1-mini' };

export function resolveLedger(file: ConfigFile, env: NodeJS.ProcessEnv = {}): LedgerSettings {
  const input = file.ledger ?? {};
  const url = env['SWITCHYARD_LEDGER_URL'] || input.url;
  const perToken = (perMillion: number | undefined): number | undefined => (perMillion === undefined ? undefined : perMillion / 1_000_000);
  const capture = input.capture ?? {};
  return {
    capture: {
      enabled: capture.enabled ?? defaultCaptureSettings.enabled,
      retentionDays: capture.retention_days ?? defaultCaptureSettings.retentionDays,
      maxBytesPerRequest: capture.max_bytes_per_request ?? defaultCaptureSettings.maxBytesPerRequest,
    },
    retentionDays: input.retention_days,
    ...(url ? { url } : {}),
    ...(env['SWITCHYARD_INSTANCE_ID'] ? { instanceId: env['SWITCHYARD_INSTANCE_ID'] } : {}),
    responses: { store: input.responses?.store ?? true, retentionDays: input.responses?.retention_days ?? 30 },
    referenceModel: (input.reference_model && splitModelName(input.reference_model)) || defaultReferenceModel,
    priceRefresh: input.price_refresh ?? true,
    priceOverrides: Object.entries(input.price_overrides ?? {}).flatMap(([reference, rates]) => {
      const target = splitModelName(reference);
      if (!target) return [];
      const price: ModelPrice = {
        input: rates.input / 1_000_000,
        output: rates.output / 1_000_000,
        ...(rates.cache_read !== undefined ? { cacheRead: perToken(rates.cache_read) } : {}),
        ...(rates.cache_write !== undefined ? { cacheWrite: perToken(rates.cache_write) } : {}),
        ...(rates.reasoning !== undefined ? { reasoning: perToken(rates.reasoning) } : {}),
      };
      return [{ target, price }];
    }),
  };
}

/** undefined when no budget is configured (nothing to check per request). */
export function resolveBudgets(file: ConfigFile): BudgetLimits | undefined {
  const input = file.budgets;
  if (!input) return undefined;
  const action: BudgetAction = input.action ?? 'block';
  const limits = (given: { daily_usd?: number | undefined; monthly_usd?: number | undefined }, periodAction: BudgetAction): PeriodLimits => ({
    ...(given.daily_usd !== undefined ? { daily: { limitUsd: given.daily_usd, action: periodAction } } : {}),
    ...(given.monthly_usd !== undefined ? { monthly: { limitUsd: given.monthly_usd, action: periodAction } } : {}),
  });
  const perClient = Object.fromEntries(Object.entries(input.clients ?? {}).map(([name, client]) => [name, limits(client, client.action ?? action)]));
  const resolved: BudgetLimits = { ...limits(input, action), perClient, ...(input.warn_at !== undefined ? { warningFraction: input.warn_at } : {}) };
  return resolved.daily || resolved.monthly || Object.keys(perClient).length > 0 ? resolved : undefined;
}
