// Small status markers: a health dot with its word (colour is never the only signal) and a locality tag.
export type Health = 'up' | 'down' | 'unknown' | 'cooling' | 'rejected';

const healthLabels: Record<Health, string> = { up: 'Up', down: 'Down', unknown: 'Not checked', cooling: 'Cooling down', rejected: 'Key rejected' };

export function HealthBadge({ health, detail }: { readonly health: Health; readonly detail?: string | null }) {
  return (
    <span className={`health health-${health}`} title={detail ?? undefined}>
      <span className="dot" aria-hidden="true" />
      {healthLabels[health]}
    </span>
  );
}

export function LocalityTag({ locality }: { readonly locality: 'local' | 'cloud' }) {
  return <span className={`tag tag-${locality}`}>{locality === 'local' ? 'Local' : 'Cloud'}</span>;
}

export function providerHealth(provider: { readonly reachable: boolean | null; readonly keyRejected: boolean }): Health {
  if (provider.keyRejected) return 'rejected';
  if (provider.reachable === null) return 'unknown';
  return provider.reachable ? 'up' : 'down';
}
