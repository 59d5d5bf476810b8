// rediss:// against a real Redis that serves only TLS, with a certificate signed by a throwaway CA the test makes
// with openssl: trusted through state.tls_ca_file it is shared state as usual; trusting another CA (or only the
// system's) fails the handshake, which is Redis down (local fallback, the reason in the status), never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrivateTlsRedis, type PrivateTlsRedis } from '../../../test/support/team-services.js';
import type { CounterClaim } from '../limits/counter-store.js';
import { SharedState } from './shared-state.js';

const requests = (): CounterClaim => ({ key: 'client:gil:requests', kind: 'requests', limit: 3, windowMs: 60_000, amount: 1 });

describe('SharedState over rediss://', () => {
  let server: PrivateTlsRedis;
  const states: SharedState[] = [];

  beforeAll(async () => {
    server = await startPrivateTlsRedis();
  }, 60_000);
  afterAll(async () => {
    await Promise.all(states.map((state) => state.close()));
    await server?.close();
  });

  const open = async (tlsCaFile: string | undefined, lines: string[] = []): Promise<SharedState> => {
    const state = await SharedState.open({ url: server.url, replicas: 1, keyPrefix: 'tls', commandTimeoutMs: 500, tlsCaFile }, (line) => lines.push(line), {
      connectWaitMs: 3_000,
    });
    states.push(state);
    return state;
  };

  it('shares the counters over TLS when the private CA is trusted', async () => {
    const a = await open(server.caFile);
    const b = await open(server.caFile);
    expect(a.view()).toMatchObject({ backend: 'redis', url: server.url });
    let admitted = 0;
    for (const state of [a, b, a, b, a]) if ((await state.counterStore.checkAndReserve([requests()], performance.now())).ok) admitted += 1;
    expect(admitted).toBe(3);
  });

  it('refuses a server whose certificate another CA signed, or that only a private CA vouches for', async () => {
    const lines: string[] = [];
    const wrongCa = await open(server.otherCaFile, lines);
    expect(wrongCa.view()).toMatchObject({ backend: 'local_fallback' });
    expect(wrongCa.view().reason).toMatch(/certificate/i);
    const systemOnly = await open(undefined);
    expect(systemOnly.view().backend).toBe('local_fallback');
    expect(systemOnly.view().reason).toMatch(/certificate/i);
    expect(lines.some((line) => line.includes('is not answering'))).toBe(true);
  });

  it('says which file it could not read', async () => {
    await expect(open('/nonexistent/switchyard-ca.pem')).rejects.toThrow('state.tls_ca_file: cannot read /nonexistent/switchyard-ca.pem (ENOENT)');
  });
});
