// Where Switchyard keeps its state (client token, ledger, config). The desktop app and `switchyard serve` use the
// same directory so they share one ledger and one token; SWITCHYARD_DATA_DIR or --data-dir moves it.
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const explicit = env['SWITCHYARD_DATA_DIR'];
  if (explicit) return explicit;
  const home = env['HOME'] || homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Switchyard');
  if (platform === 'win32') return join(env['APPDATA'] || join(home, 'AppData', 'Roaming'), 'Switchyard');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'switchyard');
}
