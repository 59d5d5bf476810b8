import { describe, expect, it, vi } from 'vitest';
import { registerSecret } from '../../shared/redact.js';
import type { GatewayStatus } from '../gateway/gateway.js';
import type { ProbeResult } from '../gateway/providers/types.js';
import { GatewayMonitor, displayAddress, type MonitoredGateway } from './gateway-monitor.js';

const coreStatus: GatewayStatus = {
  url: 'http://127.0.0.1:5454',
  configSource: '/home/me/.config/switchyard/config.yaml',
  inFlight: 3,
  routes: [],
  cooldowns: [],
  offline: undefined,
  budgets: [],
  providers: [
    {
      id: 'ollama',
      type: 'ollama',
      baseUrl: 'http://127.0.0.1:11434',
      locality: 'local',
      keySource: 'none needed',
      reachable: undefined,
      keyRejected: false,
      lastError: undefined,
    },
    {
      id: 'corp',
      type: 'openai-compatible',
      baseUrl: 'https://proxy-user:hunter2@llm.corp.example/v1?tenant=42#x',
      locality: 'cloud',
      keySource: 'env CORP_KEY',
      reachable: undefined,
      keyRejected: false,
      lastError: undefined,
    },
  ],
};

function fakeGateway(probe: () => Promise<Array<{ id: string; result: ProbeResult }>>): MonitoredGateway & { probeProviders: ReturnType<typeof vi.fn> } {
  return { status: () => coreStatus, probeProviders: vi.fn(probe) };
}

const probes = [
  { id: 'ollama', result: { reachable: true, detail: 'Ollama 0.12.3', latencyMs: 4 } },
  { id: 'corp', result: { reachable: false, detail: '401: invalid key sk-CANARY-abcdef1234567890' } },
];

describe('GatewayMonitor', () => {
  it('starts as "starting" with no address', () => {
    const status = new GatewayMonitor().snapshot();
    expect(status).toMatchObject({ phase: 'starting', gatewayUrl: null, providers: [], checkedAt: null });
  });

  it('reports the client base URL and providers once running', async () => {
    const now = 1_700_000_000_000;
    const monitor = new GatewayMonitor({ now: () => now });
    const gateway = fakeGateway(() => Promise.resolve(probes));
    monitor.running(gateway);
    const status = await monitor.status();
    expect(status.phase).toBe('running');
    expect(status.gatewayUrl).toBe('http://127.0.0.1:5454/v1');
    expect(status.inFlight).toBe(3);
    expect(status.configSource).toBe('/home/me/.config/switchyard/config.yaml');
    expect(status.checkedAt).toBe(new Date(now).toISOString());
    expect(status.providers).toEqual([
      {
        id: 'ollama',
        type: 'ollama',
        locality: 'local',
        address: 'http://127.0.0.1:11434',
        keySource: 'none needed',
        reachability: 'reachable',
        detail: 'Ollama 0.12.3',
        latencyMs: 4,
      },
      expect.objectContaining({ id: 'corp', reachability: 'unreachable', latencyMs: null }),
    ]);
  });

  it('never hands credentials from a base URL or a probe message to the window', async () => {
    registerSecret('sk-CANARY-abcdef1234567890');
    const monitor = new GatewayMonitor();
    monitor.running(fakeGateway(() => Promise.resolve(probes)));
    const serialised = JSON.stringify(await monitor.status());
    expect(serialised).not.toContain('hunter2');
    expect(serialised).not.toContain('proxy-user');
    expect(serialised).not.toContain('tenant=42');
    expect(serialised).not.toContain('CANARY-abc');
    expect(serialised).not.toContain('1234567890');
  });

  it('re-checks reachability only when the last check is stale, sharing one check between callers', async () => {
    let now = 0;
    const monitor = new GatewayMonitor({ now: () => now, maxProbeAgeMs: 30_000 });
    const gateway = fakeGateway(() => Promise.resolve(probes));
    monitor.running(gateway);
    await Promise.all([monitor.status(), monitor.status(), monitor.status()]);
    expect(gateway.probeProviders).toHaveBeenCalledTimes(1);
    now = 29_000;
    await monitor.status();
    expect(gateway.probeProviders).toHaveBeenCalledTimes(1);
    now = 31_000;
    await monitor.status();
    expect(gateway.probeProviders).toHaveBeenCalledTimes(2);
  });

  it('keeps the last answer when a check fails, and answers anyway', async () => {
    let now = 0;
    let fail = false;
    const monitor = new GatewayMonitor({ now: () => now, maxProbeAgeMs: 10 });
    monitor.running(fakeGateway(() => (fail ? Promise.reject(new Error('network down')) : Promise.resolve(probes))));
    await monitor.status();
    fail = true;
    now = 100;
    const status = await monitor.status();
    expect(status.providers[0]?.reachability).toBe('reachable');
  });

  it('shows a failure without an address and does not probe', async () => {
    const monitor = new GatewayMonitor();
    monitor.failed('port 5454 on 127.0.0.1 is already in use (another Switchyard, or another program); choose another with --port');
    const status = await monitor.status();
    expect(status).toMatchObject({ phase: 'failed', gatewayUrl: null, message: expect.stringContaining('already in use') });
  });

  it('tells listeners about every change (the tray rebuilds its menu)', async () => {
    const monitor = new GatewayMonitor();
    const listener = vi.fn();
    const unsubscribe = monitor.onChange(listener);
    monitor.running(fakeGateway(() => Promise.resolve(probes)));
    await monitor.refresh();
    monitor.stopping();
    monitor.stopped();
    expect(listener).toHaveBeenCalledTimes(4);
    expect(monitor.snapshot()).toMatchObject({ phase: 'stopped', gatewayUrl: null });
    unsubscribe();
    monitor.failed('x');
    expect(listener).toHaveBeenCalledTimes(4);
  });
});

describe('displayAddress', () => {
  it('drops credentials, query and fragment', () => {
    expect(displayAddress('https://user:pass@api.example.com/v1/?key=abc#frag')).toBe('https://api.example.com/v1/');
    expect(displayAddress('http://localhost:11434/')).toBe('http://localhost:11434');
    expect(displayAddress('nonsense')).toBe('(not a valid URL)');
  });
});
