// keys.set / keys.delete: provider keys go to the keychain through the secret store and are picked up by the key
// resolver at once (requests read its cache). Answers carry masked keys (…abcd) only, never a key.
import type { CallResponse } from '../../shared/control/contract.js';
import { maskSecret } from '../../shared/redact.js';
import { isPresetId } from '../config/presets.js';
import type { ControlContext } from './context.js';
import { notFound } from './errors.js';
import { checkedKey } from './providers.js';

type KeysAnswer = CallResponse<'keys.set'>;

export async function setKey(context: ControlContext, request: { providerId: string; key: string; append: boolean }): Promise<KeysAnswer> {
  const key = checkedKey(request.key);
  knownProvider(context, request.providerId);
  if (request.append) await context.secretStore.add(request.providerId, key);
  else await context.secretStore.set(request.providerId, [key]);
  return answer(context, request.providerId);
}

/** Deletes the key at `index` (0-based, in the order they are tried), or every key of the provider. */
export async function deleteKey(context: ControlContext, request: { providerId: string; index?: number | undefined }): Promise<KeysAnswer> {
  knownProvider(context, request.providerId);
  const removed = await context.secretStore.delete(request.providerId, request.index);
  if (removed === 0 && request.index !== undefined) throw notFound(`'${request.providerId}' has no key number ${request.index}`, 'index');
  return answer(context, request.providerId);
}

async function answer(context: ControlContext, providerId: string): Promise<KeysAnswer> {
  await context.keys.keysChanged(providerId);
  const keys = await context.secretStore.list(providerId);
  return { providerId, maskedKeys: keys.map(maskSecret) };
}

/** Keys may be kept for configured providers and for presets not configured yet (the UI offers those). */
function knownProvider(context: ControlContext, providerId: string): void {
  if (context.gateway.config.providers.some((provider) => provider.id === providerId) || isPresetId(providerId)) return;
  throw notFound(`no provider '${providerId}' is configured`, 'providerId');
}
