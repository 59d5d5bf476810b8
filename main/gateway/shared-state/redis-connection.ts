// The one Redis connection of a replica, and whether to trust it. ioredis is loaded here, only when `state.url` is
// set: a standalone client, or with `state.cluster` its Cluster client (which follows the slot map; every script's
// keys share one hash tag, so each runs on one node). Requests never wait on Redis: no offline queue (a command
// while disconnected fails at once), a short command timeout, and after any failure the connection counts as down —
// the stores fall back to this replica's memory — until a background probe answers again. The probe is a keyed
// command, so on a cluster it asks the node that holds this gateway's keys. ioredis reconnects by itself in the
// background, forever, backing off to 2 s.
import { readFileSync } from 'node:fs';
import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { maskedStateUrl, type SharedStateSettings } from '../../config/state.js';
import type { RedisCaller } from '../limits/redis-counter-store.js';

export type StateBackend = 'redis' | 'local_fallback';

export class RedisConnection implements RedisCaller {
  private downReason: string | undefined = 'connecting';
  private downSince = Date.now();
  private probing: Promise<void> | undefined;
  private closed = false;
  /** called on every change between up and down (the stores catch up when it comes back) */
  onChange: (up: boolean) => void = () => undefined;

  private constructor(
    private readonly client: Redis | Cluster,
    readonly maskedUrl: string,
    private readonly probeKey: string,
    private readonly log: (line: string) => void,
  ) {
    client.on('ready', () => void this.probe());
    client.on('error', (error: Error) => this.markDown(error.message));
    client.on('close', () => this.markDown('connection closed'));
    // a cluster node that drops while the cluster client stays up: said once (its reconnects would repeat it); if it
    // holds this gateway's slot, the commands sent to it fail, which marks the connection down
    client.on('node error', (error: Error) => {
      if (this.up) this.log(`state: a Redis Cluster node failed (${error.message})`);
    });
  }

  /** Connects (waiting at most `waitMs` for the first answer); a Redis that is down now is tried again in the background. */
  static async open(settings: SharedStateSettings, log: (line: string) => void, waitMs = 2_000): Promise<RedisConnection> {
    const { Redis, Cluster } = await import('ioredis');
    const options = clientOptions(settings);
    const client = settings.cluster
      ? new Cluster([settings.url, ...(settings.startupNodes ?? [])].map(seedNode), {
          lazyConnect: true,
          enableOfflineQueue: false,
          clusterRetryStrategy: (times: number) => Math.min(100 * times, 2_000),
          // a slot map that takes longer than a command to fetch is a cluster that is not answering
          slotsRefreshTimeout: Math.max(1_000, settings.commandTimeoutMs * 4),
          retryDelayOnClusterDown: 0,
          retryDelayOnTryAgain: 0,
          maxRedirections: 4,
          redisOptions: options,
        } satisfies ClusterOptions)
      : new Redis(settings.url, { ...options, lazyConnect: true, enableOfflineQueue: false, retryStrategy: (times: number) => Math.min(100 * times, 2_000) });
    const masked = maskedStateUrl(settings.url) + (settings.cluster ? ` (cluster, ${1 + (settings.startupNodes?.length ?? 0)} seed node(s))` : '');
    const connection = new RedisConnection(client, masked, `{${settings.keyPrefix}}:replicas`, log);
    const connected = client.connect().then(
      () => connection.probe(),
      (error: unknown) => connection.markDown(error instanceof Error ? error.message : String(error)),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connected, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    if (!connection.up)
      log(`state: Redis at ${connection.maskedUrl} is not answering (${connection.downReason ?? ''}); using local fallback counters until it does`);
    return connection;
  }

  get up(): boolean {
    return this.downReason === undefined;
  }

  /** Why Redis counts as down, and since when (epoch ms); undefined while up. */
  get down(): { readonly reason: string; readonly since: number } | undefined {
    return this.downReason === undefined ? undefined : { reason: this.downReason, since: this.downSince };
  }

  async call(command: string, ...args: Array<string | number>): Promise<unknown> {
    if (this.closed) throw new Error('the state connection is closed');
    try {
      return await this.client.call(command, ...args);
    } catch (error) {
      // an error Redis itself answered (NOSCRIPT, WRONGTYPE, a script error) says nothing about reachability
      if (!isReplyError(error)) this.markDown(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  /** While down: one probe (each tick of the shared state's timer); up again when it answers. */
  probe(): Promise<void> {
    if (this.closed || this.client.status !== 'ready') return Promise.resolve();
    this.probing ??= this.ping().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async ping(): Promise<void> {
    try {
      await this.client.call('EXISTS', this.probeKey);
      if (this.downReason !== undefined) {
        const was = this.downReason;
        this.downReason = undefined;
        this.log(
          was === 'connecting'
            ? `state: shared state in Redis at ${this.maskedUrl}`
            : `state: Redis at ${this.maskedUrl} answers again after ${Math.round((Date.now() - this.downSince) / 1000)} s; back to the shared counters`,
        );
        this.onChange(true);
      }
    } catch (error) {
      this.markDown(error instanceof Error ? error.message : String(error));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.client.removeAllListeners('close');
    this.client.removeAllListeners('ready');
    this.client.on('error', () => undefined); // a late socket error after quit must not become an uncaught one
    try {
      await Promise.race([this.client.quit(), new Promise((resolve) => setTimeout(resolve, 500).unref())]);
    } catch {
      // already gone
    }
    this.client.disconnect();
  }

  private markDown(reason: string): void {
    if (this.closed) return;
    if (this.downReason !== undefined) {
      if (this.downReason === 'connecting') this.downReason = reason;
      return;
    }
    this.downReason = reason;
    this.downSince = Date.now();
    this.log(`state: Redis at ${this.maskedUrl} is unreachable (${reason}); rate limits fall back to this replica's counters at limit ÷ replicas`);
    this.onChange(false);
  }
}

/** An error Redis answered, other than a cluster saying it cannot serve the slot now (that is Redis being down). */
function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError' && !/^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING)\b/.test(error.message);
}

/** What every connection (the standalone one, or each cluster node's) is made with. */
function clientOptions(settings: SharedStateSettings): RedisOptions {
  const tls = [settings.url, ...(settings.startupNodes ?? [])].some((url) => url.startsWith('rediss://'));
  let ca: Buffer | undefined;
  if (settings.tlsCaFile !== undefined) {
    try {
      ca = readFileSync(settings.tlsCaFile);
    } catch (error) {
      throw new Error(`state.tls_ca_file: cannot read ${settings.tlsCaFile} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  // cluster nodes are reached at the addresses the cluster announces, so the seed URL's credentials go to every one
  const credentials = settings.cluster ? credentialsOf(settings.url) : {};
  return {
    ...credentials,
    ...(tls ? { tls: ca ? { ca } : {} } : {}),
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: Math.max(1_000, settings.commandTimeoutMs * 4),
    // a shared state backend that answers slowly is the same as one that is down; keep the socket from idling out
    keepAlive: 10_000,
  };
}

function seedNode(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: parsed.port === '' ? 6379 : Number(parsed.port) };
}

function credentialsOf(url: string): { username?: string; password?: string } {
  const parsed = new URL(url);
  return {
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}
