#!/usr/bin/env node
// `switchyard serve|tokens|usage|keys|status|…` — the headless entry point. No electron here: everything but the window runs from this.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bootGateway } from './boot.js';
import { ConfigError } from './config/load.js';
import { defaultDataDir } from './config/paths.js';
import { adminTarget, controlCall, formatStatus, reloadRunningGateway, uiLink, type PrintableStatus } from './cli-admin.js';
import { askOnTerminal, connectCommand, connectUsage } from './cli-connect.js';
import { helpAnswer, unknownCommand } from './cli-help.js';
import { keysCommand, keysUsage } from './cli-keys.js';
import { providersCommand, providersUsage, startupDiscoveryLines } from './cli-providers.js';
import { tokensCommand, tokensUsage } from './cli-tokens.js';
import { usageCommand, usageUsage } from './cli-usage.js';
import { ListenError, type Gateway } from './gateway/gateway.js';
import { uiSignInLines } from './serve-ui-link.js';

const usage = `Switchyard — one local address for every LLM tool on this machine

Usage:
  switchyard serve [--port 5454] [--host 127.0.0.1] [--config FILE] [--data-dir DIR]
${tokensUsage}
${usageUsage}
${keysUsage}
${providersUsage}
${connectUsage}
  switchyard status [--url URL] [--json]  providers, health, routes and cooldowns of a running gateway
  switchyard reload [--url URL]           re-read the config file (also: SIGHUP, or just save the file)
  switchyard offline on|off|auto          only local targets (on), all (off), or as the config says (auto)
  switchyard ui [--url URL]               print a sign-in link to the web UI of a running \`serve\` (one use, 60 s)
  switchyard --version | --help

Environment: SWITCHYARD_CONFIG, SWITCHYARD_DATA_DIR, SWITCHYARD_API_KEY (an extra client token),
OLLAMA_HOST, and provider keys (OPENAI_API_KEY, OPENROUTER_API_KEY, GROQ_API_KEY, MISTRAL_API_KEY,
DEEPSEEK_API_KEY, TOGETHER_API_KEY, FIREWORKS_API_KEY, XAI_API_KEY).`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      config: { type: 'string', short: 'c' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
      add: { type: 'boolean' },
      'add-all': { type: 'boolean' },
      'import-keys': { type: 'boolean' },
      since: { type: 'string' },
      by: { type: 'string' },
      format: { type: 'string' },
      model: { type: 'string' },
      write: { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      check: { type: 'boolean' },
    },
  });
  if (values.version) {
    console.log(version());
    return 0;
  }
  const command = positionals[0];
  const help = helpAnswer(positionals, values.help === true, usage);
  if (help !== undefined) {
    (help.stream === 'stdout' ? console.log : console.error)(help.text);
    return help.code;
  }
  if (command === undefined) return 2; // helpAnswer answered already: a call without a verb is usage
  const env = process.env;
  const dataDir = values['data-dir'] ?? defaultDataDir(env);
  switch (command) {
    case 'serve':
      return serve({ env, dataDir, configFlag: values.config, host: values.host, port: values.port });
    case 'keys':
      return keysCommand(positionals.slice(1), {
        env,
        dataDir,
        configFlag: values.config,
        add: values.add === true,
        reloadRunning: () => reloadRunningGateway({ dataDir, env, configFlag: values.config }),
      });
    case 'providers':
      return providersCommand(positionals.slice(1), {
        env,
        dataDir,
        configFlag: values.config,
        json: values.json === true,
        add: values.add === true,
        addAll: values['add-all'] === true,
        importKeys: values['import-keys'] === true,
        reloadRunning: () => reloadRunningGateway({ dataDir, env, configFlag: values.config }),
      });
    case 'connect':
      return connectCommand(positionals.slice(1), {
        env,
        dataDir,
        configFlag: values.config,
        url: values.url,
        port: values.port === undefined ? undefined : Number(values.port),
        model: values.model,
        write: values.write === true,
        yes: values.yes === true,
        check: values.check === true,
        json: values.json === true,
        confirm: process.stdin.isTTY ? askOnTerminal : undefined,
      });
    case 'tokens':
      return tokensCommand(positionals.slice(1), { dataDir, env, json: values.json === true });
    case 'usage':
      return usageCommand({ dataDir, since: values.since, by: values.by, format: values.format });
    case 'status':
    case 'reload':
    case 'offline':
    case 'ui': {
      const port = values.port === undefined ? undefined : Number(values.port);
      const target = adminTarget({ dataDir, env, url: values.url, port, configFlag: values.config });
      if (command === 'ui') {
        const { link, expiresInSeconds } = await uiLink(target);
        console.log(link);
        // stderr: stdout stays the bare link, for scripts (`xdg-open "$(switchyard ui)"`)
        console.error(`switchyard: the link signs in one browser, once, within ${expiresInSeconds} s`);
      } else if (command === 'status') {
        const status = (await controlCall(target, 'status.get')) as PrintableStatus;
        console.log(values.json ? JSON.stringify(status, null, 2) : formatStatus(status));
      } else if (command === 'reload') {
        await controlCall(target, 'gateway.reload');
        console.log('config reloaded');
      } else {
        const mode = positionals[1];
        if (mode !== 'on' && mode !== 'off' && mode !== 'auto') {
          console.error('switchyard: offline takes on, off or auto');
          return 2;
        }
        await controlCall(target, 'settings.set', { offline: mode === 'auto' ? null : mode === 'on' });
        const { offline } = (await controlCall(target, 'status.get')) as PrintableStatus;
        console.log(offline ? `offline: ${offline}` : 'online: cloud targets are used');
      }
      return 0;
    }
    default:
      console.error(unknownCommand(command, usage));
      return 2;
  }
}

