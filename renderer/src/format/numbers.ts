// Counts and shares: token counts abbreviated (1.2k, 3.4M), plain counts grouped (1,234), shares as percentages.

function trimmed(value: number): string {
  // one decimal below 100 (1.2k, 12.3k), none above (123k); never "1.0k"
  const text = value < 100 ? value.toFixed(1) : value.toFixed(0);
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}

/** 950, 1.2k, 12.3k, 123k, 1.2M, 3.4B */
export function formatTokens(count: number): string {
  if (!Number.isFinite(count)) return '—';
  const sign = count < 0 ? '-' : '';
  const value = Math.abs(count);
  if (value < 1000) return `${sign}${Math.round(value)}`;
  const units: ReadonlyArray<readonly [number, string]> = [
    [1e3, 'k'],
    [1e6, 'M'],
    [1e9, 'B'],
  ];
  let unit = units.findLastIndex(([size]) => value >= size);
  // 999,960 would round to "1000k": show it in the next unit instead
  if (unit < units.length - 1 && trimmed(value / units[unit]![0]) === '1000') unit += 1;
  const [size, suffix] = units[unit]!;
  return `${sign}${trimmed(value / size)}${suffix}`;
}

/** 1,234 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return '—';
  return Math.round(count).toLocaleString('en-US');
}

/** 0.034 → "3.4%", 0.5 → "50%", 0.0004 → "<0.1%", 0 → "0%" */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—';
  if (fraction === 0) return '0%';
  const percent = fraction * 100;
  if (Math.abs(percent) < 0.1) return '<0.1%';
  const text = Math.abs(percent) < 10 ? percent.toFixed(1) : percent.toFixed(0);
  return `${text.endsWith('.0') ? text.slice(0, -2) : text}%`;
}

/** A context window: 128k, 1M, 8,192 → "8.2k" */
export function formatContextWindow(tokens: number | null): string {
  return tokens === null ? '—' : formatTokens(tokens);
}
