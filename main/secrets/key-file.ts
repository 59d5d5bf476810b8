// Provider keys from files, for servers: `<VARIABLE>_FILE=/path` (the Docker-secrets convention, as the postgres
// image reads POSTGRES_PASSWORD_FILE) or, under systemd's LoadCredential=, the file named after the variable in
// $CREDENTIALS_DIRECTORY. The file holds one key (surrounding whitespace and the final newline are dropped). Read
// once per variable by the key resolver and again at a reload, never per request.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface FileKey {
  readonly path: string;
  /** what named the file: `OPENAI_API_KEY_FILE` or `CREDENTIALS_DIRECTORY` */
  readonly via: string;
  /** undefined when the file could not be used; `problem` says why */
  readonly key: string | undefined;
  readonly problem?: string;
}

const maxKeyFileBytes = 64 * 1024;

/** The file that holds `variable`'s key, if the environment names one; undefined when none does. */
export function keyFilePath(variable: string, env: NodeJS.ProcessEnv): { readonly path: string; readonly via: string } | undefined {
  const named = env[`${variable}_FILE`]?.trim();
  if (named) return { path: named, via: `${variable}_FILE` };
  const directory = env['CREDENTIALS_DIRECTORY']?.trim();
  if (!directory) return undefined;
  const path = join(directory, variable);
  try {
    return statSync(path).isFile() ? { path, via: 'CREDENTIALS_DIRECTORY' } : undefined;
  } catch {
    return undefined; // a credentials directory without this key: not an error, the provider may need none
  }
}

export function readKeyFile(variable: string, env: NodeJS.ProcessEnv): FileKey | undefined {
  const file = keyFilePath(variable, env);
  if (!file) return undefined;
  let text: string;
  try {
    if (statSync(file.path).size > maxKeyFileBytes) return { ...file, key: undefined, problem: `${file.path} is larger than a key (over 64 KiB)` };
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return { ...file, key: undefined, problem: `${file.path} cannot be read (${code})` };
  }
  const key = text.trim();
  if (key === '') return { ...file, key: undefined, problem: `${file.path} is empty` };
  if (/\s/.test(key)) return { ...file, key: undefined, problem: `${file.path} holds more than one word; put the key alone in the file` };
  return { ...file, key };
}
