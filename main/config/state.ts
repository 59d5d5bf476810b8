// Resolves `state` (shared state in Redis for several replicas): the URL from the file or SWITCHYARD_STATE_URL (the
// environment wins, so a compose file or a systemd unit can name the server without editing the config), how many
// replicas share it, the keys' prefix and the command timeout; a Redis Cluster's seed nodes, and the CA a rediss://
// server's certificate is checked against. Absent: no shared state, nothing of it is loaded.
import type { ConfigFile } from './schema.js';

export interface SharedStateSettings {
  /** redis:// or rediss://; may carry a password: log `maskedStateUrl(url)`, never this */
  readonly url: string;
  /** set: the fallback divisor while Redis is down; undefined: the replicas count themselves in Redis */
  readonly replicas: number | undefined;
  /** prefix and Redis Cluster hash tag of every key: `{<keyPrefix>}:…` */
  readonly keyPrefix: string;
  /** a command slower than this counts as Redis down */
  readonly commandTimeoutMs: number;
  /** Redis Cluster: `url` and `startupNodes` are seed nodes, the client follows the cluster's slot map */
  readonly cluster?: boolean | undefined;
  /** more cluster seed nodes besides `url` */
  readonly startupNodes?: readonly string[] | undefined;
  /** rediss://: a PEM file of the CA(s) to trust instead of the system's */
  readonly tlsCaFile?: string | undefined;
}

export const stateUrlVariable = 'SWITCHYARD_STATE_URL';
export const defaultStateKeyPrefix = 'switchyard';
export const defaultStateCommandTimeoutMs = 250;

const stateUrlPattern = /^rediss?:\/\/[^\s]+$/;

export function resolveState(file: ConfigFile, env: NodeJS.ProcessEnv, problems: string[]): SharedStateSettings | undefined {
  const fromEnv = env[stateUrlVariable];
  const url = fromEnv !== undefined && fromEnv !== '' ? fromEnv : file.state?.url;
  if (url === undefined) return undefined;
  if (!stateUrlPattern.test(url)) {
    problems.push(`${stateUrlVariable}: must be a redis:// or rediss:// URL (got ${maskedStateUrl(url)})`);
    return undefined;
  }
  const startupNodes = file.state?.startup_nodes ?? [];
  const cluster = file.state?.cluster ?? startupNodes.length > 0;
  if (!cluster && startupNodes.length > 0) problems.push('state.startup_nodes: seed nodes of a Redis Cluster, but state.cluster is false');
  // a cluster has one database; a standalone client would pick /N, a cluster client would silently ignore it
  if (cluster && [url, ...startupNodes].some((each) => /^rediss?:\/\/[^/]*\/0*[1-9]/.test(each)))
    problems.push('state.url: a Redis Cluster has only database 0 (drop the /<db> from the URL)');
  const tls = [url, ...startupNodes].map((each) => each.startsWith('rediss://'));
  if (tls.some(Boolean) && !tls.every(Boolean)) problems.push('state.startup_nodes: mixes redis:// and rediss://; a cluster is all TLS or none');
  return {
    url,
    replicas: file.state?.replicas,
    keyPrefix: file.state?.key_prefix ?? defaultStateKeyPrefix,
    commandTimeoutMs: file.state?.command_timeout_ms ?? defaultStateCommandTimeoutMs,
    ...(cluster ? { cluster, startupNodes } : {}),
    ...(file.state?.tls_ca_file !== undefined ? { tlsCaFile: file.state.tls_ca_file } : {}),
  };
}

/** The URL as logs and /health show it: any password (and user) replaced by ***. */
export function maskedStateUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');
}

/** The password in the URL (registered as a secret so no log line or error carries it), if any. */
export function stateUrlPassword(url: string): string | undefined {
  const userInfo = /^[a-z]+:\/\/([^@/]*)@/i.exec(url)?.[1];
  if (userInfo === undefined) return undefined;
  const colon = userInfo.indexOf(':');
  const password = colon === -1 ? userInfo : userInfo.slice(colon + 1);
  try {
    return decodeURIComponent(password) || undefined;
  } catch {
    return password || undefined;
  }
}
