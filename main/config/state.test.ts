import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../shared/redact.js';
import { ConfigError, parseConfigText, resolveConfig } from './load.js';
import { maskedStateUrl, stateUrlPassword } from './state.js';

const resolve = (text: string, env: NodeJS.ProcessEnv = {}) => resolveConfig(parseConfigText(text, 'c.yaml'), { path: 'c.yaml', env });

describe('state (shared state in Redis)', () => {
  it('is absent unless state.url or SWITCHYARD_STATE_URL names a Redis', () => {
    expect(resolve('providers: []\n').state).toBeUndefined();
    expect(resolve('providers: []\nstate: { replicas: 3 }\n').state).toBeUndefined();
    expect(resolve('providers: []\nstate: { url: "redis://127.0.0.1:6379/2", replicas: 3 }\n').state).toEqual({
      url: 'redis://127.0.0.1:6379/2',
      replicas: 3,
      keyPrefix: 'switchyard',
      commandTimeoutMs: 250,
    });
  });

  it('takes the URL from SWITCHYARD_STATE_URL over the file, TLS included, and refuses anything but redis(s)://', () => {
    const env = { SWITCHYARD_STATE_URL: 'rediss://:s3cret-pass@cache.internal:6380' };
    expect(resolve('providers: []\nstate: { url: "redis://127.0.0.1:6379", key_prefix: team-a }\n', env).state).toMatchObject({
      url: 'rediss://:s3cret-pass@cache.internal:6380',
      keyPrefix: 'team-a',
    });
    expect(() => resolve('providers: []\nstate: { url: "http://127.0.0.1:6379" }\n')).toThrow(/state\.url: must be a redis:\/\/ or rediss:\/\/ URL/);
    let problems: readonly string[] = [];
    try {
      resolve('providers: []\n', { SWITCHYARD_STATE_URL: 'postgres://u:hunter22@db/x' });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems).toEqual(['SWITCHYARD_STATE_URL: must be a redis:// or rediss:// URL (got postgres://***@db/x)']);
  });

  it('never shows the password: masked in what is logged, and registered as a secret', () => {
    expect(maskedStateUrl('redis://default:p%40ss-word@10.0.0.5:6379/0')).toBe('redis://***@10.0.0.5:6379/0');
    expect(maskedStateUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(stateUrlPassword('redis://default:p%40ss-word@10.0.0.5:6379/0')).toBe('p@ss-word');
    expect(stateUrlPassword('rediss://:only-a-password@host')).toBe('only-a-password');
    expect(stateUrlPassword('redis://host:6379')).toBeUndefined();
    expect(redactSecrets('connect ECONNREFUSED redis://127.0.0.1')).not.toContain('***');
  });
});
