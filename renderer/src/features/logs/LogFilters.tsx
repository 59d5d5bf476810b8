// Log filters: date range, status, provider, model and client. Text filters apply on Enter or when leaving the
// field, so typing does not fire a query per keystroke.
import { useId, useState } from 'react';
import { useAppStore } from '../../app/stores';
import { DateRangePicker } from '../../ui/DateRangePicker';
import type { LogFilters as Filters, RequestStatus } from './logs-store';

const statuses: ReadonlyArray<readonly [RequestStatus | '', string]> = [
  ['', 'Any status'],
  ['ok', 'OK'],
  ['error', 'Error'],
  ['cancelled', 'Cancelled'],
  ['interrupted', 'Interrupted'],
  ['in_flight', 'In flight'],
];

function TextFilter({
  label,
  value,
  onApply,
  list,
}: {
  readonly label: string;
  readonly value: string;
  readonly onApply: (value: string) => void;
  readonly list?: readonly string[];
}) {
  const [text, setText] = useState(value);
  const id = useId();
  const apply = (): void => {
    if (text !== value) onApply(text);
  };
  return (
    <div className="field filter">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={text}
        list={list ? `${id}-list` : undefined}
        onChange={(event) => setText(event.target.value)}
        onBlur={apply}
        onKeyDown={(event) => {
          if (event.key === 'Enter') apply();
        }}
      />
      {list && (
        <datalist id={`${id}-list`}>
          {list.map((entry) => (
            <option key={entry} value={entry} />
          ))}
        </datalist>
      )}
    </div>
  );
}

export function LogFilters() {
  const filters = useAppStore('logs', (state) => state.filters);
  const setFilters = useAppStore('logs', (state) => state.setFilters);
  const providerIds = useAppStore('providers', (state) => (state.providers.data ?? []).map((provider) => provider.id).join('\n'));
  const statusId = useId();
  const apply = (changes: Partial<Filters>): void => void setFilters(changes);
  return (
    <section className="filters card" aria-label="Filters">
      <DateRangePicker value={filters.range} onChange={(range) => apply({ range })} />
      <div className="filter-row">
        <div className="field filter">
          <label htmlFor={statusId}>Status</label>
          <select id={statusId} value={filters.status} onChange={(event) => apply({ status: event.target.value as Filters['status'] })}>
            {statuses.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <TextFilter
          label="Provider"
          value={filters.providerId}
          onApply={(providerId) => apply({ providerId })}
          list={providerIds === '' ? [] : providerIds.split('\n')}
        />
        <TextFilter label="Model" value={filters.model} onApply={(model) => apply({ model })} />
        <TextFilter label="Client token" value={filters.clientTokenName} onApply={(clientTokenName) => apply({ clientTokenName })} />
      </div>
    </section>
  );
}
