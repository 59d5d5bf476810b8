import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAppPageUrl, resolveRendererSource, type RendererSource } from './renderer-source.js';

const indexPath = '/opt/Switchyard/resources/app.asar/dist/renderer/index.html';
const fileSource: RendererSource = { kind: 'file', url: pathToFileURL(indexPath).href };
const devSource: RendererSource = { kind: 'dev-server', url: 'http://localhost:5173/' };

describe('resolveRendererSource', () => {
  it('loads the built page from disk by default', () => {
    expect(resolveRendererSource({ isPackaged: false, env: {}, rendererIndexPath: indexPath })).toEqual(fileSource);
  });

  it('uses a loopback dev server in an unpackaged app', () => {
    const source = resolveRendererSource({
      isPackaged: false,
      env: { SWITCHYARD_RENDERER_URL: 'http://127.0.0.1:5173/some/path' },
      rendererIndexPath: indexPath,
    });
    expect(source).toEqual({ kind: 'dev-server', url: 'http://127.0.0.1:5173/' });
  });

  it('ignores the dev server variable in a packaged app', () => {
    expect(resolveRendererSource({ isPackaged: true, env: { SWITCHYARD_RENDERER_URL: 'http://localhost:5173/' }, rendererIndexPath: indexPath })).toEqual(
      fileSource,
    );
  });

  it.each([
    'https://localhost:5173/',
    'http://evil.example:5173/',
    'http://user:pw@localhost:5173/',
    'file:///etc/passwd',
    'not a url',
    'http://127.0.0.1.evil.example/',
  ])('refuses a dev server URL that is not loopback http: %s', (url) => {
    expect(() => resolveRendererSource({ isPackaged: false, env: { SWITCHYARD_RENDERER_URL: url }, rendererIndexPath: indexPath })).toThrow(
      /SWITCHYARD_RENDERER_URL/,
    );
  });
});

describe('isAppPageUrl', () => {
  it('accepts the built index.html, with or without query and fragment', () => {
    expect(isAppPageUrl(fileSource.url, fileSource)).toBe(true);
    expect(isAppPageUrl(`${fileSource.url}#/providers`, fileSource)).toBe(true);
    expect(isAppPageUrl(`${fileSource.url}?tab=logs`, fileSource)).toBe(true);
  });

  it('refuses any other file, even next to the page', () => {
    expect(isAppPageUrl(pathToFileURL('/opt/Switchyard/resources/app.asar/dist/renderer/other.html').href, fileSource)).toBe(false);
    expect(isAppPageUrl('file:///etc/passwd', fileSource)).toBe(false);
    expect(isAppPageUrl(`file://remote-host${new URL(fileSource.url).pathname}`, fileSource)).toBe(false);
  });

  it('refuses web pages for a file source', () => {
    expect(isAppPageUrl('https://example.com/dist/renderer/index.html', fileSource)).toBe(false);
    expect(isAppPageUrl('http://localhost:5173/', fileSource)).toBe(false);
  });

  it('accepts the dev server origin only, not another port or host', () => {
    expect(isAppPageUrl('http://localhost:5173/src/main.tsx', devSource)).toBe(true);
    expect(isAppPageUrl('http://localhost:5174/', devSource)).toBe(false);
    expect(isAppPageUrl('http://127.0.0.1:5173/', devSource)).toBe(false);
    expect(isAppPageUrl('https://localhost:5173/', devSource)).toBe(false);
  });

  it('treats garbage as foreign', () => {
    expect(isAppPageUrl('', fileSource)).toBe(false);
    expect(isAppPageUrl('javascript:alert(1)', devSource)).toBe(false);
  });
});
