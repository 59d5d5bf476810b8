// The ledger as a virtualised table: only the rows in view are in the DOM, so ten thousand requests scroll as
// smoothly as ten. Rows are focusable; Enter or a click opens the detail, arrow keys move between rows; the next
// page loads as the end comes into view.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { RequestRowDto } from '../../../../shared/control/contract';
import { formatOptionalUsd } from '../../format/money';
import { formatTokens } from '../../format/numbers';
import { formatDuration, formatTimestamp } from '../../format/time';

const rowHeight = 40;
const columns = ['Time', 'Client', 'Model', 'Served by', 'Status', 'Tokens in / out', 'Cost', 'Latency'] as const;

export interface LogTableProps {
  readonly rows: readonly RequestRowDto[];
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly onLoadMore: () => void;
  readonly onOpen: (id: string) => void;
  readonly selectedId: string | null;
}

export function LogTable({ rows, hasMore, loadingMore, onLoadMore, onOpen, selectedId }: LogTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
    initialRect: { width: 1000, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;

  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= rows.length - 20) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, rows.length, onLoadMore]);

  const focusRow = (index: number): void => {
    const target = Math.max(0, Math.min(rows.length - 1, index));
    virtualizer.scrollToIndex(target);
    // the row may only exist after the scroll renders it
    requestAnimationFrame(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${target}"]`)?.focus());
  };
  const onKey = (event: KeyboardEvent<HTMLDivElement>, index: number, id: string): void => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen(id);
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      focusRow(index + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      focusRow(event.key === 'Home' ? 0 : rows.length - 1);
    }
  };

  return (
    <div className="log-table card" role="table" aria-label="Requests, newest first" aria-rowcount={hasMore ? -1 : rows.length + 1}>
      <div className="log-row log-head" role="row" aria-rowindex={1}>
        {columns.map((column) => (
          <span key={column} role="columnheader">
            {column}
          </span>
        ))}
      </div>
      <div className="log-scroller" ref={scroller} role="rowgroup">
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (row === undefined) return null;
            return (
              <div
                key={row.id}
                role="row"
                aria-rowindex={item.index + 2}
                tabIndex={0}
                data-index={item.index}
                data-request-id={row.id}
                className={`log-row log-body-row status-${row.status}${selectedId === row.id ? ' selected' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: rowHeight }}
                onClick={() => onOpen(row.id)}
                onKeyDown={(event) => onKey(event, item.index, row.id)}
              >
                <span role="cell">{formatTimestamp(row.startedAt)}</span>
                <span role="cell">{row.clientTokenName ?? row.clientFamily}</span>
                <span role="cell" className="truncate">
                  {row.requestedModel}
                </span>
                <span role="cell" className="truncate">
                  {row.providerId && row.model ? `${row.providerId}/${row.model}` : '—'}
                </span>
                <span role="cell">
                  <span className={`status-pill status-pill-${row.status}`}>{row.status === 'ok' ? 'OK' : row.status.replace('_', ' ')}</span>
                  {row.httpStatus !== null && row.status !== 'ok' ? <span className="muted small"> {row.httpStatus}</span> : null}
                  {row.cacheStatus === 'hit' ? (
                    <span className="badge badge-cache" title="answered from the response cache">
                      {' '}
                      cached
                    </span>
                  ) : null}
                  {row.privacyDetectors && row.privacyDetectors.length > 0 ? (
                    <span className="badge badge-privacy" title={`privacy guard (${row.privacyAction ?? 'warn'}): ${row.privacyDetectors.join(', ')}`}>
                      {' '}
                      {row.privacyAction ?? 'privacy'}
                    </span>
                  ) : null}
                </span>
                <span role="cell">
                  {formatTokens(row.inputTokens)} / {formatTokens(row.outputTokens)}
                </span>
                <span role="cell">{formatOptionalUsd(row.costUsd)}</span>
                <span role="cell">{formatDuration(row.latencyMs)}</span>
              </div>
            );
          })}
        </div>
      </div>
      <p className="log-footer muted small" role="status">
        {loadingMore ? 'Loading more…' : hasMore ? `${rows.length} loaded; scroll for more` : `${rows.length} request${rows.length === 1 ? '' : 's'}`}
      </p>
    </div>
  );
}
