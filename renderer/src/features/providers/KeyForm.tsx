// Replace a provider's key or add another one (keys rotate across several). The typed key is cleared as soon as it
// has been sent, success or not.
import { useId, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { FormError } from '../../ui/FormError';

export function KeyForm({ providerId, hasKeys, onDone }: { readonly providerId: string; readonly hasKeys: boolean; readonly onDone: () => void }) {
  const setKey = useAppStore('providers', (state) => state.setKey);
  const [key, setKeyText] = useState('');
  const [append, setAppend] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fieldId = useId();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await setKey(providerId, key, append);
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setKeyText('');
      setBusy(false);
    }
  };
  return (
    <form className="form inline-form" onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor={fieldId}>New key for {providerId}</label>
        <input id={fieldId} type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(event) => setKeyText(event.target.value)} />
      </div>
      {hasKeys && (
        <label className="checkbox">
          <input type="checkbox" checked={append} onChange={(event) => setAppend(event.target.checked)} /> Keep the current keys and rotate across all
        </label>
      )}
      <FormError error={error} />
      <div className="form-actions">
        <button type="button" className="button button-quiet" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={busy || key === ''}>
          Save key
        </button>
      </div>
    </form>
  );
}
