// Cloud keys found in the environment (OPENAI_API_KEY, …), offered for the keychain so they outlive the shell that
// set them. Answers name the preset and the variable only, never a piece of the key; an import adds the key after
// any the keychain holds for that provider already (those stay first), and adds nothing when it is there.
import { registerSecret } from '../../shared/redact.js';
import { presetIds, providerPresets, type PresetId, type ProviderPreset } from '../config/presets.js';
import { normaliseKey, type SecretStore } from '../secrets/secret-store.js';
import { ControlError, invalid, notFound } from './errors.js';

export interface EnvironmentKey {
  readonly preset: PresetId;
  readonly label: string;
  readonly envVar: string;
  readonly inKeychain: boolean;
}

/** The variable a preset's key is read from, as the key resolver reads it (Gemini: GEMINI_API_KEY, else GOOGLE_API_KEY). */
export function environmentVariableOf(preset: PresetId, env: NodeJS.ProcessEnv): { readonly envVar: string; readonly key: string } | undefined {
  const variable = (providerPresets[preset] as ProviderPreset).apiKeyEnv;
  if (variable === undefined) return undefined;
  const candidates = variable === 'GEMINI_API_KEY' ? [variable, 'GOOGLE_API_KEY'] : [variable];
  for (const envVar of candidates) {
    const checked = normaliseKey(env[envVar] ?? '');
    if (checked.ok) {
      registerSecret(checked.key);
      return { envVar, key: checked.key };
    }
  }
  return undefined;
}

/** Each preset whose key variable holds a key; inKeychain when the keychain has that very key for it. */
export async function environmentKeys(env: NodeJS.ProcessEnv, store: SecretStore): Promise<EnvironmentKey[]> {
  const found = presetIds.flatMap((preset) => {
    const variable = environmentVariableOf(preset, env);
    return variable ? [{ preset, ...variable }] : [];
  });
  if (found.length === 0) return [];
  const keychain = (await store.available()).ok ? await store.listAll().catch(() => new Map<string, string[]>()) : new Map<string, string[]>();
  return found.map(({ preset, envVar, key }) => ({
    preset,
    label: providerPresets[preset].label,
    envVar,
    inKeychain: keychain.get(preset)?.includes(key) ?? false,
  }));
}

/** Stores the preset's environment key in the keychain; resolves with the variable it came from. */
export async function importEnvironmentKey(
  env: NodeJS.ProcessEnv,
  store: SecretStore,
  preset: string,
): Promise<{ readonly envVar: string; readonly added: boolean }> {
  if (!presetIds.includes(preset as PresetId)) throw notFound(`'${preset}' is not a preset (providers.presets lists them)`, 'preset');
  const variable = (providerPresets[preset as PresetId] as ProviderPreset).apiKeyEnv;
  if (variable === undefined) throw invalid(`${providerPresets[preset as PresetId].label} takes no key from the environment`, 'preset');
  const found = environmentVariableOf(preset as PresetId, env);
  if (!found)
    throw notFound(`${variable}${variable === 'GEMINI_API_KEY' ? ' (or GOOGLE_API_KEY)' : ''} holds no key in the environment of this Switchyard`, 'preset');
  const availability = await store.available();
  if (!availability.ok)
    throw new ControlError(
      503,
      'keychain_unavailable',
      `no keychain to store the key in (${availability.reason}); ${found.envVar} keeps being used from the environment`,
    );
  if ((await store.list(preset)).includes(found.key)) return { envVar: found.envVar, added: false };
  await store.add(preset, found.key);
  return { envVar: found.envVar, added: true };
}
