// providers.discover: local model servers (Ollama, LM Studio, llama.cpp server, LocalAI, vLLM, Jan) answering on
// their default loopback ports, with the models each lists. Every server is asked at once and the whole call has one
// deadline (1 s: nothing listening is refused at once, so the deadline is only ever waited for by a server that is
// listening but slow — a busy laptop, or Ollama loading a model — and 250 ms missed those under load), so it can run
// at every start and on every page visit. Servers already configured are reported with `configured: true`.
import { setMaxListeners } from 'node:events';
import type { CallResponse } from '../../shared/control/contract.js';
import type { ProviderSettings } from '../config/load.js';
import { providerPresets } from '../config/presets.js';
import { plainGetBody } from '../gateway/providers/plain-http.js';
import { identify, isLocalServerPreset, localServerPresets, pathsFor, type Answer, type LocalServerPreset } from './local-servers.js';

export interface DiscoveryCandidate {
  readonly preset: LocalServerPreset;
  /** where the preset's server would be: its provider base URL (`http://127.0.0.1:1234/v1`) */
  readonly baseUrl: string;
}

export type DiscoveredServer = CallResponse<'providers.discover'>[number];

export const discoveryDeadlineMs = 1_000;
/** A model list larger than this is not a local server's (or it is garbage); the server is passed over. */
const maxAnswerBytes = 1024 * 1024;

export const defaultDiscoveryCandidates: readonly DiscoveryCandidate[] = localServerPresets.map((preset) => ({
  preset,
  baseUrl: providerPresets[preset].baseUrl,
}));

/** For tests only: `SWITCHYARD_DISCOVERY_PORTS=lmstudio=41234,llamacpp=41235,localai=41235` probes those loopback ports instead (`none`: nothing). */
export const discoveryPortsVariable = 'SWITCHYARD_DISCOVERY_PORTS';

/** The candidates SWITCHYARD_DISCOVERY_PORTS names, else the default ports; throws on a malformed value. */
export function discoveryCandidates(env: NodeJS.ProcessEnv): readonly DiscoveryCandidate[] {
  const value = env[discoveryPortsVariable]?.trim();
  if (value === undefined) return defaultDiscoveryCandidates;
  if (value === '' || value === 'none') return [];
  return value.split(',').map((pair) => {
    const match = /^([a-z]+)=([0-9]{1,5})$/.exec(pair.trim());
    const port = Number(match?.[2]);
    if (!match?.[1] || !isLocalServerPreset(match[1]) || port < 1 || port > 65_535) {
      throw new Error(`${discoveryPortsVariable}: '${pair}' is not <preset>=<port> with a preset of ${localServerPresets.join(', ')}`);
    }
    const url = new URL(providerPresets[match[1]].baseUrl);
    url.port = String(port);
    return { preset: match[1], baseUrl: url.href.replace(/\/$/, '') };
  });
}

export interface DiscoveryOptions {
  readonly candidates?: readonly DiscoveryCandidate[];
  /** one deadline for the whole call */
  readonly deadlineMs?: number;
}

export async function discoverLocalServers(configured: readonly ProviderSettings[], options: DiscoveryOptions = {}): Promise<DiscoveredServer[]> {
  const candidates = options.candidates ?? defaultDiscoveryCandidates;
  const deadlineMs = options.deadlineMs ?? discoveryDeadlineMs;
  const signal = AbortSignal.timeout(deadlineMs);
  setMaxListeners(0, signal); // one deadline shared by every request of the call, by design
  const taken = new Set(configured.map((provider) => serverOf(provider.baseUrl)));
  const servers = groupByServer(candidates);
  const found = await Promise.all(
    servers.map(async ({ origin, presets, modelsPath }) => {
      const paths = pathsFor(presets, modelsPath);
      const answers = new Map(await Promise.all(paths.map(async (path) => [path, await get(`${origin}${path}`, signal, deadlineMs)] as const)));
      const identified = identify(presets, answers, modelsPath);
      if (!identified) return undefined;
      const candidate = candidates.find((entry) => entry.preset === identified.preset && new URL(entry.baseUrl).origin === origin);
      const baseUrl = candidate?.baseUrl ?? origin;
      return {
        preset: identified.preset,
        label: providerPresets[identified.preset].label,
        baseUrl,
        models: [...identified.models],
        modelCount: identified.modelCount,
        keyRequired: identified.keyRequired,
        configured: taken.has(serverOf(baseUrl)),
      } satisfies DiscoveredServer;
    }),
  );
  return found.filter((server) => server !== undefined);
}

interface Server {
  readonly origin: string;
  readonly presets: LocalServerPreset[];
  /** the model list's path on it (`/v1/models`) */
  readonly modelsPath: string;
}

/** Candidates on one port are one server to ask (llama.cpp and LocalAI share 8080), asked once. */
function groupByServer(candidates: readonly DiscoveryCandidate[]): Server[] {
  const byOrigin = new Map<string, Server>();
  for (const candidate of candidates) {
    const url = new URL(candidate.baseUrl);
    const server = byOrigin.get(url.origin) ?? { origin: url.origin, presets: [], modelsPath: '/v1/models' };
    if (candidate.preset !== 'ollama')
      byOrigin.set(url.origin, { ...server, presets: [...server.presets, candidate.preset], modelsPath: `${url.pathname.replace(/\/+$/, '')}/models` });
    else byOrigin.set(url.origin, { ...server, presets: [...server.presets, candidate.preset] });
  }
  return [...byOrigin.values()];
}

/**
 * One GET under the shared deadline, on a connection of its own closed after it (no socket outlives the call and
 * keeps a CLI waiting), over node:http rather than undici (plain-http.ts: `serve` runs this at every start). Any
 * failure (refused, reset, timeout, too large) is no answer.
 */
async function get(url: string, signal: AbortSignal, deadlineMs: number): Promise<Answer> {
  try {
    const headers = { accept: 'application/json' };
    const limits = { connectTimeoutMs: deadlineMs, headersTimeoutMs: deadlineMs, bodyTimeoutMs: deadlineMs, maxBytes: maxAnswerBytes };
    const response = await plainGetBody({ url, headers, ...limits }, signal);
    const text = response.body.toString('utf8');
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, json };
  } catch {
    return undefined;
  }
}

/** `http://localhost:11434/` and `http://127.0.0.1:11434` are the same server. */
export function serverOf(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    const host = url.hostname === 'localhost' || url.hostname === '[::1]' ? '127.0.0.1' : url.hostname;
    return `${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return baseUrl;
  }
}
