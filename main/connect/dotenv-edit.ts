// Sets KEY=value lines in a .env file (Gemini CLI's and Qwen Code's ~/.<tool>/.env): an existing line for the key
// is replaced in place, a missing one is appended; other lines and comments stay as they are.

export function editDotenv(text: string | null, values: Readonly<Record<string, string>>): string {
  const source = text ?? '';
  const eol = source.includes('\r\n') ? '\r\n' : '\n';
  const lines = source === '' ? [] : source.replace(/\r?\n$/, '').split(/\r?\n/);
  const missing = new Map(Object.entries(values));
  for (const [index, line] of lines.entries()) {
    const key = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    const value = key === undefined ? undefined : missing.get(key);
    if (key === undefined || value === undefined) continue;
    lines[index] = `${key}=${quote(value)}`;
    missing.delete(key);
  }
  for (const [key, value] of missing) lines.push(`${key}=${quote(value)}`);
  return lines.join(eol) + eol;
}

/** The values of a .env text (what dotenv would read, for our simple lines). */
export function readDotenv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match?.[1]) continue;
    const raw = match[2] ?? '';
    values[match[1]] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1) : raw.replace(/\s+#.*$/, '');
  }
  return values;
}

/** Our values are URLs, tokens and model names: quoted only when they hold something dotenv would read otherwise. */
function quote(value: string): string {
  return /^[A-Za-z0-9_./:@+-]*$/.test(value) ? value : JSON.stringify(value);
}
