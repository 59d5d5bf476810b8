// Keychain tests run against the real Secret Service of a private D-Bus session, under a throwaway service name.
// Without one they fail with instructions — never skip, or a CI without a keyring would pass without testing.
import { randomBytes } from 'node:crypto';
import { KeychainStore } from '../../main/secrets/keychain-store.js';

export const secretServiceHowTo =
  'Run these tests inside a private D-Bus session with an unlocked gnome-keyring, as `npm test` does (scripts/test-env.mjs): ' +
  '`npm test -- npx vitest run --project e2e test/e2e/keychain.test.ts test/e2e/canary.test.ts` (it names any missing Debian package).';

/** `switchyard-test-<random>`: a service of its own per run, so tests never touch a developer's real keys. */
export function testServiceName(): string {
  return `switchyard-test-${randomBytes(6).toString('hex')}`;
}

/** A KeychainStore on the real Secret Service, proven usable by a write-read-delete round trip; throws otherwise. */
export async function requireSecretService(service: string): Promise<KeychainStore> {
  if (!process.env['DBUS_SESSION_BUS_ADDRESS']) {
    throw new Error(`No D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so there is no Secret Service to test against. ${secretServiceHowTo}`);
  }
  const store = new KeychainStore({ service, timeoutMs: 10_000 });
  const availability = await store.available();
  if (!availability.ok) throw new Error(`The Secret Service is not usable: ${availability.reason}. ${secretServiceHowTo}`);
  try {
    await store.set('probe', ['probe-value-0000']);
    const read = await store.list('probe');
    await store.delete('probe');
    if (read[0] !== 'probe-value-0000') throw new Error('a key written to the Secret Service did not read back');
  } catch (error) {
    throw new Error(`The Secret Service cannot store a key: ${error instanceof Error ? error.message : String(error)}. ${secretServiceHowTo}`);
  }
  return store;
}

/** Deletes every entry the tests left under their service. */
export async function removeTestEntries(store: KeychainStore): Promise<void> {
  for (const providerId of (await store.listAll()).keys()) await store.delete(providerId);
}
