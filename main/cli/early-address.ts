// The address `serve` binds before the config module loads (issue 20: validating the config brings zod and yaml, ~100
// modules): --host and --port, else `server.host` / `server.port` read from the config file by a reader that knows
// only the plain forms — JSON, or YAML's top-level `server:` block with `host:` and `port:` lines. Anything it does
// not understand is "don't know" (undefined) and `serve` binds after the config loads, as before. boot.ts compares
// the bound address with the validated config's and rebinds when they differ: a wrong guess costs time, never the
// wrong port. No imports but node's: this runs before anything else of `serve`.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** config/schema.ts's defaultPort and config/load.ts's lookup, restated (early-address.test.ts checks they agree) */
export const defaultHost = '127.0.0.1';
export const defaultPort = 5454;
export const configFileNames = ['config.yaml', 'config.yml', 'config.json'];

export interface EarlyAddressOptions {
  readonly configFlag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly dataDir: string;
  /** --host, --port */
  readonly host: string | undefined;
  readonly port: number | undefined;
}

export function earlyAddress(options: EarlyAddressOptions): Address | undefined {
  let file: { host?: string; port?: number } | undefined = {};
  if (options.host === undefined || options.port === undefined) {
    const path = options.configFlag || options.env['SWITCHYARD_CONFIG'] || configFileNames.map((name) => join(options.dataDir, name)).find(existsSync);
    if (path !== undefined) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return undefined; // the config load says what is wrong with it
      }
      file = serverAddressIn(text);
    }
  }
  if (file === undefined) return undefined;
  return { host: options.host ?? file.host ?? defaultHost, port: options.port ?? file.port ?? defaultPort };
}

type Found = { host?: string; port?: number };

/** `server.host` and `server.port` of a config file's text (absent when not set), or undefined when unsure. */
export function serverAddressIn(text: string): Found | undefined {
  const body = text.replace(/^\uFEFF/, '');
  return body.trimStart().startsWith('{') ? fromJson(body) : fromYaml(body);
}

function fromJson(text: string): Found | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const server = value['server'];
  if (server === undefined) return {};
  if (!isRecord(server)) return undefined;
  return checked(server['host'], server['port']);
}

function fromYaml(text: string): Found | undefined {
  const lines = text.split(/\r?\n/);
  let inServer = false;
  let indent: string | undefined;
  let host: string | undefined;
  let port: number | undefined;
  for (const [index, line] of lines.entries()) {
    if (/^\s*(#.*)?$/.test(line)) continue; // blank or comment
    if (line.startsWith('---') && index === 0) continue;
    if (/^-(\s|$)/.test(line)) {
      if (inServer) return undefined;
      continue; // an item of a top-level list written at the key's own indentation (`providers:` then `- id: …`)
    }
    if (/^\S/.test(line)) {
      // a top-level key: only `key:` forms are understood (no quoted keys, anchors, flow collections, documents)
      const top = /^([A-Za-z_][\w-]*):(\s.*)?$/.exec(line);
      if (!top) return undefined;
      inServer = top[1] === 'server';
      if (inServer && valueOf(top[2] ?? '') !== '') return undefined; // `server: {…}` or an alias
      continue;
    }
    if (!inServer) continue;
    const lead = /^\s+/.exec(line)?.[0] ?? '';
    indent ??= lead;
    if (lead.length > indent.length) continue; // inside another key of server (a list of allowed_hosts, …)
    if (lead !== indent) return undefined;
    const entry = /^\s+([A-Za-z_][\w-]*):(\s.*)?$/.exec(line);
    if (!entry) return undefined;
    if (entry[1] === 'host') {
      host = scalar(valueOf(entry[2] ?? ''));
      if (host === undefined) return undefined;
    } else if (entry[1] === 'port') {
      const raw = valueOf(entry[2] ?? '');
      if (!/^\d{1,5}$/.test(raw)) return undefined;
      port = Number(raw);
    }
  }
  return checked(host, port);
}

/** a plain or simply quoted scalar, or undefined for anything fancier */
function scalar(raw: string): string | undefined {
  const quoted = /^'([^']*)'$|^"([^"\\]*)"$/.exec(raw);
  if (quoted) return quoted[1] ?? quoted[2];
  return /^[\w.:[\]-]+$/.test(raw) ? raw : undefined;
}

/** the value part of `key: value  # comment` */
function valueOf(rest: string): string {
  return rest.replace(/\s+#.*$/, '').trim();
}

function checked(host: unknown, port: unknown): Found | undefined {
  if (host !== undefined && (typeof host !== 'string' || host === '')) return undefined;
  if (port !== undefined && (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)) return undefined;
  return { ...(host !== undefined ? { host } : {}), ...(port !== undefined ? { port } : {}) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
