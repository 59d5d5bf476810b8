// Defaults and the one naming rule a config is checked against, kept in the leaf layer so the config can fill them
// in without importing the gateway or the ledger that run with them.
import type { BackoffSettings, CaptureSettings, CircuitSettings } from './types.js';

export const defaultBackoff: BackoffSettings = { initialMs: 200, maxMs: 4_000, retryAfterCapMs: 5_000 };

export const defaultCircuit: CircuitSettings = { allowedFails: 3, windowMs: 60_000, cooldownMs: 30_000, maxCooldownMs: 300_000 };

export const defaultCaptureSettings: CaptureSettings = { enabled: false, retentionDays: 7, maxBytesPerRequest: 256 * 1024 };

/** `provider/model` → its two parts (the model part may itself contain slashes), or undefined when it is not one */
export function splitModelName(name: string): { providerId: string; model: string } | undefined {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return { providerId: name.slice(0, slash), model: name.slice(slash + 1) };
}
