// usage.*: the dashboard's read-only queries, each one of the ledger's query functions over a time range; plus a
// request's captured bodies (when capture was on) and deleting them all.
import type { CallResponse } from '../../shared/control/contract.js';
import { redactSecrets } from '../../shared/redact.js';
import { readCapture } from '../ledger/capture-store.js';
import { latencyPercentiles } from '../ledger/latency.js';
import { breakdown, errorClasses, totals } from '../ledger/queries.js';
import { listRequests, requestDetail } from '../ledger/request-log.js';
import { timeSeries } from '../ledger/series.js';
import type { ControlContext, ServiceRequest as Request } from './context.js';

export function usageTotals(context: ControlContext, request: Request<'usage.totals'>): CallResponse<'usage.totals'> {
  return totals(context.ledger.database, request.range);
}

export function usageSeries(context: ControlContext, request: Request<'usage.series'>): CallResponse<'usage.series'> {
  return timeSeries(context.ledger.database, request.range, { bucket: request.bucket, utcOffsetMinutes: request.utcOffsetMinutes, timeZone: request.timeZone });
}

export function usageBreakdown(context: ControlContext, request: Request<'usage.breakdown'>): CallResponse<'usage.breakdown'> {
  const result = breakdown(context.ledger.database, request.range, { by: request.by, limit: request.limit, orderBy: request.orderBy });
  return { rows: [...result.rows], others: result.others };
}

export function usageErrors(context: ControlContext, request: Request<'usage.errors'>): CallResponse<'usage.errors'> {
  return errorClasses(context.ledger.database, request.range);
}

export function usageLatency(context: ControlContext, request: Request<'usage.latency'>): CallResponse<'usage.latency'> {
  return latencyPercentiles(context.ledger.database, request.range, request.metric);
}

export function usageLog(context: ControlContext, request: Request<'usage.log'>): CallResponse<'usage.log'> {
  const page = listRequests(context.ledger.database, {
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

export function usageDetail(context: ControlContext, request: Request<'usage.detail'>): CallResponse<'usage.detail'> {
  const detail = requestDetail(context.ledger.database, request.id);
  if (!detail) return null;
  const captured = readCapture(context.ledger.database, request.id);
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
  const deleted = await context.ledger.capture.purge();
  context.log(`capture: ${deleted} captured request(s) deleted`);
  return { deleted };
}
