// Rate limits per client token: one set for every token, and one for each token that needs its own. Over a limit a
// tool gets a 429 with Retry-After; a route's own limits (and its queue) are in the route editor.
import { useId, useState, type FormEvent } from 'react';
import type { ClientLimitsDto, RateLimitsDto, TokenDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { FormStatus } from '../../ui/FormError';
import { LimitInputs, noLimits } from '../../ui/LimitInputs';
import { ResourceView } from '../../ui/states';

function LimitsForm({ limits, tokens }: { readonly limits: ClientLimitsDto; readonly tokens: readonly TokenDto[] }) {
  const save = useAppStore('settings', (state) => state.saveLimits);
  const [everyClient, setEveryClient] = useState(limits.everyClient);
  const [clients, setClients] = useState<Record<string, RateLimitsDto>>(limits.clients);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const fieldId = useId();
  // every active token, and any token the config names that is not (or no longer) in the store
  const names = [...new Set([...tokens.filter((token) => token.revokedAt === null).map((token) => token.name), ...Object.keys(limits.clients)])];
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await save({ everyClient, clients });
      setSaved(true);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <LimitInputs id={`${fieldId}-every`} label="Every client token" value={everyClient} onChange={setEveryClient} />
      {names.map((name, index) => (
        <fieldset className="field" key={name}>
          <legend>Token {name}</legend>
          <LimitInputs id={`${fieldId}-${index}`} value={clients[name] ?? noLimits} onChange={(value) => setClients({ ...clients, [name]: value })} />
        </fieldset>
      ))}
      <p className="hint">A token's own limits replace the ones for every token. Empty: no limit.</p>
      <FormStatus error={error} saved={saved ? 'Rate limits saved.' : null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Save rate limits
        </button>
      </div>
    </form>
  );
}

export function LimitsSection() {
  const limits = useAppStore('settings', (state) => state.limits);
  const tokens = useAppStore('settings', (state) => state.tokens);
  const refresh = useAppStore('settings', (state) => state.refresh);
  return (
    <section className="card" aria-labelledby="limits-title">
      <h2 id="limits-title">Rate limits</h2>
      <ResourceView resource={limits} onRetry={() => void refresh()}>
        {(loaded) => <LimitsForm limits={loaded} tokens={tokens.data ?? []} />}
      </ResourceView>
    </section>
  );
}
