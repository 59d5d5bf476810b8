// Daily and monthly budgets in USD, the warning threshold, and what happens at the limit (block or local only).
import { useId, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { formatPercent } from '../../format/numbers';
import { FormStatus } from '../../ui/FormError';
import { ResourceView } from '../../ui/states';
import type { Budgets } from './settings-store';

const amount = (value: number | null): string => (value === null ? '' : String(value));
const parseAmount = (text: string): number | null => (text.trim() === '' ? null : Number(text));

function BudgetsForm({ budgets }: { readonly budgets: Budgets }) {
  const save = useAppStore('settings', (state) => state.saveBudgets);
  const refreshDashboard = useAppStore('dashboard', (state) => state.refresh);
  const [daily, setDaily] = useState(amount(budgets.limits.dailyUsd));
  const [monthly, setMonthly] = useState(amount(budgets.limits.monthlyUsd));
  const [warnAt, setWarnAt] = useState(String(Math.round(budgets.limits.warnAt * 100)));
  const [action, setAction] = useState(budgets.limits.action);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const fieldId = useId();
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await save({ dailyUsd: parseAmount(daily), monthlyUsd: parseAmount(monthly), warnAt: Number(warnAt) / 100, action, clients: budgets.limits.clients });
      setSaved(true);
      void refreshDashboard();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <div className="field-row">
        <div className="field">
          <label htmlFor={`${fieldId}-daily`}>Daily budget (USD)</label>
          <input
            id={`${fieldId}-daily`}
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            placeholder="no limit"
            value={daily}
            onChange={(event) => setDaily(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-monthly`}>Monthly budget (USD)</label>
          <input
            id={`${fieldId}-monthly`}
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            placeholder="no limit"
            value={monthly}
            onChange={(event) => setMonthly(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-warn`}>Warn at (%)</label>
          <input id={`${fieldId}-warn`} type="number" min={1} max={100} required value={warnAt} onChange={(event) => setWarnAt(event.target.value)} />
        </div>
      </div>
      <fieldset className="choice-row">
        <legend>At the limit</legend>
        <label>
          <input type="radio" name="budget-action" checked={action === 'block'} onChange={() => setAction('block')} /> Refuse requests (429)
        </label>
        <label>
          <input type="radio" name="budget-action" checked={action === 'downgrade-local'} onChange={() => setAction('downgrade-local')} /> Send everything to
          local models
        </label>
      </fieldset>
      {budgets.lines.length > 0 && (
        <ul className="budget-lines">
          {budgets.lines.map((line) => (
            <li key={line.description} className={`budget-line budget-${line.state}`}>
              {line.description} — {formatPercent(line.fraction)}
            </li>
          ))}
        </ul>
      )}
      <FormStatus error={error} saved={saved ? 'Budgets saved.' : null} />
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Save budgets
        </button>
      </div>
    </form>
  );
}

export function BudgetsSection() {
  const budgets = useAppStore('settings', (state) => state.budgets);
  const refresh = useAppStore('settings', (state) => state.refresh);
  return (
    <section className="card" aria-labelledby="budgets-title">
      <h2 id="budgets-title">Budgets</h2>
      <ResourceView resource={budgets} onRetry={() => void refresh()}>
        {(loaded) => <BudgetsForm budgets={loaded} />}
      </ResourceView>
    </section>
  );
}
