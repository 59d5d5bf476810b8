// `window.switchyard` exists only inside the desktop app, where the preload puts one function per control call on
// it; in a plain browser (headless mode) it is absent and the HTTP transport is used. Its shape is checked at run
// time (control/bridge-transport.ts), so it is typed loosely here.
declare global {
  interface Window {
    readonly switchyard?: unknown;
  }
}

export {};
