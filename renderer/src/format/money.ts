// Money in USD with the precision the amount deserves: cents for dollars ($12.30), two significant digits for the
// fractions of a cent an LLM request costs ($0.0042), and "<$0.000001" rather than a misleading $0.00.
const smallestShown = 0.000001;

function withSeparators(fixed: string): string {
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** $12.30, $1,234.50, $0.42, $0.015, $0.0042, <$0.000001, $0.00, -$0.42 */
export function formatUsd(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (value === 0) return '$0.00';
  const sign = value < 0 ? '-' : '';
  const amount = Math.abs(value);
  if (amount < smallestShown) return `${sign}<$0.000001`;
  if (amount >= 1) return `${sign}$${withSeparators(amount.toFixed(2))}`;
  // two significant digits below a dollar, never fewer than two decimals
  const decimals = Math.min(6, Math.max(2, Math.ceil(-Math.log10(amount)) + 1));
  let text = amount.toFixed(decimals);
  // 0.0999 → "0.10" would have three decimals of noise; trim trailing zeros past the cents
  while (text.includes('.') && text.endsWith('0') && text.split('.')[1]!.length > 2) text = text.slice(0, -1);
  return `${sign}$${text}`;
}

/** Nullable costs: unknown prices show as a dash, not as free. */
export function formatOptionalUsd(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : formatUsd(value);
}

/** A price per million tokens: "$0.15 / M", or "free" for local models, or "—" when unknown. */
export function formatPricePerMillion(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return 'free';
  return `${formatUsd(value)} / M`;
}
