// Builds the renderer (renderer/ → dist/renderer/). Relative asset URLs (base './') let the same build load from
// file:// in the desktop app and from /_switchyard/ when the gateway serves it in headless mode.
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicyMeta } from './shared/content-security-policy.js';

/**
 * Puts the CSP <meta> right after <meta charset>, ahead of every script and stylesheet it governs. The dev
 * server gets its looser policy as a header from the desktop app instead (React Refresh needs inline script).
 */
function contentSecurityPolicyTag(): Plugin {
  const anchor = '<meta charset="UTF-8" />';
  return {
    name: 'switchyard-content-security-policy',
    apply: 'build',
    transformIndexHtml(html) {
      if (!html.includes(anchor)) throw new Error(`renderer/index.html must contain ${anchor}: the CSP <meta> goes right after it`);
      const content = contentSecurityPolicyMeta().replaceAll('&', '&amp;').replaceAll('"', '&quot;');
      return html.replace(anchor, `${anchor}\n    <meta http-equiv="Content-Security-Policy" content="${content}" />`);
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), contentSecurityPolicyTag()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    // the window runs a current Chromium; headless mode is for current browsers too
    target: 'es2023',
    // no inline data: scripts or fonts sneaking past the CSP: assets are always files
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
  },
});
