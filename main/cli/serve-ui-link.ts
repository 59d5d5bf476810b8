// The UI line `switchyard serve` prints at start: the address with a one-time sign-in link, minted in-process from
// the same nonce store the control transport redeems (no admin token in the URL, no HTTP round trip). The link is
// only offered where it works: the UI is built, and the browser can reach it at a loopback origin. (A browser
// elsewhere signs in through a TLS proxy with a link from `switchyard ui --url https://<public name>`.)
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SignInNonces } from '../control/http/sign-in-nonces.js';

export interface UiLinkSettings {
  /** the address the gateway listens on (config server.host, or --host) */
  readonly host: string;
  readonly port: number;
  /** dist/renderer */
  readonly uiRoot: string;
}

/** The UI's base address for a browser on this machine, or why there is none. */
export function uiAddress(settings: UiLinkSettings): { readonly url: string } | { readonly unavailable: string } {
  if (!existsSync(join(settings.uiRoot, 'index.html'))) return { unavailable: 'the UI is not built here (`npm run build`)' };
  const host = settings.host.toLowerCase();
  const loopback: Record<string, string> = { '127.0.0.1': '127.0.0.1', localhost: 'localhost', '::1': '[::1]', '0.0.0.0': '127.0.0.1', '::': '127.0.0.1' };
  const name = loopback[host] ?? (host.startsWith('127.') ? host : undefined);
  if (name === undefined) return { unavailable: `the UI signs in from this machine's loopback address only, and this server listens on ${settings.host}` };
  return { url: `http://${name}:${settings.port}/_switchyard/` };
}

/** The lines to print: the UI address with a fresh single-use link, or why there is no link. */
export async function uiSignInLines(settings: UiLinkSettings, nonces: SignInNonces | undefined): Promise<string[]> {
  const address = uiAddress(settings);
  if ('unavailable' in address || nonces === undefined)
    return [`ui:       not offered: ${'unavailable' in address ? address.unavailable : 'no UI in this mode'}`];
  const { nonce, expiresInSeconds } = await nonces.mint(); // in team mode, in PostgreSQL: good on any replica
  return [
    `ui:       ${address.url}#signin=${nonce}`,
    `          (signs in one browser, once, within ${expiresInSeconds} s; \`switchyard ui\` prints a fresh link)`,
  ];
}
