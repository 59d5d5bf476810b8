// The first screen: where the gateway listens and which providers answer. The full UI (dashboard, playground,
// providers, routes, logs, settings) replaces this in a later issue; the store and source stay.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { AppStatus, ProviderStatusView } from '../../preload/bridge-api.js';
import type { StatusStore } from './status-store';

export const pollIntervalMs = 5_000;

export function App({ store }: { readonly store: StatusStore }) {
  const result = useStore(store, (state) => state.result);
  const refresh = useStore(store, (state) => state.refresh);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), pollIntervalMs);
    return () => clearInterval(timer);
  }, [refresh]);

  return (
    <main className="app">
      <header className="app-header">
        <h1>Switchyard</h1>
        <p className="tagline">One local address for every LLM tool on this machine.</p>
      </header>
      {result === undefined ? (
        <p className="muted" role="status">
          Loading status…
        </p>
      ) : result.kind === 'unavailable' ? (
        <section className="card notice" role="status" aria-labelledby="unavailable-title">
          <h2 id="unavailable-title">Status unavailable</h2>
          <p>{result.reason}</p>
        </section>
      ) : (
        <GatewayStatusView status={result.status} />
      )}
    </main>
  );
}

const phaseLabels: Record<AppStatus['phase'], string> = {
  starting: 'Starting',
  running: 'Running',
  failed: 'Not running',
  stopping: 'Stopping',
  stopped: 'Stopped',
};

function GatewayStatusView({ status }: { readonly status: AppStatus }) {
  return (
    <>
      <section className="card" aria-labelledby="gateway-title">
        <h2 id="gateway-title">
          Gateway <span className={`pill phase-${status.phase}`}>{phaseLabels[status.phase]}</span>
        </h2>
        {status.gatewayUrl !== null && (
          <p>
            Point your tools at <code className="address">{status.gatewayUrl}</code>
          </p>
        )}
        {status.message !== null && <p className="error">{status.message}</p>}
        <dl className="facts">
          <dt>Config</dt>
          <dd>{status.configSource ?? 'built-in defaults'}</dd>
          <dt>Requests in flight</dt>
          <dd>{status.inFlight}</dd>
          <dt>Last checked</dt>
          <dd>{status.checkedAt === null ? 'not yet' : new Date(status.checkedAt).toLocaleTimeString()}</dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="providers-title">
        <h2 id="providers-title">Providers</h2>
        {status.providers.length === 0 ? (
          <p className="muted">No providers configured.</p>
        ) : (
          <table className="providers">
            <thead>
              <tr>
                <th scope="col">Provider</th>
                <th scope="col">Where</th>
                <th scope="col">Address</th>
                <th scope="col">Key</th>
                <th scope="col">Reachability</th>
              </tr>
            </thead>
            <tbody>
              {status.providers.map((provider) => (
                <ProviderRow key={provider.id} provider={provider} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

const reachabilityLabels: Record<ProviderStatusView['reachability'], string> = {
  reachable: 'Reachable',
  unreachable: 'Unreachable',
  unknown: 'Not checked yet',
};

function ProviderRow({ provider }: { readonly provider: ProviderStatusView }) {
  const latency = provider.latencyMs === null ? '' : ` (${Math.round(provider.latencyMs)} ms)`;
  return (
    <tr data-provider={provider.id}>
      <th scope="row">
        {provider.id}
        <span className="provider-type muted">{provider.type}</span>
      </th>
      <td>{provider.locality}</td>
      <td>
        <code>{provider.address}</code>
      </td>
      <td>{provider.keySource}</td>
      <td title={provider.detail}>
        <span className={`dot reachability-${provider.reachability}`} aria-hidden="true" />
        {reachabilityLabels[provider.reachability]}
        {latency}
      </td>
    </tr>
  );
}
