// `switchyard status|reload|offline|ui`: control calls (shared/control/contract.ts) to a running gateway over its
// headless HTTP transport, with the admin token from the data dir. Output is for people; `--json` prints the answer.
import { z } from 'zod';
import type { ControlCall } from '../../shared/control/contract.js';
import { findConfigPath, loadConfig } from '../config/load.js';
import { adminTokenFileName, adminTokenFor, environmentAdminToken, readTokenFile } from '../secrets/client-token-file.js';

export interface AdminTarget {
  readonly url: string;
  readonly token: string;
}

export function adminTarget(options: {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  url: string | undefined;
  port: number | undefined;
  configFlag: string | undefined;
}): AdminTarget {
  const token = adminTokenFor(options.dataDir, options.env);
  if (options.url) return { url: options.url.replace(/\/+$/, ''), token };
  const config = loadConfig({ path: findConfigPath(options.configFlag, options.env, options.dataDir), env: options.env, port: options.port });
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`, token };
}

/** Nothing answered at the address (connection refused, reset, DNS): no gateway is running there. */
export class NoGatewayError extends Error {
  override readonly name = 'NoGatewayError';
}

/** One control call; resolves with its answer, or throws with the error message the service gave. */
export function controlCall(target: AdminTarget, call: ControlCall, body: unknown = {}): Promise<unknown> {
  return adminPost(target, call, body);
}

/** POST /_switchyard/api/<name> with the admin token in the Authorization header (never in the URL). */
async function adminPost(target: AdminTarget, name: string, body: unknown): Promise<unknown> {
  let response;
  const { request } = await import('undici'); // only the admin verbs need it, not --version or serve
  try {
    response = await request(`${target.url}/_switchyard/api/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  } catch (error) {
    throw new NoGatewayError(
      `no Switchyard answering at ${target.url} (${(error as { code?: string }).code ?? String(error)}); is \`switchyard serve\` running?`,
    );
  }
  const text = await response.body.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (response.statusCode >= 400) {
    const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.statusCode}`;
    throw new Error(message);
  }
  return parsed;
}

/** What formatStatus prints: status.get's answer (the gateway's own status has the same shape, with undefined for null). */
export interface PrintableStatus {
  readonly url: string;
  readonly configSource: string | null | undefined;
  readonly inFlight: number;
  readonly offline: string | null | undefined;
  readonly providers: ReadonlyArray<{
    readonly id: string;
    readonly locality: string;
    readonly reachable: boolean | null | undefined;
    readonly keyRejected: boolean;
    readonly keySource: string;
    readonly lastError: string | null | undefined;
  }>;
  readonly budgets: ReadonlyArray<{ readonly description: string; readonly state: string; readonly fraction: number }>;
  readonly routes: ReadonlyArray<{ readonly name: string; readonly targets: readonly string[] }>;
  readonly cooldowns: ReadonlyArray<{ readonly target: string; readonly phase: string; readonly until?: number | null | undefined }>;
  /** team mode (state.url): shared in Redis, or this replica's own counters while Redis is down */
  readonly sharedState?: { readonly backend: string; readonly replicas: number; readonly url: string; readonly detail: string } | null | undefined;
  /** team mode (ledger.url): the client tokens shared in PostgreSQL, current or the last set read */
  readonly clientTokens?: { readonly state: string; readonly detail: string } | null | undefined;
}

const signInAnswer = z.object({ nonce: z.string().regex(/^[A-Za-z0-9_-]{43}$/), expiresInSeconds: z.number().int().positive() });

/**
 * The URL `switchyard ui` prints: a single-use sign-in nonce the running gateway minted for the admin token, which
 * the page trades for a session cookie and wipes from the address bar. The admin token itself never goes in a URL.
 */
export async function uiLink(target: AdminTarget): Promise<{ readonly link: string; readonly expiresInSeconds: number }> {
  const answer = signInAnswer.safeParse(await adminPost(target, 'session.link', {}));
  if (!answer.success) throw new Error(`the Switchyard at ${target.url} gave no sign-in link (is it an older version?)`);
  return { link: `${target.url}/_switchyard/#signin=${answer.data.nonce}`, expiresInSeconds: answer.data.expiresInSeconds };
}

