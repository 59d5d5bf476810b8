// `switchyard status|reload|offline`: management calls to a running gateway over its admin API, with the admin
// token from the data dir. Output is for people; `--json` prints the raw answer for scripts.
import { request } from 'undici';
import { findConfigPath, loadConfig } from './config/load.js';
import type { GatewayStatus } from './gateway/gateway.js';
import { loadOrCreateAdminToken } from './secrets/client-token-file.js';

export interface AdminTarget {
  readonly url: string;
  readonly token: string;
}

export function adminTarget(options: { dataDir: string; env: NodeJS.ProcessEnv; url: string | undefined; port: number | undefined; configFlag: string | undefined }): AdminTarget {
  const token = loadOrCreateAdminToken(options.dataDir);
  if (options.url) return { url: options.url.replace(/\/+$/, ''), token };
  const config = loadConfig({ path: findConfigPath(options.configFlag, options.env, options.dataDir), env: options.env, port: options.port });
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`, token };
}

export async function adminCall(target: AdminTarget, method: 'GET' | 'POST', call: string, body?: unknown): Promise<unknown> {
  let response;
  try {
    response = await request(`${target.url}/_switchyard/api/${call}`, {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
  } catch (error) {
    throw new Error(`no Switchyard answering at ${target.url} (${(error as { code?: string }).code ?? String(error)}); is \`switchyard serve\` running?`);
  }
  const text = await response.body.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (response.statusCode >= 400) {
    const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${response.statusCode}`;
    throw new Error(message);
  }
  return parsed;
}

export function formatStatus(status: GatewayStatus, now = Date.now()): string {
  const lines = [`Switchyard at ${status.url}`, `config:    ${status.configSource ?? 'built-in defaults'}`, `in flight: ${status.inFlight}`, `offline:   ${status.offline ?? 'no'}`, 'providers:'];
  for (const provider of status.providers) {
    const reach = provider.reachable === undefined ? 'unknown' : provider.reachable ? 'up' : 'down';
    const key = provider.keyRejected ? 'key REJECTED (401)' : `key: ${provider.keySource}`;
    lines.push(`  ${provider.id.padEnd(12)} ${provider.locality.padEnd(5)} ${reach.padEnd(7)} ${key}${provider.lastError && provider.reachable === false ? `  (${provider.lastError})` : ''}`);
  }
  lines.push(`routes:${status.routes.length === 0 ? ' none' : ''}`);
  for (const route of status.routes) lines.push(`  ${route.name.padEnd(12)} → ${route.targets.join(' → ')}`);
  lines.push(`cooldowns:${status.cooldowns.length === 0 ? ' none' : ''}`);
  for (const circuit of status.cooldowns) {
    const left = circuit.until !== undefined ? `, ${Math.max(0, Math.ceil((circuit.until - now) / 1000))} s left` : '';
    lines.push(`  ${circuit.target.padEnd(30)} ${circuit.phase}${circuit.phase === 'open' ? left : ''}`);
  }
  return lines.join('\n');
}
