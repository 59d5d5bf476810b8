import { describe, expect, it } from 'vitest';
import { mainWindowOptions, windowBackground } from './window-options.js';

describe('mainWindowOptions', () => {
  const options = mainWindowOptions({
    preloadPath: '/app/dist/preload/index.cjs',
    iconPath: '/app/resources/icons/icon.png',
    dark: false,
    allowDevTools: false,
  });
  const preferences = options.webPreferences ?? {};

  it('isolates and sandboxes the page, with no Node in any frame or worker', () => {
    expect(preferences.contextIsolation).toBe(true);
    expect(preferences.sandbox).toBe(true);
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.nodeIntegrationInWorker).toBe(false);
    expect(preferences.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and the risky features off', () => {
    expect(preferences.webSecurity).toBe(true);
    expect(preferences.allowRunningInsecureContent).toBe(false);
    expect(preferences.webviewTag).toBe(false);
    expect(preferences.experimentalFeatures).toBe(false);
    expect(preferences.enableBlinkFeatures).toBe('');
    expect(preferences.navigateOnDragDrop).toBe(false);
  });

  it('loads the compiled CommonJS preload', () => {
    expect(preferences.preload).toBe('/app/dist/preload/index.cjs');
  });

  it('turns developer tools off unless allowed', () => {
    expect(preferences.devTools).toBe(false);
    expect(mainWindowOptions({ preloadPath: '/p.cjs', dark: false, allowDevTools: true }).webPreferences?.devTools).toBe(true);
  });

  it('waits for the first paint and uses the theme background', () => {
    expect(options.show).toBe(false);
    expect(options.backgroundColor).toBe(windowBackground.light);
    expect(mainWindowOptions({ preloadPath: '/p.cjs', dark: true, allowDevTools: false }).backgroundColor).toBe(windowBackground.dark);
  });

  it('sets the icon only when given', () => {
    expect(options.icon).toBe('/app/resources/icons/icon.png');
    expect('icon' in mainWindowOptions({ preloadPath: '/p.cjs', dark: false, allowDevTools: false })).toBe(false);
  });
});
