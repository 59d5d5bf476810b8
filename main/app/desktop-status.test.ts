import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../preload/bridge-api.js';
import type { StatusDto } from '../../shared/control/contract.js';
import { loadConfig } from '../config/load.js';
import { Gateway, type GatewayStatus } from '../gateway/gateway.js';
import { loadAdapters } from '../gateway/providers/registry.js';
import { describeBudgetCheck, type BudgetCheck } from '../ledger/budgets.js';
import {
  budgetActionLookup,
  desktopStatusFromControl,
  desktopStatusFromGateway,
  parseBudgetDescription,
  switchedOfflineReason,
  type BudgetActionLookup,
} from './desktop-status.js';
import { StaticTokenVerifier } from '../secrets/token-verifier.js';

const app: AppStatus = {
  phase: 'running',
  gatewayUrl: 'http://127.0.0.1:5454/v1',
  message: null,
  configSource: null,
  inFlight: 0,
  providers: [
    {
      id: 'ollama',
      type: 'ollama',
      locality: 'local',
      address: 'http://127.0.0.1:11434',
      keySource: 'none needed',
      reachability: 'reachable',
      detail: '',
      latencyMs: 3,
    },
    {
      id: 'openai',
      type: 'openai-compatible',
      locality: 'cloud',
      address: 'https://api.openai.com/v1',
      keySource: 'env',
      reachability: 'reachable',
      detail: '',
      latencyMs: 90,
    },
  ],
  checkedAt: null,
};

const provider = {
  type: 'openai-compatible',
  baseUrl: 'https://example.invalid',
  locality: 'cloud' as const,
  keySource: 'env',
  keyRejected: false,
  lastError: undefined,
};

const gateway: GatewayStatus = {
  url: 'http://127.0.0.1:5454',
  configSource: undefined,
  inFlight: 0,
  routes: [],
  cooldowns: [],
  offline: 'no cloud provider is reachable',
  budgets: [
    { description: 'daily budget for all clients at $4.10 of $5.00', state: 'warning', fraction: 0.82 },
    { description: 'monthly budget for all clients reached $50.00 of $50.00', state: 'exceeded', fraction: 1 },
  ],
  providers: [
    { ...provider, id: 'ollama', reachable: undefined },
    { ...provider, id: 'openai', reachable: false },
    { ...provider, id: 'groq', reachable: undefined },
  ],
};

const noActions: BudgetActionLookup = () => null;

function budgetCheck(overrides: Partial<BudgetCheck>): BudgetCheck {
  return { scope: 'global', period: 'day', limitUsd: 5, spentUsd: 4.1, fraction: 0.82, state: 'warning', action: 'block', ...overrides };
}

describe('parseBudgetDescription', () => {
  it.each([
    [budgetCheck({}), 'daily budget for all clients', 'day', null],
    [budgetCheck({ period: 'month', spentUsd: 123.456, limitUsd: 100, state: 'exceeded', fraction: 1.23 }), 'monthly budget for all clients', 'month', null],
    [budgetCheck({ scope: 'client', clientTokenName: 'cursor at home', period: 'day' }), "daily budget for client 'cursor at home'", 'day', 'cursor at home'],
    [
      budgetCheck({
        scope: 'client',
        clientTokenName: 'aider',
        period: 'month',
        limitUsd: 0,
        spentUsd: 0,
        fraction: Number.POSITIVE_INFINITY,
        state: 'exceeded',
      }),
      "monthly budget for client 'aider'",
      'month',
      'aider',
    ],
  ])('finds the limit in the ledger’s own wording (%#)', (check, key, period, client) => {
    expect(parseBudgetDescription(describeBudgetCheck(check))).toEqual({ key, period, client });
  });

  it('keeps the same key as the spend grows', () => {
    const at = (spentUsd: number): string => parseBudgetDescription(describeBudgetCheck(budgetCheck({ spentUsd }))).key;
    expect(at(4.1)).toBe(at(4.9));
  });

  it('falls back to the whole text for a wording it does not know', () => {
    expect(parseBudgetDescription('something else')).toEqual({ key: 'something else', period: null, client: null });
  });
});

