// The three rate-limit inputs (requests and tokens per minute, concurrent requests) as one row; an empty input is
// no limit. Settings uses it per client token, the route editor per route.
import type { RateLimitsDto } from '../../../shared/control/contract';

export const noLimits: RateLimitsDto = { requestsPerMinute: null, tokensPerMinute: null, concurrent: null };

const fields: ReadonlyArray<readonly [keyof RateLimitsDto, string]> = [
  ['requestsPerMinute', 'Requests / min'],
  ['tokensPerMinute', 'Tokens / min'],
  ['concurrent', 'Concurrent'],
];

export function LimitInputs({
  id,
  value,
  onChange,
  label,
}: {
  readonly id: string;
  readonly value: RateLimitsDto;
  readonly onChange: (value: RateLimitsDto) => void;
  /** names the row as a group; leave it out inside a fieldset whose legend already names it */
  readonly label?: string;
}) {
  return (
    <div className="field-row" {...(label !== undefined ? { role: 'group', 'aria-label': label } : {})}>
      {fields.map(([key, text]) => (
        <div className="field" key={key}>
          <label htmlFor={`${id}-${key}`}>{text}</label>
          <input
            id={`${id}-${key}`}
            type="number"
            min={1}
            step={1}
            inputMode="numeric"
            placeholder="no limit"
            value={value[key] ?? ''}
            onChange={(event) => onChange({ ...value, [key]: event.target.value.trim() === '' ? null : Math.max(1, Math.round(Number(event.target.value))) })}
          />
        </div>
      ))}
    </div>
  );
}
