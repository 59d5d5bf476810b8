// `window.switchyard` exists only inside the desktop app (the preload puts it there); in a plain browser, where
// the gateway serves this UI in headless mode, it is absent and the UI must say so rather than break.
import type { SwitchyardBridge } from '../../preload/bridge-api.js';

declare global {
  interface Window {
    readonly switchyard?: SwitchyardBridge;
  }
}
