// The sandboxed preload. Sandboxed preloads must be CommonJS and can require only 'electron', so this file stands
// alone. It exposes one named function per control call and nothing generic: no channel name crosses the bridge.
// TypeScript's CommonJS import form; ESM syntax is not allowed in a .cts under verbatimModuleSyntax.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a sandboxed preload must be CommonJS
import electron = require('electron');
import type { AppStatus, BridgeChannels, SwitchyardBridge } from './bridge-api.js';

// Typed against BridgeChannels, so a channel renamed in main and not here fails to compile.
const channels: BridgeChannels = { getStatus: 'switchyard:get-status' };

const bridge: SwitchyardBridge = {
  getStatus: (): Promise<AppStatus> => electron.ipcRenderer.invoke(channels.getStatus),
};

electron.contextBridge.exposeInMainWorld('switchyard', bridge);
