// Providers: local servers found running (one click to add), the configured providers, and "Add a provider".
import { useEffect, useState } from 'react';
import { useAppStore } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { EmptyState, ResourceView } from '../../ui/states';
import { AddProviderDialog } from './AddProviderDialog';
import { ProviderCard } from './ProviderCard';
import './providers.css';

export function ProvidersPage() {
  const providers = useAppStore('providers', (state) => state.providers);
  const found = useAppStore('providers', (state) => state.discovered);
  const discovered = found.filter((server) => !server.configured);
  const go = useAppStore('navigation', (state) => state.go);
  const refresh = useAppStore('providers', (state) => state.refresh);
  const add = useAppStore('providers', (state) => state.add);
  const [adding, setAdding] = useState(false);
  const [discoverError, setDiscoverError] = useState<string | null>(null);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const addButton = (
    <button type="button" className="button button-primary" onClick={() => setAdding(true)}>
      Add provider
    </button>
  );
  // the first-run screen's steps: local servers on their usual ports, then keys in the environment
  const detectButton = (
    <button type="button" className="button" onClick={() => go('welcome')}>
      Detect servers and keys
    </button>
  );
  return (
    <>
      <PageHeader
        title="Providers"
        description="Where requests can go: local model servers and cloud APIs. Keys stay in the system keychain."
        actions={
          <>
            {detectButton}
            {addButton}
          </>
        }
      />
      {discovered.length > 0 && (
        <section className="card discovered" aria-labelledby="discovered-title">
          <h2 id="discovered-title">Found on this machine</h2>
          <ul className="discovered-list">
            {discovered.map((server) => (
              <li key={`${server.preset} ${server.baseUrl}`}>
                <span>
                  <strong>{server.label}</strong> is running at <code>{server.baseUrl}</code>
                  <span className="muted small">
                    {server.keyRequired ? ' (lists its models only with its API key)' : ` (${server.modelCount} model${server.modelCount === 1 ? '' : 's'})`}
                  </span>
                </span>
                <button
                  type="button"
                  className="button button-primary"
                  onClick={() => {
                    setDiscoverError(null);
                    add({ id: server.preset, preset: server.preset, baseUrl: server.baseUrl }).catch((error: unknown) =>
                      setDiscoverError(error instanceof Error ? error.message : String(error)),
                    );
                  }}
                >
                  Add {server.label}
                </button>
              </li>
            ))}
          </ul>
          {discoverError && (
            <p className="form-error" role="alert">
              {discoverError}
            </p>
          )}
        </section>
      )}
      <ResourceView
        resource={providers}
        onRetry={() => void refresh()}
        loadingLabel="Loading providers…"
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState
            title="No providers yet"
            action={
              <div className="card-actions">
                {detectButton}
                {addButton}
              </div>
            }
          >
            <p>Add a local server (Ollama, LM Studio, llama.cpp, vLLM) or a cloud provider with its API key.</p>
          </EmptyState>
        }
      >
        {(list) => (
          <div className="card-list">
            {list.map((provider) => (
              <ProviderCard key={provider.id} provider={provider} />
            ))}
          </div>
        )}
      </ResourceView>
      <AddProviderDialog open={adding} onClose={() => setAdding(false)} />
    </>
  );
}
