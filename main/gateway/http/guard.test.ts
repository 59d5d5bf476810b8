import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { digest, lazyDigest } from '../../secrets/token-digest.js';
import { presentedToken } from './auth.js';
import { RequestGuard } from './guard.js';
import { StaticTokenVerifier } from '../../secrets/token-verifier.js';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('RequestGuard', () => {
  const guard = new RequestGuard({ port: 5454, host: '127.0.0.1', allowedHosts: [], allowedOrigins: ['http://localhost:3000'] });

  it('accepts exactly the loopback names with the right port', () => {
    for (const host of ['127.0.0.1:5454', 'localhost:5454', 'LOCALHOST:5454', '[::1]:5454']) expect(guard.hostAllowed(request({ host }))).toBe(true);
    for (const host of ['127.0.0.1', '127.0.0.1:5455', 'evil.com:5454', 'localhost.evil.com:5454', '127.0.0.1.nip.io:5454', '', 'localhost:5454 ']) {
      expect(guard.hostAllowed(request({ host }))).toBe(false);
    }
    expect(guard.hostAllowed(request({}))).toBe(false);
  });

  it('adds the bind address and configured names when bound elsewhere', () => {
    const lan = new RequestGuard({ port: 80, host: '192.168.1.10', allowedHosts: ['box.local'], allowedOrigins: [] });
    expect(lan.hostAllowed(request({ host: '192.168.1.10' }))).toBe(true);
    expect(lan.hostAllowed(request({ host: 'box.local:80' }))).toBe(true);
    expect(lan.hostAllowed(request({ host: 'other.local' }))).toBe(false);
  });

  it('admits an allowed_hosts name with the gateway port or none (behind a TLS proxy), and a named port exactly', () => {
    const team = new RequestGuard({
      port: 5454,
      host: '127.0.0.1',
      allowedHosts: ['LLM.example.com', 'proxy.test:8443', '[fd00::1]:8443'],
      allowedOrigins: [],
    });
    for (const host of ['llm.example.com', 'llm.example.com:5454', 'proxy.test:8443', '[fd00::1]:8443', '127.0.0.1:5454']) {
      expect(team.hostAllowed(request({ host }))).toBe(true);
    }
    for (const host of ['llm.example.com:8443', 'proxy.test', 'proxy.test:5454', 'llm.example.com.evil.com', 'evil.com', '127.0.0.1', '[fd00::1]']) {
      expect(team.hostAllowed(request({ host }))).toBe(false);
    }
  });

  it("takes the page's own origin (http or https on the request's Host) and no other", () => {
    const team = new RequestGuard({ port: 5454, host: '127.0.0.1', allowedHosts: ['llm.example.com'], allowedOrigins: [] });
    const from = (host: string, origin: string): boolean | undefined => team.originAllowed(request({ host, origin }));
    expect(from('llm.example.com', 'https://llm.example.com')).toBe(true);
    expect(from('llm.example.com', 'HTTPS://LLM.example.com')).toBe(true);
    expect(from('llm.example.com:5454', 'http://llm.example.com:5454')).toBe(true);
    expect(from('127.0.0.1:5454', 'http://127.0.0.1:5454')).toBe(true);
    for (const origin of [
      'https://evil.example',
      'https://llm.example.com:5454',
      'https://llm.example.com.evil.com',
      'wss://llm.example.com',
      'null',
      'https://llm.example.com/',
    ]) {
      expect(from('llm.example.com', origin)).toBe(false);
    }
    // the page's own origin is answered without CORS headers: it needs none
    expect(team.corsHeaders(request({ host: 'llm.example.com', origin: 'https://llm.example.com' }))).toEqual({});
  });

  it('refuses foreign browser origins and never reflects them', () => {
    expect(guard.originAllowed(request({}))).toBeUndefined();
    expect(guard.originAllowed(request({ origin: 'http://localhost:3000' }))).toBe(true);
    expect(guard.originAllowed(request({ origin: 'http://127.0.0.1:5454' }))).toBe(true);
    for (const origin of ['https://evil.com', 'null', 'http://localhost:3001', 'http://localhost:3000.evil.com']) {
      expect(guard.originAllowed(request({ origin }))).toBe(false);
      expect(guard.corsHeaders(request({ origin }))).toEqual({});
    }
    expect(guard.corsHeaders(request({ origin: 'http://localhost:3000' }))).toMatchObject({
      'access-control-allow-origin': 'http://localhost:3000',
      vary: 'Origin',
    });
  });

  it('lets an allowed page read the routing headers, and answers Origin null only through the playground helper', () => {
    expect(guard.corsHeaders(request({ origin: 'http://localhost:3000' }))['access-control-expose-headers']).toContain('x-switchyard-provider');
    expect(guard.corsHeaders(request({ origin: 'null' }))).toEqual({});
    expect(guard.playgroundCorsHeaders()).toMatchObject({ 'access-control-allow-origin': 'null', vary: 'Origin' });
    expect(guard.playgroundCorsHeaders()['access-control-expose-headers']).toContain('x-switchyard-request-id');
  });
});

describe('client tokens', () => {
  it('reads Bearer, x-api-key and x-goog-api-key the same way', () => {
    expect(presentedToken(request({ authorization: 'Bearer abc' }))).toBe('abc');
    expect(presentedToken(request({ authorization: 'bearer   abc' }))).toBe('abc');
    expect(presentedToken(request({ 'x-api-key': 'abc' }))).toBe('abc');
    expect(presentedToken(request({ 'x-goog-api-key': 'abc' }))).toBe('abc');
    expect(presentedToken(request({ authorization: 'Basic abc' }))).toBeUndefined();
    expect(presentedToken(request({}))).toBeUndefined();
  });

  it('verifies against every token and names the match', () => {
    const verifier = new StaticTokenVerifier([
      { name: 'default', token: 'sy-one' },
      { name: 'env', token: 'sy-two' },
    ]);
    expect(verifier.verify('sy-one')).toEqual({ name: 'default' });
    expect(verifier.verify('sy-two')).toEqual({ name: 'env' });
    expect(verifier.verify('sy-on')).toBeUndefined();
    expect(verifier.verify('sy-one!')).toBeUndefined();
    expect(verifier.verify('sy-ONE')).toBeUndefined();
    expect(verifier.verify('')).toBeUndefined();
    // multi-byte characters are compared as their UTF-8 bytes
    expect(new StaticTokenVerifier([{ name: 'unicode', token: 'sy-ü' }]).verify('sy-ü')).toEqual({ name: 'unicode' });
    expect(new StaticTokenVerifier([{ name: 'unicode', token: 'sy-ü' }]).verify('sy-u')).toBeUndefined();
  });

  it("makes a presented token's digest on first use, then gives the same one back", () => {
    const digestOf = lazyDigest('sy-one');
    expect(digestOf().equals(digest('sy-one'))).toBe(true);
    expect(digestOf()).toBe(digestOf());
  });
});
