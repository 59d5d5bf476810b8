// Reloads the config when its file changes. Editors save in different ways (rewrite, rename-over, delete and
// create), so the directory is watched and events for the file are debounced. A bad edit keeps the running config.
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export function watchConfigFile(path: string, onChange: () => void, debounceMs = 250): () => void {
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), { persistent: false }, (_event, fileName) => {
      if (fileName !== null && fileName !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, debounceMs);
    });
    watcher.on('error', () => undefined);
  } catch {
    return () => undefined; // a directory that cannot be watched: reload still works by signal or call
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