export function formatStatus(status: PrintableStatus, now = Date.now()): string {
  const lines = [
    `Switchyard at ${status.url}`,
    `config:    ${status.configSource ?? 'built-in defaults'}`,
    `in flight: ${status.inFlight}`,
    `offline:   ${status.offline ?? 'no'}`,
  ];
  const shared = status.sharedState;
  if (shared !== undefined && shared !== null) {
    const how = shared.backend === 'redis' ? `shared in ${shared.url}, ${shared.replicas} replica(s)` : `LOCAL FALLBACK (${shared.detail})`;
    lines.push(`state:     ${how}`);
  }
  const tokens = status.clientTokens;
  if (tokens !== undefined && tokens !== null) lines.push(`tokens:    ${tokens.state === 'live' ? tokens.detail : `STALE (${tokens.detail})`}`);
  lines.push('providers:');
  for (const provider of status.providers) {
    const reach = provider.reachable === undefined || provider.reachable === null ? 'unknown' : provider.reachable ? 'up' : 'down';
    const key = provider.keyRejected ? 'key REJECTED (401)' : `key: ${provider.keySource}`;
    lines.push(
      `  ${provider.id.padEnd(12)} ${provider.locality.padEnd(5)} ${reach.padEnd(7)} ${key}${provider.lastError && provider.reachable === false ? `  (${provider.lastError})` : ''}`,
    );
  }
  lines.push(`budgets:${status.budgets.length === 0 ? ' none' : ''}`);
  for (const budget of status.budgets) {
    const share = Number.isFinite(budget.fraction) ? ` (${Math.round(budget.fraction * 100)}%)` : '';
    lines.push(`  ${budget.description}: ${budget.state}${share}`);
  }
  lines.push(`routes:${status.routes.length === 0 ? ' none' : ''}`);
  for (const route of status.routes) lines.push(`  ${route.name.padEnd(12)} → ${route.targets.join(' → ')}`);
  lines.push(`cooldowns:${status.cooldowns.length === 0 ? ' none' : ''}`);
  for (const circuit of status.cooldowns) {
    const left = circuit.until !== undefined && circuit.until !== null ? `, ${Math.max(0, Math.ceil((circuit.until - now) / 1000))} s left` : '';
    lines.push(`  ${circuit.target.padEnd(30)} ${circuit.phase}${circuit.phase === 'open' ? left : ''}`);
  }
  return lines.join('\n');
}

/**
 * After `keys set|delete`: a gateway running on this data dir re-reads its keys at once (`gateway.reload`). Never
 * creates the admin token: without one no gateway has run here. Resolves with the line to print; never throws.
 */
export async function reloadRunningGateway(options: { dataDir: string; env: NodeJS.ProcessEnv; configFlag: string | undefined }): Promise<string> {
  let token: string | undefined;
  let target: AdminTarget;
  try {
    token = environmentAdminToken(options.env) ?? readTokenFile(options.dataDir, adminTokenFileName);
    if (token === undefined) return 'a Switchyard started from now on uses them (none has run with this data dir yet)';
    target = { ...adminTarget({ dataDir: options.dataDir, env: options.env, url: undefined, port: undefined, configFlag: options.configFlag }), token };
  } catch (error) {
    return `could not tell whether a Switchyard is running (${error instanceof Error ? error.message : String(error)}); \`switchyard reload\` makes a running one use them`;
  }
  try {
    await controlCall(target, 'gateway.reload');
    return `the Switchyard running at ${target.url} reloaded and uses them now`;
  } catch (error) {
    if (error instanceof NoGatewayError) return `no Switchyard is running at ${target.url}; the next start uses them`;
    return `the Switchyard at ${target.url} did not reload (${error instanceof Error ? error.message : String(error)}); run \`switchyard reload\``;
  }
}
