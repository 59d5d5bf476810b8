// connect.* through the control dispatch, against a core booted in-process with a temporary HOME: the tool list,
// preview (nothing written), apply (the tool's token made once), the check through the gateway (filed under the
// tool's token), and the errors a UI shows: an unknown tool, a file that cannot be edited, no HOME at all.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startControlHarness, type ControlHarness } from '../../test/support/control-harness.js';
import { dispatchControlCall } from './dispatch.js';

const config = `providers:
  - id: cloud
    type: openai-compatible
    base_url: {upstream}
    locality: cloud
routes:
  smart: { targets: [cloud/gpt-4o-mini] }
ledger:
  price_refresh: false
`;

let harness: ControlHarness | undefined;
let home: string | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  if (home) rmSync(home, { recursive: true, force: true });
  home = undefined;
});

async function start(env: NodeJS.ProcessEnv): Promise<ControlHarness> {
  harness = await startControlHarness({ config, env });
  return harness;
}

describe('connect.* control calls', () => {
  it('lists, previews, applies and checks a tool in the HOME the service was given', async () => {
    home = mkdtempSync(join(tmpdir(), 'sy-connect-home-'));
    const { booted } = await start({ HOME: home });
    const call = (name: string, request: unknown) => dispatchControlCall(booted.control, name, request);

    const tools = await call('connect.tools', {});
    expect(tools.ok).toBe(true);
    expect((tools as { value: Array<{ id: string; configPath: string | null; kind: string }> }).value.find((tool) => tool.id === 'aider')).toMatchObject({
      configPath: join(home, '.aider.conf.yml'),
      kind: 'config-file',
    });

    const preview = await call('connect.preview', { tool: 'aider' });
    expect(preview).toMatchObject({
      ok: true,
      value: { model: 'smart', models: ['smart'], tokenName: 'aider', files: [{ path: join(home, '.aider.conf.yml'), exists: false }] },
    });

    const applied = await call('connect.apply', { tool: 'aider' });
    expect(applied).toMatchObject({
      ok: true,
      value: { tokenName: 'aider', tokenCreated: true, written: [{ path: join(home, '.aider.conf.yml'), backup: null }] },
    });
    expect(readFileSync(join(home, '.aider.conf.yml'), 'utf8')).toContain(`openai-api-base: ${booted.gateway.url}/v1`);

    const check = await call('connect.check', { tool: 'aider' });
    expect(check).toMatchObject({ ok: true, value: { ok: true, provider: 'cloud', model: 'gpt-4o-mini', error: null } });
    expect((await booted.tokenStore.get('aider'))?.revokedAt).toBeNull();

    // a paste tool: apply makes its token and returns the snippet with it
    const pasted = await call('connect.apply', { tool: 'cursor', model: 'smart' });
    expect(pasted).toMatchObject({ ok: true, value: { written: [], tokenName: 'cursor', tokenCreated: true } });
    expect((pasted as { value: { snippet: string } }).value.snippet).toMatch(/OpenAI API Key: +sy-\S{40,}/);
  });

  it('answers an unknown tool with 404, an unreadable config file with 409, and refuses to guess a home directory', async () => {
    home = mkdtempSync(join(tmpdir(), 'sy-connect-home-'));
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'config.toml'), 'model = \n');
    const { booted } = await start({ HOME: home });
    expect(await dispatchControlCall(booted.control, 'connect.preview', { tool: 'vim' })).toMatchObject({
      ok: false,
      status: 404,
      error: { error: { code: 'not_found', field: 'tool' } },
    });
    const broken = await dispatchControlCall(booted.control, 'connect.apply', { tool: 'codex' });
    expect(broken).toMatchObject({
      ok: false,
      status: 409,
      error: { error: { code: 'config_file_not_editable', message: expect.stringContaining('not valid TOML') as unknown } },
    });
    expect(readFileSync(join(home, '.codex', 'config.toml'), 'utf8')).toBe('model = \n');
    expect(await booted.tokenStore.get('codex')).toBeUndefined(); // nothing made for a connection that did not happen
    expect(await dispatchControlCall(booted.control, 'connect.check', { tool: 'codex' })).toMatchObject({
      ok: true,
      value: { ok: false, error: expect.stringContaining('not connected yet') as unknown },
    });
    await harness?.stop();

    harness = await startControlHarness({ config, env: {} }); // a scrubbed environment: no HOME
    const answer = await dispatchControlCall(harness.booted.control, 'connect.tools', {});
    expect(answer).toMatchObject({ ok: false, status: 409, error: { error: { message: expect.stringContaining('HOME is not set') as unknown } } });
  });
});
