// docs/team-gateway.md and resources/deploy/ against the code, so they cannot drift: every config snippet of the
// page (a yaml block starting `# config.yaml`) and the deploy config.yaml pass the real config schema and resolve;
// every dotted config key named in the prose exists in the schema; every `switchyard <verb> --flag` is a verb and a
// flag the CLI documents; every SWITCHYARD_* variable is one the code reads; the compose file is YAML whose
// services, healthchecks, secrets, key files and URLs fit what the page says; the systemd unit's credentials are
// provider key variables and its command a `serve` the CLI accepts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { verbHelp } from '../../main/cli/help.js';
import { generalUsage } from '../../main/cli/usage-text.js';
import { parseConfigText, resolveConfig } from '../../main/config/load.js';
import { providerPresets } from '../../main/config/presets.js';
import { configFileSchema, ledgerConfigSchema, stateConfigSchema } from '../../main/config/schema.js';
import { sameOrigin } from '../../main/control/http/browser-checks.js';
import { RequestGuard } from '../../main/gateway/http/guard.js';
import type { IncomingMessage } from 'node:http';

const repository = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docPath = join(repository, 'docs', 'team-gateway.md');
const deploy = join(repository, 'resources', 'deploy');
const doc = readFileSync(docPath, 'utf8');

interface Block {
  readonly language: string;
  readonly text: string;
}

const blocks: readonly Block[] = [...doc.matchAll(/^```([a-z]*)\n([\s\S]*?)^```$/gm)].map((match) => ({ language: match[1] ?? '', text: match[2] ?? '' }));
const configSnippets = blocks.filter((block) => block.language === 'yaml' && block.text.startsWith('# config.yaml'));

const presetKeyVariables = new Set(
  Object.values(providerPresets as Record<string, { readonly apiKeyEnv?: string }>)
    .map((preset) => preset.apiKeyEnv)
    .filter((variable): variable is string => variable !== undefined),
);

/** Every .ts file under main/ (not tests), read once: what the code mentions. */
const mainSource = (() => {
  const texts: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) texts.push(readFileSync(path, 'utf8'));
    }
  };
  walk(join(repository, 'main'));
  return texts.join('\n');
})();

