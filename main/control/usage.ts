// usage.*: the dashboard's read-only queries, each one of the ledger's reads (LedgerReads: the SQLite file or, in
// team mode, PostgreSQL) over a time range; plus a request's captured bodies (when capture was on) and deleting
// them all (in the SQLite file; in team mode in PostgreSQL, where every replica's are).
import type { CallResponse } from '../../shared/control/contract.js';
import { redactSecrets } from '../../shared/redact.js';
import { readCapture } from '../ledger/capture-store.js';
import type { ControlContext, ServiceRequest as Request } from './context.js';
import { usageReads } from './ledger-access.js';

export function usageTotals(context: ControlContext, request: Request<'usage.totals'>): Promise<CallResponse<'usage.totals'>> {
  return usageReads(context).totals(request.range);
}

export function usageSeries(context: ControlContext, request: Request<'usage.series'>): Promise<CallResponse<'usage.series'>> {
  return usageReads(context).timeSeries(request.range, { bucket: request.bucket, utcOffsetMinutes: request.utcOffsetMinutes, timeZone: request.timeZone });
}

export async function usageBreakdown(context: ControlContext, request: Request<'usage.breakdown'>): Promise<CallResponse<'usage.breakdown'>> {
  const result = await usageReads(context).breakdown(request.range, { by: request.by, limit: request.limit, orderBy: request.orderBy });
  return { rows: [...result.rows], others: result.others };
}

export function usageErrors(context: ControlContext, request: Request<'usage.errors'>): Promise<CallResponse<'usage.errors'>> {
  return usageReads(context).errorClasses(request.range);
}

export function usageLatency(context: ControlContext, request: Request<'usage.latency'>): Promise<CallResponse<'usage.latency'>> {
  return usageReads(context).latencyPercentiles(request.range, request.metric);
}

export async function usageLog(context: ControlContext, request: Request<'usage.log'>): Promise<CallResponse<'usage.log'>> {
  const page = await usageReads(context).listRequests({
    range: request.range,
    limit: request.limit,
    ...(request.status !== undefined ? { status: request.status } : {}),
    ...(request.providerId !== undefined ? { providerId: request.providerId } : {}),
    ...(request.model !== undefined ? { model: request.model } : {}),
    ...(request.clientTokenName !== undefined ? { clientTokenName: request.clientTokenName } : {}),
    ...(request.cursor !== undefined ? { cursor: request.cursor } : {}),
  });
  return { rows: [...page.rows], nextCursor: page.nextCursor };
}

export async function usageDetail(context: ControlContext, request: Request<'usage.detail'>): Promise<CallResponse<'usage.detail'>> {
  const detail = await usageReads(context).requestDetail(request.id);
  if (!detail) return null;
  const captured = context.backend?.captures
    ? ((await context.backend.captures.read(request.id)) ?? readCapture(context.ledger.database, request.id))
    : readCapture(context.ledger.database, request.id);
  // Redacted when written; once more on the way out, for a secret registered since (a key added later).
  const capture = captured
    ? {
        request: redactSecrets(captured.request, { everyPiece: true }),
        response: redactSecrets(captured.response, { everyPiece: true }),
        truncated: captured.truncated,
      }
    : null;
  return { request: detail.request, attempts: [...detail.attempts], capture };
}

export async function purgeCaptures(context: ControlContext): Promise<CallResponse<'usage.captures.purge'>> {
  // team mode: every replica's captures in PostgreSQL, and whatever this replica kept in its file before
  const deleted = (await context.ledger.capture.purge()) + ((await context.backend?.captures?.purge()) ?? 0);
  context.log(`capture: ${deleted} captured request(s) deleted`);
  return { deleted };
}
