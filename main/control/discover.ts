// providers.discover: local servers (Ollama, LM Studio, llama.cpp, vLLM) answering on their default ports that no
// configured provider points at yet. All are asked at once, each with a short deadline, so the call stays quick.
import type { CallResponse } from '../../shared/control/contract.js';
import type { ProviderSettings } from '../config/load.js';
import { providerPresets, type PresetId } from '../config/presets.js';
import { createAdapter } from '../gateway/providers/registry.js';

export interface DiscoveryCandidate {
  readonly preset: PresetId;
  readonly label: string;
  readonly baseUrl: string;
}

const localPresets: readonly PresetId[] = ['ollama', 'lmstudio', 'llamacpp', 'vllm'];

export const defaultDiscoveryCandidates: readonly DiscoveryCandidate[] = localPresets.map((preset) => ({ preset, label: providerPresets[preset].label, baseUrl: providerPresets[preset].baseUrl }));

export async function discoverLocalServers(
  configured: readonly ProviderSettings[],
  candidates: readonly DiscoveryCandidate[] = defaultDiscoveryCandidates,
  timeoutMs = 800,
): Promise<CallResponse<'providers.discover'>> {
  const taken = new Set(configured.map((provider) => sameServer(provider.baseUrl)));
  const fresh = candidates.filter((candidate) => !taken.has(sameServer(candidate.baseUrl)));
  const answers = await Promise.all(
    fresh.map(async (candidate) => {
      const preset = providerPresets[candidate.preset];
      const adapter = createAdapter(
        { id: candidate.preset, type: preset.type, preset: candidate.preset, label: candidate.label, baseUrl: candidate.baseUrl, locality: 'local', apiKeyEnv: undefined, headers: {}, models: [] },
        () => undefined,
        { connectMs: timeoutMs, firstTokenMs: timeoutMs, idleMs: timeoutMs, totalMs: timeoutMs },
      );
      try {
        return (await adapter.probe(AbortSignal.timeout(timeoutMs))).reachable ? candidate : undefined;
      } catch {
        return undefined;
      } finally {
        await adapter.close();
      }
    }),
  );
  return answers.filter((answer) => answer !== undefined).map(({ preset, label, baseUrl }) => ({ preset, label, baseUrl }));
}

/** `http://localhost:11434/` and `http://127.0.0.1:11434` are the same server. */
function sameServer(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    const host = url.hostname === 'localhost' || url.hostname === '[::1]' ? '127.0.0.1' : url.hostname;
    return `${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return baseUrl;
  }
}
