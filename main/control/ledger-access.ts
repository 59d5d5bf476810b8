// Which ledger the control service reads usage from and reports on: the PostgreSQL one in team mode
// (context.backend), else the SQLite file every other table lives in.
import type { LedgerReads, RequestLedger } from '../ledger/ledger-backend.js';
import { sqliteReads } from '../ledger/sqlite-reads.js';
import type { ControlContext } from './context.js';

const sqliteByContext = new WeakMap<ControlContext, LedgerReads>();

export function usageReads(context: ControlContext): LedgerReads {
  if (context.backend) return context.backend.reads;
  let reads = sqliteByContext.get(context);
  if (!reads) sqliteByContext.set(context, (reads = sqliteReads(context.ledger.database)));
  return reads;
}

export function requestLedger(context: ControlContext): RequestLedger {
  return context.backend?.ledger ?? context.ledger;
}
