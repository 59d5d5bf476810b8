// `switchyard keys test`: one cheap authenticated call with one key, through the provider's own adapter (its model
// list). OpenRouter lists models without a key, so there the key's own endpoint is asked instead.
import { redactSecrets } from '../../../shared/redact.js';
import type { ProviderSettings } from '../../config/load.js';
import type { ProviderErrorClass } from '../../config/types.js';
import { ProviderError, classForStatus } from './errors.js';
import { createAdapter, loadAdapters } from './registry.js';

export type KeyCheckResult =
  | { readonly ok: true; readonly detail: string; readonly latencyMs: number }
  | {
      readonly ok: false;
      readonly errorClass: ProviderErrorClass | 'unreachable';
      readonly status: number | undefined;
      readonly detail: string;
      readonly latencyMs: number;
    };

export async function checkKey(settings: ProviderSettings, key: string | undefined, timeoutMs = 15_000): Promise<KeyCheckResult> {
  const started = performance.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const elapsed = (): number => Math.round(performance.now() - started);
  if (key !== undefined && isOpenRouter(settings.baseUrl)) return checkOpenRouterKey(settings.baseUrl, key, signal, elapsed);
  await loadAdapters([settings]);
  const adapter = createAdapter(settings, () => key);
  try {
    const models = await adapter.listModels(signal);
    return { ok: true, detail: `${models.length} model(s) listed`, latencyMs: elapsed() };
  } catch (error) {
    if (error instanceof ProviderError) {
      const unreachable = error.kind === 'connect' || error.kind === 'timeout';
      return {
        ok: false,
        errorClass: unreachable ? 'unreachable' : error.errorClass,
        status: error.kind === 'http' ? error.status : undefined,
        detail: redactSecrets(error.message),
        latencyMs: elapsed(),
      };
    }
    return {
      ok: false,
      errorClass: 'unreachable',
      status: undefined,
      detail: redactSecrets(error instanceof Error ? error.message : String(error)),
      latencyMs: elapsed(),
    };
  } finally {
    await adapter.close();
  }
}

function isOpenRouter(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === 'openrouter.ai';
  } catch {
    return false;
  }
}

async function checkOpenRouterKey(baseUrl: string, key: string, signal: AbortSignal, elapsed: () => number): Promise<KeyCheckResult> {
  try {
    const { request } = await import('undici'); // loaded at the first check, not at start
    const response = await request(`${baseUrl}/key`, { method: 'GET', headers: { authorization: `Bearer ${key}`, accept: 'application/json' }, signal }); // undici follows no redirects by default
    const body = (await response.body.text()).slice(0, 2_000);
    if (response.statusCode === 200) return { ok: true, detail: 'the key is valid (OpenRouter /key)', latencyMs: elapsed() };
    return {
      ok: false,
      errorClass: classForStatus(response.statusCode),
      status: response.statusCode,
      detail: redactSecrets(body.split('\n')[0] ?? ''),
      latencyMs: elapsed(),
    };
  } catch (error) {
    return {
      ok: false,
      errorClass: 'unreachable',
      status: undefined,
      detail: redactSecrets(error instanceof Error ? error.message : String(error)),
      latencyMs: elapsed(),
    };
  }
}
