// Budgets as the gateway sees them: a decision per request for the calling client token. What it does with the
// decision — a 429 in the client's dialect, local targets only, or a warning header — is in server/metered.ts.
import type { BudgetDecision, SpendSoFar } from '../ledger/budgets.js';

export interface BudgetGuard {
  /** undefined when no budget is configured */
  decide(clientName: string | null): BudgetDecision | undefined;
  /**
   * Today's and this month's spend in this replica's ledger, committed and queued (undefined while the ledger is
   * not open yet): shared state starts its running totals from it when Redis has none (first use, or emptied).
   */
  spendSoFar?(): SpendSoFar | undefined;
}
