// formatStatus: what `switchyard status` prints, budgets included.
import { describe, expect, it } from 'vitest';
import { formatStatus } from './admin.js';
import type { GatewayStatus } from '../gateway/gateway.js';

const status: GatewayStatus = {
  url: 'http://127.0.0.1:5454',
  configSource: '/home/someone/.config/switchyard/config.yaml',
  providers: [],
  routes: [],
  cooldowns: [],
  offline: undefined,
  inFlight: 0,
  budgets: [],
};

describe('formatStatus', () => {
  it('says when no budget is configured', () => {
    expect(formatStatus(status)).toContain('budgets: none');
  });

  it('prints each budget with its state and share of the limit (a zero limit has no share)', () => {
    const text = formatStatus({
      ...status,
      budgets: [
        { description: 'daily budget for all clients at $0.90 of $1.00', state: 'warning', fraction: 0.9 },
        { description: 'monthly budget for all clients reached $3.00 of $0.00', state: 'exceeded', fraction: Number.POSITIVE_INFINITY },
      ],
    });
    expect(text).toContain(
      'budgets:\n  daily budget for all clients at $0.90 of $1.00: warning (90%)\n  monthly budget for all clients reached $3.00 of $0.00: exceeded\nroutes:',
    );
  });
});

describe('formatStatus in team mode', () => {
  it('says where limits and budgets are shared, and when this replica fell back to its own counters', () => {
    const shared = formatStatus({ ...status, sharedState: { backend: 'redis', replicas: 2, url: 'redis://***@10.0.0.5:6379', detail: '' } });
    expect(shared).toContain('offline:   no\nstate:     shared in redis://***@10.0.0.5:6379, 2 replica(s)\nproviders:');
    const fallback = formatStatus({
      ...status,
      sharedState: { backend: 'local_fallback', replicas: 2, url: 'redis://10.0.0.5', detail: 'Redis unreachable: limits ÷ 2' },
    });
    expect(fallback).toContain('state:     LOCAL FALLBACK (Redis unreachable: limits ÷ 2)');
    expect(formatStatus(status)).not.toContain('state:');
  });
});

describe('formatStatus with client tokens in PostgreSQL', () => {
  it('says whether the shared tokens are current or the last set read', () => {
    expect(formatStatus({ ...status, clientTokens: { state: 'live', detail: '3 active, shared in PostgreSQL' } })).toContain(
      'tokens:    3 active, shared in PostgreSQL\nproviders:',
    );
    expect(formatStatus({ ...status, clientTokens: { state: 'stale', detail: 'PostgreSQL unreachable since …' } })).toContain(
      'tokens:    STALE (PostgreSQL unreachable since …)',
    );
    expect(formatStatus(status)).not.toContain('tokens:');
  });
});
