// One provider: health, where its key comes from (masked keys only), a connection test, its models, key changes.
import { useState } from 'react';
import type { ProviderDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { formatDuration } from '../../format/time';
import { HealthBadge, LocalityTag, providerHealth } from '../../ui/badges';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { KeyForm } from './KeyForm';
import { ModelsPanel } from './ModelsPanel';

export function ProviderCard({ provider }: { readonly provider: ProviderDto }) {
  const test = useAppStore('providers', (state) => state.tests[provider.id]);
  const listed = useAppStore('providers', (state) => state.models[provider.id]?.data?.length);
  const runTest = useAppStore('providers', (state) => state.test);
  const remove = useAppStore('providers', (state) => state.remove);
  const deleteKey = useAppStore('providers', (state) => state.deleteKey);
  const [showModels, setShowModels] = useState(false);
  const [editingKey, setEditingKey] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `provider-${provider.id}`;
  const act = (action: () => Promise<void>): void => {
    setError(null);
    action().catch((failure: unknown) => setError(failure instanceof Error ? failure.message : String(failure)));
  };
  return (
    <article className="card provider-card" aria-labelledby={titleId} data-provider={provider.id}>
      <header className="card-header">
        <h2 id={titleId}>
          {provider.label} <code className="muted">{provider.id}</code>
        </h2>
        <div className="card-header-tags">
          <LocalityTag locality={provider.locality} />
          {/* a connection test the user just ran is fresher than the core's last reachability check */}
          {test !== undefined && test !== 'running' && !provider.keyRejected ? (
            <HealthBadge health={test.ok ? 'up' : 'down'} detail={test.detail} />
          ) : (
            <HealthBadge health={providerHealth(provider)} detail={provider.lastError} />
          )}
        </div>
      </header>
      <dl className="facts">
        <dt>Address</dt>
        <dd>
          <code>{provider.baseUrl}</code> <span className="muted small">({provider.type})</span>
        </dd>
        <dt>Key</dt>
        <dd data-testid="key-source">
          {provider.maskedKeys.length === 0 ? (
            provider.keySource
          ) : (
            <ul className="key-list">
              {provider.maskedKeys.map((masked, index) => (
                <li key={`${masked}-${index}`}>
                  <code data-testid="masked-key">{masked}</code>
                  <ConfirmButton label="Remove" confirmLabel={`Remove key ${masked}`} onConfirm={() => act(() => deleteKey(provider.id, index))} />
                </li>
              ))}
            </ul>
          )}
        </dd>
        {provider.lastError && (
          <>
            <dt>Last error</dt>
            <dd className="error-text">{provider.lastError}</dd>
          </>
        )}
        <dt>Models</dt>
        <dd>{(listed ?? provider.models.length) === 0 ? 'none listed yet' : `${listed ?? provider.models.length} available`}</dd>
      </dl>
      {test !== undefined && (
        <p className={`test-result ${test === 'running' ? '' : test.ok ? 'test-ok' : 'test-failed'}`} role="status" data-testid="test-result">
          {test === 'running'
            ? 'Testing the connection…'
            : `${test.ok ? 'Connected' : 'Failed'}: ${test.detail}${test.latencyMs === null ? '' : ` (${formatDuration(test.latencyMs)})`}`}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {editingKey && <KeyForm providerId={provider.id} hasKeys={provider.maskedKeys.length > 0} onDone={() => setEditingKey(false)} />}
      <div className="card-actions">
        <button type="button" className="button" onClick={() => void runTest(provider.id)} disabled={test === 'running'}>
          Test connection
        </button>
        <button type="button" className="button" aria-expanded={showModels} onClick={() => setShowModels(!showModels)}>
          {showModels ? 'Hide models' : 'Show models'}
        </button>
        {!editingKey && (
          <button type="button" className="button" onClick={() => setEditingKey(true)}>
            {provider.maskedKeys.length === 0 ? 'Set key' : 'Change key'}
          </button>
        )}
        <ConfirmButton label="Remove provider" confirmLabel={`Remove ${provider.id}`} onConfirm={() => act(() => remove(provider.id))} />
      </div>
      {showModels && <ModelsPanel providerId={provider.id} />}
    </article>
  );
}
