// The first two steps of the first-run screen: local model servers answering on their usual ports (added as
// providers in one click), and cloud keys set in the environment (stored in the keychain in one click).
import { useEffect } from 'react';
import { useAppStore } from '../../app/stores';
import { ResourceView } from '../../ui/states';
import type { OfferState } from './first-run-store';

function Outcome({ state }: { readonly state: OfferState | undefined }) {
  if (state?.phase === 'done') {
    return (
      <p className="form-saved small" role="status">
        {state.detail}
      </p>
    );
  }
  if (state?.phase === 'failed') {
    return (
      <p className="form-error small" role="alert">
        {state.error}
      </p>
    );
  }
  return null;
}

export function LocalServersStep() {
  const servers = useAppStore('firstRun', (state) => state.servers);
  const added = useAppStore('firstRun', (state) => state.added);
  const detect = useAppStore('firstRun', (state) => state.detect);
  const addServer = useAppStore('firstRun', (state) => state.addServer);
  useEffect(() => {
    void detect();
  }, [detect]);
  return (
    <>
      <p className="muted">Model servers running on this machine (Ollama, LM Studio, llama.cpp, vLLM, Jan, LocalAI), asked on their usual ports.</p>
      <ResourceView
        resource={servers}
        onRetry={() => void detect()}
        loadingLabel="Looking for local model servers…"
        isEmpty={(list) => list.length === 0}
        empty={
          <p className="first-run-empty">
            No local model server answered. Start one (for example Ollama or LM Studio) and detect again, or add providers later.
          </p>
        }
      >
        {(list) => (
          <ul className="offer-list" aria-label="Local servers found">
            {list.map((server) => {
              const state = added[server.preset];
              return (
                <li key={`${server.preset} ${server.baseUrl}`} className="offer" data-preset={server.preset}>
                  <div className="offer-text">
                    <strong>{server.label}</strong> at <code>{server.baseUrl}</code>
                    <span className="muted small">
                      {server.keyRequired ? ' · lists its models only with its API key' : ` · ${server.modelCount} model${server.modelCount === 1 ? '' : 's'}`}
                      {server.models.length > 0 && !server.keyRequired && `: ${server.models.slice(0, 3).join(', ')}${server.modelCount > 3 ? ', …' : ''}`}
                    </span>
                  </div>
                  {server.configured ? (
                    <span className="tag tag-local">{state?.phase === 'done' ? 'Added' : 'Already added'}</span>
                  ) : (
                    <button type="button" className="button button-primary" disabled={state?.phase === 'running'} onClick={() => void addServer(server)}>
                      {state?.phase === 'running' ? 'Adding…' : `Add ${server.label}`}
                    </button>
                  )}
                  <Outcome state={state} />
                </li>
              );
            })}
          </ul>
        )}
      </ResourceView>
      <div className="card-actions">
        <button type="button" className="button" disabled={servers.loading} onClick={() => void detect()}>
          {servers.loading ? 'Detecting…' : 'Detect again'}
        </button>
      </div>
    </>
  );
}

export function CloudKeysStep() {
  const keys = useAppStore('firstRun', (state) => state.keys);
  const imported = useAppStore('firstRun', (state) => state.imported);
  const loadKeys = useAppStore('firstRun', (state) => state.loadKeys);
  const importKey = useAppStore('firstRun', (state) => state.importKey);
  useEffect(() => {
    void loadKeys();
  }, [loadKeys]);
  return (
    <>
      <p className="muted">
        Provider keys set as environment variables where Switchyard runs. Stored in the system keychain, they keep working when Switchyard starts without them;
        the key itself is never shown.
      </p>
      <ResourceView
        resource={keys}
        onRetry={() => void loadKeys()}
        loadingLabel="Looking for keys in the environment…"
        isEmpty={(list) => list.length === 0}
        empty={
          <p className="first-run-empty">
            No provider key is set in the environment (OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY, …). You can add keys later under Providers.
          </p>
        }
      >
        {(list) => (
          <ul className="offer-list" aria-label="Keys in the environment">
            {list.map((key) => {
              const state = imported[key.preset];
              return (
                <li key={key.preset} className="offer" data-preset={key.preset}>
                  <div className="offer-text">
                    <strong>{key.label}</strong> <span className="muted small">from</span> <code>{key.envVar}</code>
                  </div>
                  {key.inKeychain ? (
                    <span className="tag tag-local">In the keychain</span>
                  ) : (
                    <button type="button" className="button button-primary" disabled={state?.phase === 'running'} onClick={() => void importKey(key.preset)}>
                      {state?.phase === 'running' ? 'Storing…' : `Store the ${key.label} key`}
                    </button>
                  )}
                  <Outcome state={state} />
                </li>
              );
            })}
          </ul>
        )}
      </ResourceView>
    </>
  );
}
