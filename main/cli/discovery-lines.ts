// The "found:" lines `serve` prints after its banner and the models column of `providers detect`: a module of its
// own so that `serve` prints them without loading the `providers` verb (config editor, keychain import, …).
import type { DiscoveredServer } from '../control/discover.js';

/** What `serve` prints after its banner: one line per server found and not configured yet. Never throws. */
export async function startupDiscoveryLines(discover: () => Promise<readonly DiscoveredServer[]>): Promise<string[]> {
  try {
    const servers = await discover();
    return servers
      .filter((server) => !server.configured)
      .map(
        (server) => `found: ${server.label} at ${server.baseUrl} (${modelsPhrase(server)}) — add with \`switchyard providers detect --add ${server.preset}\``,
      );
  } catch (error) {
    return [`discovery of local servers failed: ${error instanceof Error ? error.message : String(error)}`];
  }
}

export function modelsPhrase(server: DiscoveredServer): string {
  if (server.keyRequired) return 'needs its API key';
  return `${server.modelCount} model${server.modelCount === 1 ? '' : 's'}`;
}
