import { describe, expect, it } from 'vitest';
import { decideNavigation, decideWindowOpen, externalUrl } from './navigation.js';
import type { RendererSource } from './renderer-source.js';

const source: RendererSource = { kind: 'file', url: 'file:///app/dist/renderer/index.html' };

describe('externalUrl', () => {
  it('returns normalised https URLs', () => {
    expect(externalUrl('https://platform.openai.com/api-keys')).toBe('https://platform.openai.com/api-keys');
    expect(externalUrl('HTTPS://Example.COM')).toBe('https://example.com/');
  });

  it.each([
    'http://example.com/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'smb://attacker/share',
    'ms-settings:privacy',
    'https://user:password@example.com/',
    '//example.com/',
    'example.com',
    '',
  ])('refuses %s', (candidate) => {
    expect(externalUrl(candidate)).toBeUndefined();
  });
});

describe('decideNavigation', () => {
  it('allows the app page itself (in-page routes)', () => {
    expect(decideNavigation('file:///app/dist/renderer/index.html#/logs', source)).toEqual({ action: 'allow' });
  });

  it('sends https links to the browser instead of navigating', () => {
    expect(decideNavigation('https://ollama.com/library', source)).toEqual({ action: 'open-externally', url: 'https://ollama.com/library' });
  });

  it('denies everything else', () => {
    expect(decideNavigation('http://127.0.0.1:5454/v1/models', source)).toEqual({ action: 'deny' });
    expect(decideNavigation('file:///home/me/.ssh/id_rsa', source)).toEqual({ action: 'deny' });
    expect(decideNavigation('javascript:alert(1)', source)).toEqual({ action: 'deny' });
  });
});

describe('decideWindowOpen', () => {
  it('never opens an app window; https goes to the browser', () => {
    expect(decideWindowOpen('https://openrouter.ai/keys')).toEqual({ action: 'open-externally', url: 'https://openrouter.ai/keys' });
    expect(decideWindowOpen('file:///app/dist/renderer/index.html')).toEqual({ action: 'deny' });
    expect(decideWindowOpen('about:blank')).toEqual({ action: 'deny' });
  });
});
