// Passthrough: a client that already speaks the Messages API has its request forwarded as it wrote it — every
// field, cache_control, thinking signatures, server tools, betas — with only `model` replaced (spliced into the
// exact bytes when that is certain, else re-serialised). Its anthropic-beta values join the configured ones.
import type { NativeRequest, RequestBody } from '../types.js';
import { spliceModel } from '../request-body.js';

/** The body to send upstream for a native request. */
export function nativeBody(native: NativeRequest, upstreamModel: string): RequestBody {
  const model = native.body['model'];
  if (native.raw !== undefined && typeof model === 'string') {
    const spliced = spliceModel(native.raw, model, upstreamModel);
    if (spliced) return spliced;
  }
  return JSON.stringify({ ...native.body, model: upstreamModel });
}

/** The client's dialect headers over the configured ones; anthropic-beta lists are merged, not replaced. */
export function mergeNativeHeaders(headers: Record<string, string>, native: NativeRequest | undefined): Record<string, string> {
  if (!native) return headers;
  const merged = { ...headers };
  for (const [name, value] of Object.entries(native.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'anthropic-beta') merged[lower] = joinBetas(merged[lower], value);
    else if (lower === 'anthropic-version') merged[lower] = value;
  }
  return merged;
}

function joinBetas(configured: string | undefined, requested: string): string {
  const names = [...(configured ?? '').split(','), ...requested.split(',')].map((name) => name.trim()).filter((name) => name !== '');
  return [...new Set(names)].join(',');
}
