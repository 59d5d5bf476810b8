// Client tokens: one per tool, so spend is attributed per tool. A new token is shown once, in a dialog with a copy
// button; closing the dialog forgets it (it lives only in that dialog's state, never in a store).
import { useId, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { formatRelativeTime } from '../../format/time';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { CopyButton } from '../../ui/CopyButton';
import { Dialog } from '../../ui/Dialog';
import { FormError } from '../../ui/FormError';
import { ResourceView } from '../../ui/states';

function NewTokenDialog({ created, onClose }: { readonly created: { readonly name: string; readonly token: string } | null; readonly onClose: () => void }) {
  return (
    <Dialog title="Your new client token" open={created !== null} onClose={onClose}>
      {created && (
        <div className="new-token">
          <p>
            Token <strong>{created.name}</strong>. Copy it now: Switchyard keeps only a hash, and this is the only time it is shown.
          </p>
          <div className="secret-box">
            <code data-testid="new-token">{created.token}</code>
          </div>
          <div className="form-actions">
            <CopyButton text={created.token} label="Copy token" className="button button-primary" />
            <button type="button" className="button" onClick={onClose}>
              Done
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

export function TokensSection() {
  const tokens = useAppStore('settings', (state) => state.tokens);
  const refresh = useAppStore('settings', (state) => state.refresh);
  const createToken = useAppStore('settings', (state) => state.createToken);
  const revoke = useAppStore('settings', (state) => state.revokeToken);
  const [name, setName] = useState('');
  const [created, setCreated] = useState<{ readonly name: string; readonly token: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fieldId = useId();
  const now = Date.now();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    try {
      const token = await createToken(name.trim());
      setCreated({ name: name.trim(), token });
      setName('');
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Client tokens</h2>
      <p className="muted">What your tools send as their API key. Use one per tool to see its spend separately.</p>
      <ResourceView
        resource={tokens}
        onRetry={() => void refresh()}
        isEmpty={(list) => list.length === 0}
        empty={<p className="muted">No client tokens yet.</p>}
      >
        {(list) => (
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((token) => (
                <tr key={`${token.name}-${token.createdAt}`} className={token.revokedAt !== null ? 'revoked' : undefined}>
                  <th scope="row">{token.name}</th>
                  <td>
                    <code>{token.masked}</code>
                  </td>
                  <td>{formatRelativeTime(token.createdAt, now)}</td>
                  <td>{token.lastUsedAt === null ? 'never' : formatRelativeTime(token.lastUsedAt, now)}</td>
                  <td>
                    {token.revokedAt !== null ? (
                      <span className="muted">revoked</span>
                    ) : (
                      <ConfirmButton label="Revoke" confirmLabel={`Revoke ${token.name}`} onConfirm={() => void revoke(token.name).catch(setError)} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </ResourceView>
      <form className="inline-form field-row" onSubmit={(event) => void submit(event)}>
        <div className="field field-narrow">
          <label htmlFor={fieldId}>New token name</label>
          <input
            id={fieldId}
            required
            pattern="[a-z0-9][a-z0-9._\-]{0,63}"
            placeholder="cursor"
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary">
          Create token
        </button>
      </form>
      <FormError error={error} />
      <NewTokenDialog created={created} onClose={() => setCreated(null)} />
    </section>
  );
}
