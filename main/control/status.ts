// status.get (the gateway's own status plus today's spend and the ledger's health) and gateway.reload.
import type { CallResponse } from '../../shared/control/contract.js';
import { redactSecrets } from '../../shared/redact.js';
import { describeBudgetCheck, evaluateBudgets, type BudgetCheck } from '../ledger/budgets.js';
import { calendarRanges } from '../ledger/queries.js';
import type { SharedTokensView } from '../secrets/postgres-client-token-store.js';
import type { ControlContext } from './context.js';
import { requestLedger, usageReads } from './ledger-access.js';

export async function getStatus(context: ControlContext): Promise<CallResponse<'status.get'>> {
  const { gateway } = context;
  const status = gateway.status();
  const labels = new Map(gateway.config.providers.map((provider) => [provider.id, provider.label]));
  const today = await usageReads(context).totals(calendarRanges().today);
  const stats = requestLedger(context).stats();
  return {
    url: status.url,
    version: context.version,
    configSource: status.configSource ?? null,
    inFlight: status.inFlight,
    offline: status.offline ?? null,
    providers: status.providers.map((provider) => ({
      id: provider.id,
      type: provider.type,
      label: labels.get(provider.id) ?? provider.id,
      baseUrl: provider.baseUrl,
      locality: provider.locality,
      keySource: provider.keySource,
      reachable: provider.reachable ?? null,
      keyRejected: provider.keyRejected,
      lastError: provider.lastError === undefined ? null : redactSecrets(provider.lastError),
    })),
    routes: status.routes.map((route) => ({ name: route.name, targets: [...route.targets] })),
    cooldowns: status.cooldowns.map((circuit) => ({ target: circuit.target, phase: circuit.phase, until: circuit.until ?? null })),
    budgets: budgetLines(context),
    sharedState: status.sharedState
      ? {
          backend: status.sharedState.backend,
          replicas: status.sharedState.replicas,
          url: status.sharedState.url,
          detail: redactSecrets(status.sharedState.reason === null ? status.sharedState.detail : `${status.sharedState.detail} — ${status.sharedState.reason}`),
        }
      : null,
    clientTokens: status.sharedTokens ? sharedTokensLine(status.sharedTokens) : null,
    today: { costUsd: today.costUsd, requests: today.requests, savedUsd: today.savedUsd },
    ledger: {
      queued: stats.queued,
      written: stats.written,
      dropped: stats.dropped,
      lastError: stats.lastError === null ? null : redactSecrets(stats.lastError),
    },
  };
}

/** Every configured limit (global, then each client's) against the spend so far. */
export function budgetLines(context: ControlContext): CallResponse<'budgets.get'>['lines'] {
  const limits = context.gateway.config.budgets;
  if (!limits) return [];
  const spend = requestLedger(context).spendSoFar();
  const checks: BudgetCheck[] = [...evaluateBudgets(limits, spend, null).checks];
  for (const client of Object.keys(limits.perClient ?? {})) {
    checks.push(...evaluateBudgets(limits, spend, client).checks.filter((check) => check.scope === 'client'));
  }
  // A zero limit is exceeded from the start (fraction Infinity, which JSON cannot carry): report it as 1.
  return checks.map((check) => ({
    description: describeBudgetCheck(check),
    state: check.state,
    fraction: Number.isFinite(check.fraction) ? check.fraction : 1,
  }));
}

export async function reloadGateway(context: ControlContext): Promise<CallResponse<'gateway.reload'>> {
  await context.gateway.reload();
  return { reloaded: true };
}

/** The shared client tokens for status: current, or the last set read and since when. */
function sharedTokensLine(view: SharedTokensView): NonNullable<CallResponse<'status.get'>['clientTokens']> {
  const detail =
    view.state === 'live'
      ? `${view.active} active, shared in PostgreSQL`
      : `PostgreSQL unreachable since ${new Date(view.since ?? view.loadedAt).toISOString()}: the ${view.active} token(s) read at ${new Date(view.loadedAt).toISOString()} stay in force, revocations since then are not seen${view.reason ? ` — ${view.reason}` : ''}`;
  return { backend: 'postgres', state: view.state, active: view.active, detail: redactSecrets(detail) };
}
