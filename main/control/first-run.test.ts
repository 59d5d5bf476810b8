// firstRun.get / firstRun.finish: the first-run screen is offered on a fresh install only, and finishing (or
// skipping) it is remembered in the ledger database, so it stays done across restarts of the core.
import { afterEach, describe, expect, it } from 'vitest';
import { startControlHarness, type ControlHarness } from '../../test/support/control-harness.js';

let harness: ControlHarness | undefined;

afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe('first run', () => {
  it('is pending on the built-in defaults, and done once finished', async () => {
    harness = await startControlHarness();
    const { control } = harness.booted;
    expect(await control['firstRun.get']({})).toEqual({ pending: true });
    expect(await control['firstRun.finish']({})).toEqual({ pending: false });
    expect(await control['firstRun.get']({})).toEqual({ pending: false });
  });

  it('is pending with a config file that names no providers', async () => {
    harness = await startControlHarness({ config: 'providers: []\nledger:\n  price_refresh: false\n' });
    expect(await harness.booted.control['firstRun.get']({})).toEqual({ pending: true });
  });

  it('is not offered to a user whose config already names providers', async () => {
    harness = await startControlHarness({
      config: 'providers:\n  - id: cloud\n    type: openai-compatible\n    base_url: {upstream}\nledger:\n  price_refresh: false\n',
    });
    expect(await harness.booted.control['firstRun.get']({})).toEqual({ pending: false });
  });
});
