// dispatchControlCall: requests parsed with the contract (a 400 naming the field), answers checked against it,
// errors mapped to statuses without stack traces, and — with a canary key stored — no piece of a secret in any
// answer of any call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlCalls, type ControlApi } from '../../shared/control/contract.js';
import { registerSecret } from '../../shared/redact.js';
import { canaryKey, findLeaks, type Scanned } from '../../test/support/secret-scan.js';
import { startControlHarness, type ControlHarness } from '../../test/support/control-harness.js';
import { ConfigError } from '../config/load.js';
import { SecretStoreError } from '../secrets/secret-store.js';
import { dispatchControlCall } from './dispatch.js';
import { ControlError } from './errors.js';

/** A service whose every call throws `error` (or answers `value`), to drive the error mapping. */
function apiAnswering(answer: () => unknown): ControlApi {
  return Object.fromEntries(controlCalls.map((call) => [call, async () => answer()])) as unknown as ControlApi;
}

const range = { from: 0, to: 1 };

describe('dispatchControlCall: requests', () => {
  const api = apiAnswering(() => ({ deleted: true }));

  it('an unknown call is a 404', async () => {
    expect(await dispatchControlCall(api, 'routes.destroy', {})).toEqual({
      ok: false,
      status: 404,
      error: { error: { call: 'routes.destroy', message: "no such control call: 'routes.destroy'", code: 'unknown_call', field: null } },
    });
    expect((await dispatchControlCall(api, '__proto__', {})).ok).toBe(false);
    expect((await dispatchControlCall(api, 'toString', {})).ok).toBe(false);
  });

  it.each([
    ['routes.save', { name: 'x', targets: [{ model: 'no-slash', tier: 0 }] }, 'targets[0].model'],
    ['routes.save', { name: 'x/y', targets: [{ model: 'a/b', tier: 0 }] }, 'name'],
    ['routes.delete', { name: 'x', force: true }, 'force'],
    ['usage.totals', {}, 'range'],
    ['usage.totals', { range: { from: 5, to: 1 } }, 'range'],
    ['usage.log', { range, limit: 5000 }, 'limit'],
    ['keys.set', { providerId: 'openai', key: 42 }, 'key'],
    ['settings.set', { port: 70_000 }, 'port'],
  ])('%s with a bad request is a 400 naming the field (%j)', async (call, request, field) => {
    const result = await dispatchControlCall(api, call, request);
    expect(result).toMatchObject({ ok: false, status: 400, error: { error: { call, code: 'invalid_request', field } } });
    if (!result.ok) expect(result.error.error.message.startsWith(`${field}: `)).toBe(true);
  });

  it('a request that is not an object is a 400; a missing one counts as {}', async () => {
    expect(await dispatchControlCall(api, 'routes.delete', 'smart')).toMatchObject({ ok: false, status: 400 });
    expect(await dispatchControlCall(api, 'routes.delete', [])).toMatchObject({ ok: false, status: 400 });
    expect(
      await dispatchControlCall(
        apiAnswering(() => []),
        'routes.list',
        undefined,
      ),
    ).toEqual({ ok: true, value: [] });
  });
});

