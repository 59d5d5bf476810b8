import { describe, expect, it } from 'vitest';
import { contentSecurityPolicyHeader, contentSecurityPolicyMeta, desktopGatewaySources, withContentSecurityPolicy } from './content-security-policy.js';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('production policy', () => {
  const header = directives(contentSecurityPolicyHeader());
  const desktopHeader = directives(contentSecurityPolicyHeader({ desktop: true }));
  const meta = directives(contentSecurityPolicyMeta());

  it('denies by default and allows scripts and styles only from the page itself', () => {
    for (const policy of [header, desktopHeader, meta]) {
      expect(policy.get('default-src')).toEqual(["'none'"]);
      expect(policy.get('script-src')).toEqual(["'self'"]);
      expect(policy.get('style-src')).toEqual(["'self'"]);
      expect(policy.get('img-src')).toEqual(["'self'", 'data:']);
      expect(policy.get('object-src')).toEqual(["'none'"]);
      expect(policy.get('base-uri')).toEqual(["'none'"]);
      expect(policy.get('form-action')).toEqual(["'none'"]);
    }
  });

  it('lets the page fetch from itself, and the desktop page from the gateway on loopback only (the playground)', () => {
    expect(header.get('connect-src')).toEqual(["'self'"]);
    expect(meta.get('connect-src')).toEqual(["'self'", 'http://127.0.0.1:*', 'http://localhost:*']);
    expect(desktopHeader.get('connect-src')).toEqual(meta.get('connect-src'));
  });

  it('has no inline script, eval, wildcard or remote source anywhere (loopback fetches aside)', () => {
    for (const policy of [contentSecurityPolicyHeader(), contentSecurityPolicyHeader({ desktop: true }), contentSecurityPolicyMeta()]) {
      const rest = desktopGatewaySources.reduce((text, source) => text.replaceAll(` ${source}`, ''), policy);
      expect(rest).not.toMatch(/unsafe-inline|unsafe-eval|wasm-unsafe-eval|\*|https?:|blob:/);
    }
  });

  it('carries frame-ancestors only in the header, where browsers honour it', () => {
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
    expect(meta.has('frame-ancestors')).toBe(false);
  });
});

describe('dev server policy', () => {
  it('loosens only what Vite needs, for its own origin', () => {
    const policy = directives(contentSecurityPolicyHeader({ devServerOrigin: 'http://127.0.0.1:5173' }));
    expect(policy.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(policy.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:5173']);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(contentSecurityPolicyHeader({ devServerOrigin: 'http://127.0.0.1:5173' })).not.toContain('unsafe-eval');
  });
});

describe('withContentSecurityPolicy', () => {
  it('replaces a server-sent policy whatever its spelling and keeps other headers', () => {
    const headers = withContentSecurityPolicy({ 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] }, "default-src 'none'");
    expect(headers).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': ["default-src 'none'"] });
  });

  it('adds the policy when the response had no headers', () => {
    expect(withContentSecurityPolicy(undefined, "default-src 'none'")).toEqual({ 'Content-Security-Policy': ["default-src 'none'"] });
  });
});
