// What the tray and the desktop notifications know about the gateway, read from whichever source the shell has:
// the gateway object in this process, or the control service's status.get. Both become the same DesktopStatus.
import type { AppStatus, GatewayPhase } from '../../preload/bridge-api.js';
import type { StatusDto } from '../../shared/control/contract.js';
import type { GatewayStatus } from '../gateway/gateway.js';
import type { BudgetPeriod, BudgetState } from '../ledger/budgets.js';
import type { BudgetAction, BudgetLimits } from '../config/types.js';

export interface BudgetLimitView {
  /** the limit without its figures ("daily budget for all clients"): the same from one poll to the next */
  readonly key: string;
  readonly period: BudgetPeriod | null;
  readonly description: string;
  readonly state: BudgetState;
  readonly fraction: number;
  /** what happens at the limit, when the source says */
  readonly action: BudgetAction | null;
}

export interface ProviderUpDown {
  readonly id: string;
  /** null until something (traffic or a check) has told */
  readonly up: boolean | null;
}

export interface DesktopStatus {
  readonly phase: GatewayPhase;
  /** the OpenAI-compatible base URL, e.g. http://127.0.0.1:5454/v1 */
  readonly gatewayUrl: string | null;
  /** why the gateway is not running */
  readonly message: string | null;
  readonly providers: readonly ProviderUpDown[];
  /** set while only local targets are used; `automatic` when the gateway decided so (no cloud reachable) */
  readonly offline: { readonly reason: string; readonly automatic: boolean } | null;
  /** the user's switch: on, off, or null for "as the config file says" */
  readonly offlineSwitch: boolean | null;
  readonly budgets: readonly BudgetLimitView[];
  /** null when the source has no ledger totals */
  readonly today: { readonly costUsd: number; readonly savedUsd: number; readonly requests: number } | null;
}

/** RoutingService.offlineReason() for the switch (or the config's `offline: true`); any other reason is automatic. */
export const switchedOfflineReason = 'offline mode is on';

// describeBudgetCheck: "daily budget for all clients at $4.10 of $5.00", "monthly budget for client 'x' reached $…"
const budgetDescription = /^((daily|monthly) budget for (?:all clients|client '(.*)')) (?:at|reached) \$\d+(?:\.\d+)? of \$\d+(?:\.\d+)?$/;

export interface ParsedBudget {
  readonly key: string;
  readonly period: BudgetPeriod | null;
  /** the client token a per-client limit is for; null for the global limits */
  readonly client: string | null;
}

export function parseBudgetDescription(description: string): ParsedBudget {
  const match = budgetDescription.exec(description);
  if (!match?.[1]) return { key: description, period: null, client: null };
  return { key: match[1], period: match[2] === 'daily' ? 'day' : 'month', client: match[3] ?? null };
}

/** What happens at a limit, by period and client: the config's budgets (each period and client may differ). */
export type BudgetActionLookup = (period: BudgetPeriod | null, client: string | null) => BudgetAction | null;

export function budgetActionLookup(limits: BudgetLimits | undefined): BudgetActionLookup {
  return (period, client) => {
    if (!limits || period === null) return null;
    const periods = client === null ? limits : limits.perClient?.[client];
    return (period === 'day' ? periods?.daily : periods?.monthly)?.action ?? null;
  };
}

function offlineView(reason: string | null | undefined): DesktopStatus['offline'] {
  return reason ? { reason, automatic: reason !== switchedOfflineReason } : null;
}

function budgetViews(lines: ReadonlyArray<{ description: string; state: string; fraction: number }>, actionOf: BudgetActionLookup): BudgetLimitView[] {
  return lines.map((line) => {
    const { key, period, client } = parseBudgetDescription(line.description);
    const state: BudgetState = line.state === 'exceeded' || line.state === 'warning' ? line.state : 'ok';
    return { key, period, description: line.description, state, fraction: line.fraction, action: actionOf(period, client) };
  });
}

export interface GatewayContext {
  /** gateway.offlineSwitch: undefined is "as the config says" */
  readonly offlineSwitch: boolean | undefined;
  readonly budgetAction: BudgetActionLookup;
}

/**
 * From the gateway in this process: the monitor's phase and checks, the gateway's own health (learnt from traffic,
 * preferred over the last check), offline state and global budgets. It has no ledger totals, so `today` is null.
 */
export function desktopStatusFromGateway(app: AppStatus, gateway: GatewayStatus | undefined, context: GatewayContext): DesktopStatus {
  const checked = new Map(app.providers.map((provider) => [provider.id, provider.reachability]));
  const running = app.phase === 'running' && gateway !== undefined;
  return {
    phase: app.phase,
    gatewayUrl: app.gatewayUrl,
    message: app.message,
    providers: (gateway?.providers ?? []).map((provider) => {
      const check = checked.get(provider.id);
      return { id: provider.id, up: provider.reachable ?? (check === 'reachable' ? true : check === 'unreachable' ? false : null) };
    }),
    offline: running ? offlineView(gateway.offline) : null,
    offlineSwitch: context.offlineSwitch ?? null,
    budgets: running ? budgetViews(gateway.budgets, context.budgetAction) : [],
    today: null,
  };
}

/** From the control service's status.get (and settings.get for the switch): adds today's spend and savings. */
export function desktopStatusFromControl(
  app: AppStatus,
  status: StatusDto,
  settings: { readonly offline: boolean | null },
  budgetAction: BudgetActionLookup,
): DesktopStatus {
  return {
    phase: app.phase,
    gatewayUrl: app.gatewayUrl ?? `${status.url}/v1`,
    message: app.message,
    providers: status.providers.map((provider) => ({ id: provider.id, up: provider.reachable })),
    offline: offlineView(status.offline),
    offlineSwitch: settings.offline,
    budgets: budgetViews(status.budgets, budgetAction),
    today: { costUsd: status.today.costUsd, savedUsd: status.today.savedUsd, requests: status.today.requests },
  };
}