async function serve(options: { env: NodeJS.ProcessEnv; dataDir: string; configFlag: string | undefined; host: string | undefined; port: string | undefined }): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`switchyard: --port must be a number from 0 to 65535, not '${options.port}'`);
    return 2;
  }
  const uiRoot = fileURLToPath(new URL('../renderer/', import.meta.url));
  const { gateway, tokenCreated: created, reload, control, signInNonces } = await bootGateway({
    env: options.env,
    dataDir: options.dataDir,
    configFlag: options.configFlag,
    host: options.host,
    port,
    log: (line) => console.error(`switchyard: ${line}`),
    // dist/main/cli.js → dist/renderer: the UI build this CLI ships with
    headless: { uiRoot },
  });
  installSignalHandlers(gateway); // before the banner: a supervisor may signal as soon as it sees the address
  process.on('SIGHUP', () => {
    void reload().then((ok) => ok && console.log('switchyard: SIGHUP: config reloaded'));
  });
  printBanner(gateway, options.dataDir, created, uiSignInLines({ host: gateway.config.server.host, port: gateway.port, uiRoot }, signInNonces));
  // after listening, so it never delays the ready time; alongside the reachability probes
  const found = startupDiscoveryLines(control);
  const probes = await gateway.probeProviders();
  for (const { id, result } of probes) {
    console.log(`  ${id.padEnd(12)} ${result.reachable ? 'reachable  ' : 'unreachable'} ${result.detail}`);
  }
  for (const line of await found) console.log(line);
  return -1; // keep running until a signal
}

function printBanner(gateway: Gateway, dataDir: string, tokenCreated: boolean, uiLines: readonly string[]): void {
  const status = gateway.status();
  const lines = [
    `Switchyard ${version()} listening on ${gateway.url}/v1`,
    `config:   ${status.configSource ?? 'none (built-in defaults: Ollama + cloud providers whose keys are in the environment)'}`,
    `data dir: ${dataDir}`,
    `token:    ${tokenCreated ? 'created a new client token; ' : ''}\`switchyard tokens\` prints it, \`switchyard tokens create <name>\` makes one per tool`,
    ...uiLines,
    `providers (${status.providers.length}):`,
    ...status.providers.map((provider) => `  ${provider.id.padEnd(12)} ${provider.type.padEnd(18)} ${provider.baseUrl}  ${provider.locality}, key: ${provider.keySource}`),
    'reachability:',
  ];
  console.log(lines.join('\n'));
}

function installSignalHandlers(gateway: Gateway): void {
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) {
      console.error('switchyard: second signal, exiting now');
      process.exit(0);
    }
    const inFlight = gateway.status().inFlight;
    console.log(`switchyard: ${signal}: stopping${inFlight > 0 ? `, letting ${inFlight} request(s) finish` : ''}`);
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`switchyard: error while stopping: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError || error instanceof ListenError) console.error(`switchyard: ${error.message}`);
    else if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) console.error(`switchyard: ${error.message}\n\n${usage}`);
    else console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof ListenError ? 1 : 2;
  },
);