/** Whether `path` (config keys, dotted) names something in the config schema. Records accept any key. */
function inSchema(path: readonly string[]): boolean {
  let schema: z.ZodType = configFileSchema;
  for (const segment of path) {
    while (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
    if (schema instanceof z.ZodObject) {
      const next = (schema.shape as Record<string, z.ZodType | undefined>)[segment];
      if (next === undefined) return false;
      schema = next;
    } else if (schema instanceof z.ZodRecord) {
      schema = schema.valueType as z.ZodType;
    } else return false;
  }
  return true;
}

/** The `switchyard <verb> …` commands of the page: in shell blocks, in inline code, and in the deploy files. */
function commands(text: string): Array<{ readonly verb: string; readonly flags: readonly string[]; readonly line: string }> {
  const lines = [
    ...blocks.filter((block) => block.language === 'sh').flatMap((block) => block.text.split('\n')),
    ...[...text.matchAll(/`([^`\n]*switchyard[^`\n]*)`/g)].map((match) => match[1] ?? ''),
  ];
  const found: Array<{ verb: string; flags: string[]; line: string }> = [];
  for (const line of lines) {
    const words = line.replace(/#.*$/, '').split(/\s+/).filter(Boolean);
    words.forEach((word, index) => {
      const isCli = word === 'switchyard' || word.endsWith('/switchyard.js');
      const previous = words[index - 1];
      // `sudo -u switchyard`, `docker compose exec switchyard` name a user and a service, not the CLI
      if (!isCli || previous === '-u' || previous === 'exec') return;
      const verb = words[index + 1];
      if (verb === undefined || verb.startsWith('<')) return;
      const rest = words.slice(index + 2);
      const end = rest.findIndex((next) => next === '|' || next === '&&' || next === ';' || next === 'switchyard');
      found.push({
        verb,
        flags: (end === -1 ? rest : rest.slice(0, end)).filter((next) => next.startsWith('--')).map((flag) => flag.split('=')[0] as string),
        line,
      });
    });
  }
  return found;
}

describe('docs/team-gateway.md', () => {
  it('has config snippets that pass the real config schema, alone and together', () => {
    expect(configSnippets.length).toBeGreaterThanOrEqual(5);
    const merged: Record<string, unknown> = {};
    for (const snippet of configSnippets) {
      const file = parseConfigText(snippet.text, 'docs/team-gateway.md');
      for (const [key, value] of Object.entries(file)) {
        expect(merged, `two snippets set ${key}: keep each top-level key in one snippet`).not.toHaveProperty(key);
        merged[key] = value;
      }
    }
    // together they are one config that resolves: routes name configured providers, limits and budgets fit
    const config = resolveConfig(configFileSchema.parse(merged), { path: 'docs/team-gateway.md', env: {} });
    expect(config.providers.map((provider) => provider.id)).toEqual(['openai', 'anthropic', 'azure-gpt']);
    expect(config.providers.find((provider) => provider.id === 'azure-gpt')?.apiKeyEnv).toBe('AZURE_OPENAI_API_KEY');
    expect(config.server.allowedHosts).toEqual(['llm.example.com', 'gateway.internal']);
    expect(config.telemetry?.otlp).toMatchObject({ endpoint: 'http://otel-collector:4318', traces: true, metrics: true, metricsIntervalMs: 60_000 });
    expect(config.limits?.clients['ci']).toEqual({ requestsPerMinute: 600, concurrent: 32 });
    expect(config.ledger.url).toMatch(/^postgres:\/\//);
  });

  it('names only config keys the schema has', () => {
    const topLevel = new Set(Object.keys(configFileSchema.shape));
    const named = [...doc.matchAll(/`([a-z_]+(?:\.[a-z_]+)+)`/g)].map((match) => match[1] as string);
    const keys = named.filter((name) => topLevel.has(name.split('.')[0] as string) && !/\.(?:sqlite|yaml|yml|md|json|service)$/.test(name));
    expect(keys).toEqual(expect.arrayContaining(['ledger.url', 'state.url', 'server.allowed_hosts', 'server.max_body_bytes']));
    for (const key of keys) expect(inSchema(key.split('.')), `${key} is not in the config schema`).toBe(true);
    // the keys the "Several replicas" section names exist in the schema the PostgreSQL and Redis work added
    expect(Object.keys(ledgerConfigSchema.shape)).toContain('url');
    expect(Object.keys(stateConfigSchema.shape)).toEqual(expect.arrayContaining(['url', 'replicas', 'key_prefix', 'command_timeout_ms']));
  });

  it('shows only commands and flags the CLI has', () => {
    const deployText = ['switchyard.service', 'compose.yaml'].map((name) => readFileSync(join(deploy, name), 'utf8')).join('\n');
    const found = [...commands(doc), ...commands(deployText)];
    expect(new Set(found.map((command) => command.verb))).toEqual(
      new Set(['serve', 'keys', 'tokens', 'usage', 'ui', 'status', 'reload', 'offline', 'connect']),
    );
    for (const { verb, flags, line } of found) {
      const help = verbHelp[verb];
      expect(help, `${line}: no verb ${verb}`).toBeDefined();
      for (const flag of flags) expect(`${help ?? ''}\n${generalUsage}`, `${line}: ${verb} has no ${flag}`).toContain(flag);
    }
  });

  it('names only SWITCHYARD_* variables the code reads, and key variables of real presets', () => {
    const texts = [doc, ...['switchyard.service', 'compose.yaml', 'config.yaml'].map((name) => readFileSync(join(deploy, name), 'utf8'))];
    const variables = new Set(texts.flatMap((text) => [...text.matchAll(/\bSWITCHYARD_[A-Z_]+\b/g)].map((match) => match[0])));
    expect(variables).toEqual(
      new Set([
        'SWITCHYARD_CONFIG',
        'SWITCHYARD_DATA_DIR',
        'SWITCHYARD_API_KEY',
        'SWITCHYARD_ADMIN_TOKEN',
        'SWITCHYARD_ADMIN_TOKEN_FILE',
        'SWITCHYARD_LEDGER_URL',
        'SWITCHYARD_STATE_URL',
      ]),
    );
    // `<VARIABLE>_FILE` is read by key-file.ts for whichever variable it is asked about: the base name is what the code names
    for (const variable of variables) {
      const named = variable.endsWith('_FILE') ? variable.slice(0, -'_FILE'.length) : variable;
      expect(mainSource, `${named} is not read anywhere in main/`).toContain(`'${named}'`);
    }
    const keyVariables = [...doc.matchAll(/`([A-Z]+_API_KEY)`/g)].map((match) => match[1] as string).filter((name) => name !== 'SWITCHYARD_API_KEY');
    expect(keyVariables.length).toBeGreaterThan(5);
    for (const variable of keyVariables)
      expect(presetKeyVariables.has(variable) || variable === 'GOOGLE_API_KEY', `${variable} is no preset's key variable`).toBe(true);
  });

  it('lets the admin UI sign in through the proxies as configured: Host kept, its name allowed, its https origin taken', () => {
    const caddy = blocks.find((block) => block.language === 'caddy')?.text ?? '';
    const nginx = blocks.find((block) => block.language === 'nginx')?.text ?? '';
    const publicName = /^(\S+) \{/.exec(caddy)?.[1];
    expect(publicName).toBe('llm.example.com');
    expect(/server_name (\S+);/.exec(nginx)?.[1]).toBe(publicName);
    // Caddy passes the Host on unless told otherwise; nginx must be told to
    expect(caddy).not.toMatch(/header_up\s+Host/i);
    expect(nginx).toMatch(/proxy_set_header Host \$host;/);
    const server = configSnippets.map((snippet) => parseConfigText(snippet.text, 'docs/team-gateway.md').server).find((entry) => entry !== undefined);
    const guard = new RequestGuard({ port: 5454, host: '127.0.0.1', allowedHosts: server?.allowed_hosts ?? [], allowedOrigins: server?.allowed_origins ?? [] });
    const browser = (origin: string): IncomingMessage => ({ headers: { host: publicName, origin } }) as unknown as IncomingMessage;
    expect(guard.hostAllowed(browser(`https://${publicName}`))).toBe(true);
    expect(guard.originAllowed(browser(`https://${publicName}`))).toBe(true);
    expect(sameOrigin(browser(`https://${publicName}`))).toBe(true);
    expect(guard.originAllowed(browser('https://evil.example'))).toBe(false);
    expect(sameOrigin(browser('https://evil.example'))).toBe(false);
    // the page prints the link at the proxy's address
    expect(doc).toContain(`switchyard ui --url https://${publicName}`);
  });

  it('points Prometheus at a host the config allows, with the admin token', () => {
    const scrape = blocks.find((block) => block.language === 'yaml' && block.text.startsWith('# prometheus.yml'));
    const prometheus = parseYaml(scrape?.text ?? '') as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }>; authorization?: { type: string; credentials_file: string } }>;
    };
    const job = prometheus.scrape_configs[0];
    expect(job?.authorization?.type).toBe('Bearer');
    const host = job?.static_configs[0]?.targets[0]?.split(':')[0];
    const server = configSnippets.map((snippet) => parseConfigText(snippet.text, 'docs/team-gateway.md').server).find((entry) => entry !== undefined);
    expect(server?.allowed_hosts).toContain(host);
  });
});

describe('resources/deploy', () => {
  const compose = parseYaml(readFileSync(join(deploy, 'compose.yaml'), 'utf8')) as {
    services: Record<
      string,
      {
        command?: string[];
        environment?: Record<string, string>;
        secrets?: string[];
        volumes?: string[];
        healthcheck?: { test: string[] };
        profiles?: string[];
        depends_on?: Record<string, { condition: string }>;
        network_mode?: string;
      }
    >;
    secrets: Record<string, { file: string }>;
  };

  it('config.yaml passes the real config schema and resolves', () => {
    const file = parseConfigText(readFileSync(join(deploy, 'config.yaml'), 'utf8'), 'resources/deploy/config.yaml');
    const config = resolveConfig(file, { path: 'resources/deploy/config.yaml', env: {} });
    expect(config.providers.map((provider) => provider.apiKeyEnv)).toEqual(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY']);
    // compose's Prometheus and other containers reach it as `switchyard:5454`
    expect(config.server.allowedHosts).toContain('switchyard');
  });

  it('compose.yaml runs the gateway with PostgreSQL, Redis, key files and healthchecks as the page says', () => {
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(['postgres', 'prometheus', 'redis', 'switchyard']);
    for (const name of ['switchyard', 'postgres', 'redis']) expect(services[name]?.healthcheck?.test.length, `${name} has no healthcheck`).toBeGreaterThan(1);
    expect(services['prometheus']?.profiles).toEqual(['metrics']);
    expect(services['prometheus']?.network_mode).toBe('service:switchyard');
    const gateway = services['switchyard'];
    expect(gateway?.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    expect(gateway?.healthcheck?.test.join(' ')).toContain('/health');
    // the command is a `serve` with flags the CLI documents
    const [verb, ...args] = gateway?.command ?? [];
    expect(verb).toBe('serve');
    for (const flag of args.filter((word) => word.startsWith('--'))) expect(verbHelp['serve']).toContain(flag);
    const environment = gateway?.environment ?? {};
    // the URLs, with compose's ${…} filled in, are what ledger.url and state.url accept
    const filled = (value: string | undefined): string => (value ?? '').replace(/\$\{[^}]+\}/g, 'secret');
    expect(ledgerConfigSchema.shape.url.safeParse(filled(environment['SWITCHYARD_LEDGER_URL'])).success).toBe(true);
    expect(stateConfigSchema.shape.url.safeParse(filled(environment['SWITCHYARD_STATE_URL'])).success).toBe(true);
    // each *_API_KEY_FILE is a preset's key variable and names a secret the service mounts
    const keyFiles = Object.entries(environment).filter(([name]) => name.endsWith('_API_KEY_FILE'));
    expect(keyFiles.length).toBeGreaterThan(0);
    for (const [name, path] of keyFiles) {
      expect(presetKeyVariables.has(name.replace(/_FILE$/, ''))).toBe(true);
      const secret = path.replace('/run/secrets/', '');
      expect(gateway?.secrets).toContain(secret);
      expect(compose.secrets[secret]?.file).toBeDefined();
    }
    // the mounted config and Prometheus files are the ones next to it
    for (const service of Object.values(services))
      for (const volume of service.volumes ?? [])
        if (volume.startsWith('./')) expect(existsSync(join(deploy, volume.split(':')[0] as string)), volume).toBe(true);
    const prometheus = parseYaml(readFileSync(join(deploy, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    expect(prometheus.scrape_configs[0]?.static_configs[0]?.targets).toEqual(['127.0.0.1:5454']);
  });

  it('switchyard.service loads provider keys as credentials and runs a serve the CLI accepts, hardened', () => {
    const unit = readFileSync(join(deploy, 'switchyard.service'), 'utf8');
    const directives = unit
      .split('\n')
      .filter((line) => /^[A-Za-z]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);
    const values = (name: string): string[] => directives.filter(([key]) => key === name).map(([, value]) => value);
    const credentials = values('LoadCredential').map((value) => value.split(':')[0] as string);
    expect(credentials.length).toBeGreaterThan(0);
    for (const credential of credentials) expect(presetKeyVariables.has(credential), credential).toBe(true);
    const [execStart] = values('ExecStart');
    const words = (execStart ?? '').split(/\s+/);
    expect(words.slice(1, 3)).toEqual(['/opt/switchyard/bin/switchyard.js', 'serve']);
    for (const flag of words.filter((word) => word.startsWith('--'))) expect(verbHelp['serve']).toContain(flag);
    expect(values('StateDirectory')).toEqual(['switchyard']);
    expect(values('Environment')).toContain('SWITCHYARD_DATA_DIR=/var/lib/switchyard');
    for (const hardening of ['NoNewPrivileges', 'ProtectSystem', 'ProtectHome', 'PrivateTmp', 'RestrictAddressFamilies', 'MemoryMax'])
      expect(values(hardening), `${hardening} is not set`).toHaveLength(1);
    expect(values('ProtectSystem')).toEqual(['strict']);
  });
});