describe('budgetActionLookup', () => {
  it('finds the action of each period, globally and per client', () => {
    const lookup = budgetActionLookup({
      daily: { limitUsd: 5, action: 'block' },
      monthly: { limitUsd: 50, action: 'downgrade-local' },
      perClient: { aider: { daily: { limitUsd: 1, action: 'downgrade-local' } } },
    });
    expect([
      lookup('day', null),
      lookup('month', null),
      lookup('day', 'aider'),
      lookup('month', 'aider'),
      lookup('day', 'unknown'),
      lookup(null, null),
    ]).toEqual(['block', 'downgrade-local', 'downgrade-local', null, null, null]);
    expect(budgetActionLookup(undefined)('day', null)).toBeNull();
  });
});

describe('desktopStatusFromGateway', () => {
  it('takes health from the gateway first and from the last check otherwise', () => {
    const status = desktopStatusFromGateway(app, gateway, { offlineSwitch: undefined, budgetAction: noActions });
    expect(status.providers).toEqual([
      { id: 'ollama', up: true },
      { id: 'openai', up: false },
      { id: 'groq', up: null },
    ]);
  });

  it('tells automatic offline from the switch, and carries the budgets with the config’s action per period', () => {
    const status = desktopStatusFromGateway(app, gateway, {
      offlineSwitch: undefined,
      budgetAction: (period) => (period === 'day' ? 'block' : 'downgrade-local'),
    });
    expect(status.offline).toEqual({ reason: 'no cloud provider is reachable', automatic: true });
    expect(status.budgets.map((budget) => [budget.key, budget.period, budget.state, budget.action])).toEqual([
      ['daily budget for all clients', 'day', 'warning', 'block'],
      ['monthly budget for all clients', 'month', 'exceeded', 'downgrade-local'],
    ]);
    expect(status.today).toBeNull();
    expect(desktopStatusFromGateway(app, { ...gateway, offline: switchedOfflineReason }, { offlineSwitch: true, budgetAction: noActions }).offline).toEqual({
      reason: switchedOfflineReason,
      automatic: false,
    });
  });

  it('reports nothing about offline or budgets while the gateway is not running', () => {
    const status = desktopStatusFromGateway({ ...app, phase: 'stopping' }, gateway, { offlineSwitch: undefined, budgetAction: noActions });
    expect([status.offline, status.budgets]).toEqual([null, []]);
    expect(
      desktopStatusFromGateway({ ...app, phase: 'starting', gatewayUrl: null }, undefined, { offlineSwitch: undefined, budgetAction: noActions }).providers,
    ).toEqual([]);
  });

  it('recognises the reason the real gateway gives for its switch', async () => {
    const config = loadConfig({ path: undefined, env: {} });
    await loadAdapters(config.providers);
    const real = new Gateway({ config, tokens: new StaticTokenVerifier([]), env: {} });
    real.setOffline(true);
    expect(real.status().offline).toBe(switchedOfflineReason);
    real.setOffline(undefined);
    expect(real.status().offline).not.toBe(switchedOfflineReason);
  });
});

describe('desktopStatusFromControl', () => {
  it('adds today’s spend and savings, and the switch from the settings', () => {
    const dto: StatusDto = {
      url: 'http://127.0.0.1:5454',
      version: '0.1.0',
      configSource: null,
      inFlight: 0,
      offline: switchedOfflineReason,
      providers: [
        {
          id: 'openai',
          type: 'openai-compatible',
          label: 'OpenAI',
          baseUrl: 'https://api.openai.com/v1',
          locality: 'cloud',
          keySource: 'env',
          reachable: true,
          keyRejected: false,
          lastError: null,
        },
      ],
      routes: [],
      cooldowns: [],
      budgets: [{ description: 'daily budget for all clients at $4.10 of $5.00', state: 'warning', fraction: 0.82 }],
      today: { costUsd: 4.1, requests: 80, savedUsd: 2.2 },
      ledger: { queued: 0, written: 80, dropped: 0, lastError: null },
    };
    const status = desktopStatusFromControl(app, dto, { offline: true }, () => 'downgrade-local');
    expect(status).toMatchObject({
      gatewayUrl: 'http://127.0.0.1:5454/v1',
      providers: [{ id: 'openai', up: true }],
      offline: { reason: switchedOfflineReason, automatic: false },
      offlineSwitch: true,
      today: { costUsd: 4.1, savedUsd: 2.2, requests: 80 },
      budgets: [{ key: 'daily budget for all clients', period: 'day', state: 'warning', action: 'downgrade-local' }],
    });
  });
});
