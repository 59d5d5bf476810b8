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

  it('selects Redis Cluster by state.cluster or seed nodes, with the CA to trust for rediss://', () => {
    expect(resolve('providers: []\nstate: { url: "redis://10.0.0.1:7001", cluster: true }\n').state).toMatchObject({
      url: 'redis://10.0.0.1:7001',
      cluster: true,
      startupNodes: [],
    });
    const seeded = resolve(
      'providers: []\nstate:\n  url: rediss://:pw@10.0.0.1:7001\n  startup_nodes: [rediss://10.0.0.2:7002, rediss://10.0.0.3:7003]\n  tls_ca_file: /etc/switchyard/redis-ca.pem\n',
    ).state;
    expect(seeded).toMatchObject({
      cluster: true,
      startupNodes: ['rediss://10.0.0.2:7002', 'rediss://10.0.0.3:7003'],
      tlsCaFile: '/etc/switchyard/redis-ca.pem',
    });
    expect(resolve('providers: []\nstate: { url: "redis://10.0.0.1:6379" }\n').state?.cluster).toBeUndefined();

    const problems = (text: string): readonly string[] => {
      try {
        resolve(text);
      } catch (error) {
        if (error instanceof ConfigError) return error.problems;
      }
      return [];
    };
    expect(problems('providers: []\nstate: { url: "redis://a:7001/2", cluster: true }\n')).toEqual([
      'state.url: a Redis Cluster has only database 0 (drop the /<db> from the URL)',
    ]);
    expect(problems('providers: []\nstate: { url: "redis://a:7001", cluster: false, startup_nodes: ["redis://b:7002"] }\n')).toEqual([
      'state.startup_nodes: seed nodes of a Redis Cluster, but state.cluster is false',
    ]);
    expect(problems('providers: []\nstate: { url: "rediss://a:7001", startup_nodes: ["redis://b:7002"] }\n')).toEqual([
      'state.startup_nodes: mixes redis:// and rediss://; a cluster is all TLS or none',
    ]);
    expect(problems('providers: []\nstate: { url: "rediss://a:6380", tls_ca_file: "ca.pem" }\n')).toEqual([
      expect.stringMatching(/tls_ca_file.*must be an absolute path/),
    ]);
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
