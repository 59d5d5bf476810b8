// One request in full, in a drawer: what was asked and who served it, the attempt trail (every target tried and
// why it moved on), tokens, cost and timings, and the captured bodies when capture was on.
import { useAppStore } from '../../app/stores';
import { formatOptionalUsd } from '../../format/money';
import { formatCount } from '../../format/numbers';
import { formatDuration, formatTimestamp } from '../../format/time';
import { Dialog } from '../../ui/Dialog';
import { EmptyState, ResourceView } from '../../ui/states';
import { CaptureView } from './CaptureView';
import type { RequestDetail } from './logs-store';

function Facts({ entries }: { readonly entries: ReadonlyArray<readonly [string, string]> }) {
  return (
    <dl className="facts">
      {entries.map(([term, value]) => (
        <div key={term} className="fact">
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function DetailBody({ detail }: { readonly detail: RequestDetail }) {
  const request = detail.request;
  return (
    <div className="detail" data-testid="log-detail">
      <section aria-labelledby="detail-summary">
        <h3 id="detail-summary">Request</h3>
        <Facts
          entries={[
            [
              'Status',
              `${request.status}${request.httpStatus !== null ? ` (HTTP ${request.httpStatus})` : ''}${request.errorClass ? ` — ${request.errorClass}` : ''}`,
            ],
            ['Asked for', request.requestedModel],
            ['Route', request.route ?? '—'],
            ['Served by', request.providerId && request.model ? `${request.providerId}/${request.model}` : '—'],
            ['Client', `${request.clientTokenName ?? 'unknown token'} (${request.clientFamily})`],
            ['Endpoint', `${request.endpoint}${request.stream ? ' · streamed' : ''}`],
            [
              'Finish reason',
              request.finishReason
                ? `${request.finishReason}${request.nativeFinishReason && request.nativeFinishReason !== request.finishReason ? ` (${request.nativeFinishReason})` : ''}`
                : '—',
            ],
            ['Started', formatTimestamp(request.startedAt)],
          ]}
        />
      </section>
      <section aria-labelledby="detail-attempts">
        <h3 id="detail-attempts">Attempt trail</h3>
        {detail.attempts.length === 0 ? (
          <p className="muted">No upstream attempt was made.</p>
        ) : (
          <ol className="attempts">
            {detail.attempts.map((attempt) => (
              <li key={attempt.seq} className={`attempt ${attempt.outcome === 'ok' ? 'attempt-ok' : 'attempt-failed'}`} data-testid="attempt">
                <code>
                  {attempt.providerId}/{attempt.model}
                </code>
                <span>{attempt.outcome}</span>
                <span className="muted small">
                  {attempt.httpStatus !== null ? `HTTP ${attempt.httpStatus} · ` : ''}
                  {formatDuration(attempt.durationMs)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="detail-tokens">
        <h3 id="detail-tokens">Tokens and cost{request.tokensEstimated ? ' (estimated)' : ''}</h3>
        <Facts
          entries={[
            ['Input', formatCount(request.inputTokens)],
            ['Output', formatCount(request.outputTokens)],
            ['Cache read / write', `${formatCount(request.cacheReadTokens)} / ${formatCount(request.cacheWriteTokens)}`],
            ['Reasoning', formatCount(request.reasoningTokens)],
            ['Cost', formatOptionalUsd(request.costUsd)],
            [request.cacheStatus === 'hit' ? 'Saved by the response cache' : 'Same tokens on the reference model', formatOptionalUsd(request.costReferenceUsd)],
          ]}
        />
      </section>
      {(request.privacyDetectors?.length ?? 0) > 0 || request.cacheStatus ? (
        <section aria-labelledby="detail-privacy">
          <h3 id="detail-privacy">Privacy guard and cache</h3>
          <Facts
            entries={[
              ['Detectors that fired', request.privacyDetectors && request.privacyDetectors.length > 0 ? request.privacyDetectors.join(', ') : 'none'],
              ['Action', request.privacyAction ?? '—'],
              [
                'Response cache',
                request.cacheStatus === 'hit'
                  ? 'hit (answered from the cache, cost 0)'
                  : request.cacheStatus === 'miss'
                    ? 'miss (answered upstream, kept when it ended well)'
                    : 'not used',
              ],
            ]}
          />
        </section>
      ) : null}
      <section aria-labelledby="detail-timings">
        <h3 id="detail-timings">Timings</h3>
        <Facts
          entries={[
            ['Total', formatDuration(request.latencyMs)],
            ['First token', formatDuration(request.ttftMs)],
            ['Upstream', formatDuration(request.upstreamMs)],
            ['Switchyard overhead', formatDuration(request.overheadMs)],
            ['Local compute', formatDuration(request.localComputeMs)],
          ]}
        />
      </section>
      {detail.capture !== undefined && <CaptureView capture={detail.capture} />}
    </div>
  );
}

export function LogDetail() {
  const selectedId = useAppStore('logs', (state) => state.selectedId);
  const detail = useAppStore('logs', (state) => state.detail);
  const select = useAppStore('logs', (state) => state.select);
  return (
    <Dialog title="Request detail" open={selectedId !== null} onClose={() => void select(null)} className="drawer">
      <ResourceView resource={detail} onRetry={() => void select(selectedId)} loadingLabel="Loading the request…">
        {(loaded) => (loaded === null ? <EmptyState title="Not found">This request is no longer in the ledger.</EmptyState> : <DetailBody detail={loaded} />)}
      </ResourceView>
    </Dialog>
  );
}
