// Routes: each alias with its targets in order (health, context window, price), and the editor to create or change
// one.
import { useEffect, useState } from 'react';
import type { RouteDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { formatPricePerMillion } from '../../format/money';
import { formatContextWindow } from '../../format/numbers';
import { HealthBadge, LocalityTag } from '../../ui/badges';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ResourceView } from '../../ui/states';
import { draftFromRoute, emptyDraft, type RouteDraft } from './route-draft';
import { RouteEditor } from './RouteEditor';
import './routes.css';

const preferLabels: Record<RouteDto['prefer'], string> = { order: 'in order', local: 'local first', cloud: 'cloud first' };

export function RoutesPage() {
  const routes = useAppStore('routes', (state) => state.routes);
  const refresh = useAppStore('routes', (state) => state.refresh);
  const remove = useAppStore('routes', (state) => state.remove);
  const [editor, setEditor] = useState<{ readonly draft: RouteDraft; readonly editing: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const newButton = (
    <button type="button" className="button button-primary" onClick={() => setEditor({ draft: emptyDraft, editing: false })}>
      New route
    </button>
  );
  return (
    <>
      <PageHeader
        title="Routes"
        description="Aliases your tools ask for by name; each tries its targets in order and falls back on failure."
        actions={newButton}
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <ResourceView
        resource={routes}
        onRetry={() => void refresh()}
        loadingLabel="Loading routes…"
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState title="No routes yet" action={newButton}>
            <p>
              A route is a name like <code>fast</code> or <code>smart</code> that sends a request to the first healthy model in its list.
            </p>
          </EmptyState>
        }
      >
        {(list) => (
          <div className="card-list">
            {list.map((route) => (
              <article key={route.name} className="card" aria-labelledby={`route-${route.name}`} data-route={route.name}>
                <header className="card-header">
                  <h2 id={`route-${route.name}`}>
                    <code>{route.name}</code>
                  </h2>
                  <span className="muted small">
                    {preferLabels[route.prefer]}
                    {route.numRetries !== null ? ` · ${route.numRetries} retr${route.numRetries === 1 ? 'y' : 'ies'}` : ''}
                  </span>
                </header>
                {route.description && <p className="muted">{route.description}</p>}
                <table className="data-table compact">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">Target</th>
                      <th scope="col">Where</th>
                      <th scope="col">Health</th>
                      <th scope="col">Context</th>
                      <th scope="col">Input</th>
                      <th scope="col">Output</th>
                    </tr>
                  </thead>
                  <tbody>
                    {route.targets.map((target, index) => (
                      <tr key={`${target.model}-${index}`}>
                        <td>
                          {target.tier + 1}
                          {target.weight !== 1 ? ` (×${target.weight})` : ''}
                        </td>
                        <th scope="row">
                          <code>{target.model}</code>
                        </th>
                        <td>
                          <LocalityTag locality={target.locality} />
                        </td>
                        <td>
                          <HealthBadge health={target.health} />
                        </td>
                        <td>{formatContextWindow(target.contextWindow)}</td>
                        <td>{formatPricePerMillion(target.priceInputPerMillion)}</td>
                        <td>{formatPricePerMillion(target.priceOutputPerMillion)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {route.fallbacks.length > 0 && (
                  <p className="small">
                    Then:{' '}
                    {route.fallbacks.map((model) => (
                      <code key={model}>{model} </code>
                    ))}
                  </p>
                )}
                <div className="card-actions">
                  <button type="button" className="button" onClick={() => setEditor({ draft: draftFromRoute(route), editing: true })}>
                    Edit
                  </button>
                  <ConfirmButton
                    label="Delete"
                    confirmLabel={`Delete route ${route.name}`}
                    onConfirm={() => {
                      setError(null);
                      remove(route.name).catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
                    }}
                  />
                </div>
              </article>
            ))}
          </div>
        )}
      </ResourceView>
      {editor && <RouteEditor initial={editor.draft} editing={editor.editing} onClose={() => setEditor(null)} />}
    </>
  );
}
