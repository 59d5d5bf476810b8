// The sandboxed preload. Sandboxed preloads must be CommonJS and can require only 'electron', so this file stands
// alone. It exposes one named function per control call and nothing generic: each function is bound to its own
// channel, so the page can never choose one. The call names are repeated here (the contract cannot be imported at
// run time); preload/index.test.ts checks they are exactly the contract's.
// TypeScript's CommonJS import form; ESM syntax is not allowed in a .cts under verbatimModuleSyntax.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload must be CommonJS
import electron = require('electron');
import type { AppStatus, BridgeChannels, ControlBridge, SwitchyardBridge } from './bridge-api.js';

// Typed against BridgeChannels, so a channel renamed in main and not here fails to compile.
const channels: BridgeChannels = { getStatus: 'switchyard:get-status' };

// Typed as the bridge's keys: a name unknown to the contract fails to compile; one missing fails index.test.ts.
const controlCallNames: ReadonlyArray<keyof ControlBridge> = [
  'status.get',
  'gateway.reload',
  'providers.list',
  'providers.presets',
  'providers.add',
  'providers.update',
  'providers.remove',
  'providers.test',
  'providers.models',
  'providers.discover',
  'providers.environmentKeys',
  'providers.importEnvironmentKey',
  'keys.set',
  'keys.delete',
  'routes.list',
  'routes.save',
  'routes.delete',
  'tokens.list',
  'tokens.create',
  'tokens.revoke',
  'usage.totals',
  'usage.series',
  'usage.breakdown',
  'usage.errors',
  'usage.latency',
  'usage.log',
  'usage.detail',
  'usage.captures.purge',
  'budgets.get',
  'budgets.set',
  'settings.get',
  'settings.set',
  'limits.get',
  'limits.set',
  'privacy.get',
  'privacy.set',
  'privacy.test',
  'cache.clear',
  'usage.guard',
  'firstRun.get',
  'firstRun.finish',
  'playground.sets.list',
  'playground.sets.save',
  'playground.sets.delete',
  'playground.history.list',
  'playground.history.get',
  'playground.history.save',
  'playground.history.delete',
  'playground.vote',
  'playground.leaderboard',
  'connect.tools',
  'connect.preview',
  'connect.apply',
  'connect.check',
];

/** One function for one call: only the first argument travels (the request; `{}` when left out). */
function controlFunction(call: keyof ControlBridge): (request?: unknown) => Promise<unknown> {
  const channel = `switchyard:${call}`;
  return (request?: unknown) => electron.ipcRenderer.invoke(channel, request === undefined ? {} : request);
}

const control: Record<string, (request?: unknown) => Promise<unknown>> = {};
for (const call of controlCallNames) control[call] = controlFunction(call);

const bridge = {
  ...(control as unknown as ControlBridge),
  getStatus: (): Promise<AppStatus> => electron.ipcRenderer.invoke(channels.getStatus),
} satisfies SwitchyardBridge;

electron.contextBridge.exposeInMainWorld('switchyard', bridge);
