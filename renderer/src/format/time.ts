// Durations (420 ms, 1.2 s, 3 min 12 s), relative times ("5 min ago") and absolute timestamps for tables.

/** 420 ms, 1.2 s, 45 s, 3 min 12 s, 2 h 5 min; null → "—" */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) return '—';
  const ms = Math.max(0, milliseconds);
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 === 0 ? `${minutes} min` : `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** "just now", "5 min ago", "3 hours ago", "yesterday", "in 2 days" */
export function formatRelativeTime(at: number, now: number): string {
  const seconds = Math.round((at - now) / 1000);
  const absolute = Math.abs(seconds);
  if (absolute < 45) return 'just now';
  if (absolute < 3600)
    return relative
      .format(Math.round(seconds / 60), 'minute')
      .replace('minutes', 'min')
      .replace('minute', 'min');
  if (absolute < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (absolute < 30 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return relative.format(Math.round(seconds / (30 * 86_400)), 'month');
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** "2025-03-04 14:05:09" in local time: sortable and unambiguous in a log table */
export function formatTimestamp(at: number): string {
  const date = new Date(at);
  return `${date.getFullYear()}-${twoDigits(date.getMonth() + 1)}-${twoDigits(date.getDate())} ${twoDigits(date.getHours())}:${twoDigits(date.getMinutes())}:${twoDigits(date.getSeconds())}`;
}

/** Axis labels: "14:00" for hourly buckets, "Mar 4" for daily ones */
export function formatBucket(at: number, bucket: 'hour' | 'day'): string {
  const date = new Date(at);
  if (bucket === 'hour') return `${twoDigits(date.getHours())}:00`;
  return date.toLocaleDateString('en-US', { month: 'short', day: 'numeric' });
}