describe('dispatchControlCall: answers and errors', () => {
  it('an answer is checked against the contract and stripped of fields it does not declare', async () => {
    const answer = await dispatchControlCall(
      apiAnswering(() => ({ deleted: true, internal: 'not for the page' })),
      'routes.delete',
      { name: 'x' },
    );
    expect(answer).toEqual({ ok: true, value: { deleted: true } });
    const log: string[] = [];
    const wrong = await dispatchControlCall(
      apiAnswering(() => ({ deleted: 'yes' })),
      'routes.delete',
      { name: 'x' },
      (line) => log.push(line),
    );
    expect(wrong).toMatchObject({ ok: false, status: 500, error: { error: { code: 'invalid_response' } } });
    expect(log.join('\n')).toContain('routes.delete');
  });

  it.each([
    ['ControlError', new ControlError(409, 'conflict', 'exists already', 'id'), 409, 'conflict', 'id'],
    ['ConfigError', new ConfigError('/x/config.yaml', ["routes.a.targets[0]: 'q/m' names no configured provider"]), 400, 'invalid_config', null],
    ['SecretStoreError', new SecretStoreError('the keychain is locked'), 503, 'keychain_unavailable', null],
  ])('%s becomes its status and code', async (_kind, error, status, code, field) => {
    const result = await dispatchControlCall(
      apiAnswering(() => {
        throw error;
      }),
      'status.get',
      {},
    );
    expect(result).toMatchObject({ ok: false, status, error: { error: { call: 'status.get', code, field } } });
  });

  it('anything else is a 500 without a stack trace or a path; the log gets the detail', async () => {
    const log: string[] = [];
    const result = await dispatchControlCall(
      apiAnswering(() => {
        throw new TypeError('cannot read x of undefined at /home/someone/switchyard/main/control/routes.ts:12');
      }),
      'routes.list',
      {},
      (line) => log.push(line),
    );
    expect(result).toEqual({
      ok: false,
      status: 500,
      error: { error: { call: 'routes.list', message: 'internal error in Switchyard (see its log)', code: 'internal_error', field: null } },
    });
    expect(log.join('\n')).toContain('TypeError');
  });

  it('error messages are redacted', async () => {
    const secret = 'sk-live-Zq81mN0pQ7rS2tU4vW6xY8';
    registerSecret(secret);
    const result = await dispatchControlCall(
      apiAnswering(() => {
        throw new ControlError(502, 'upstream_error', `upstream said: bad key ${secret} (${secret.slice(8, 20)})`);
      }),
      'providers.models',
      { id: 'x' },
    );
    expect(JSON.stringify(result)).not.toContain(secret.slice(8, 14));
  });
});

describe('no secret in any answer (canary)', () => {
  const canary = canaryKey();
  const second = canaryKey();
  let harness: ControlHarness;

  beforeAll(async () => {
    // the fake wants another key: it answers 401 echoing the canary it was sent, masked its own way
    harness = await startControlHarness({
      config: 'providers:\n  - id: ollama\nledger:\n  price_refresh: false\n',
      upstreamKey: 'sk-the-upstream-wants-this-one-0000',
    });
  });

  afterAll(async () => {
    await harness.stop();
  });

  it('keys.set, providers.add/list/test/models, status and every other read return no 6-character piece of a stored key', async () => {
    const api = harness.booted.control;
    const answers: Scanned[] = [];
    const call = async (name: string, request: unknown = {}): Promise<unknown> => {
      const result = await dispatchControlCall(api, name, request);
      answers.push({
        where: `${name} ${JSON.stringify(request).replaceAll(canary, '<canary>').replaceAll(second, '<second>')}`,
        content: JSON.stringify(result),
      });
      return result;
    };
    await call('providers.add', { id: 'cloud', type: 'openai-compatible', baseUrl: harness.upstream.baseUrl, locality: 'cloud', key: canary });
    await call('keys.set', { providerId: 'cloud', key: second, append: true });
    await call('keys.set', { providerId: 'openai', key: canary, append: false });
    await call('routes.save', { name: 'smart', targets: [{ model: 'cloud/gpt-4o-mini', tier: 0 }] });
    expect((await harness.chat('smart')).status).toBe(401); // the upstream refused, echoing the key
    for (const name of ['providers.list', 'status.get', 'routes.list', 'settings.get', 'budgets.get', 'tokens.list', 'providers.presets']) await call(name);
    await call('providers.test', { id: 'cloud' });
    await call('providers.models', { id: 'cloud' });
    await call('usage.log', { range: { from: 0, to: Date.now() + 60_000 } });
    await call('keys.delete', { providerId: 'cloud', index: 1 });
    await call('keys.set', { providerId: 'cloud', key: 'x' });
    const all = answers.map((answer) => answer.content).join('\n');
    expect(all).toContain('"ok":true');
    expect(all).toContain(`…${canary.slice(-4)}`); // masked: at most the last four characters
    expect(findLeaks(answers, [canary, second])).toEqual([]);
  });
});
