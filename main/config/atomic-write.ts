// Replaces a file all at once: the new text goes to a private temporary file beside it (mode 0600), is flushed
// to disk, then renamed over the old one, so a crash or a reader in between sees the old file or the new, never half.
// It sits in config/, below both writers: control's config editor and connect/'s edits of tools' config files.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export function writeFileAtomic(path: string, text: string): void {
  // A symlinked config stays a symlink: the file it points at is the one replaced.
  const target = resolvedPath(path);
  const temporary = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const descriptor = openSync(temporary, 'wx', 0o600);
  try {
    writeSync(descriptor, text);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(descriptor);
  try {
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(dirname(target));
}

function resolvedPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path; // not there yet
  }
}

/** Makes the rename itself durable where the platform allows it (not on Windows, where directories cannot be opened). */
function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return;
  try {
    const descriptor = openSync(directory, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {
    // durability of the directory entry is best effort; the file itself is already flushed
  }
}
