// The PostgreSQL ledger's URL as it may be shown: in logs and status the password is masked, never printed. Kept
// apart from the driver so the config and boot code can use it without loading `pg`.

/** True for `postgres://…` and `postgresql://…`. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\/\S+$/.test(url);
}

/** `postgres://user:***@host:5432/db`: the password (and a `password=` query parameter) replaced. */
export function maskPostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString().replace('%2A%2A%2A', '***');
  } catch {
    // not parseable as a URL: show only the scheme, the rest may hold a secret
    return `${url.split(':')[0] ?? 'postgres'}://…`;
  }
}
