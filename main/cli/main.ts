#!/usr/bin/env node
// `switchyard serve|tokens|usage|keys|status|…` — the headless entry point. No electron here: everything but the window runs from this.
import { parseArgs } from 'node:util';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../config/paths.js';
import { switchyardVersion } from '../version.js';
import { generalUsage } from './usage-text.js';
import type { PrintableStatus } from './admin.js';
import type { Gateway } from '../gateway/gateway.js';
import type { Booted } from '../boot.js';
import type { uiSignInLines as UiSignInLines } from './serve-ui-link.js';

// Each verb's module is imported when that verb runs, not at start (issue 20): `--version` reads package.json
// (version.ts) and nothing else, `serve` does not load the admin, keys or connect code, and `tokens` does not load the
// gateway.

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
    console.log(switchyardVersion());
    return 0;
  }
  const command = positionals[0];
  if (command === undefined || values.help === true || command === 'help') {
    // the only calls helpAnswer answers; any other runs its verb without loading the help texts
    const { helpAnswer } = await import('./help.js');
    const help = helpAnswer(positionals, values.help === true, generalUsage);
    if (help !== undefined) {
      (help.stream === 'stdout' ? console.log : console.error)(help.text);
      return help.code;
    }
  }
  if (command === undefined) return 2; // helpAnswer answered already: a call without a verb is usage
  const env = process.env;
  const dataDir = values['data-dir'] ?? defaultDataDir(env);
  switch (command) {
    case 'serve':
      return serve({ env, dataDir, configFlag: values.config, host: values.host, port: values.port });
    case 'keys': {
      const { keysCommand } = await import('./keys.js');
      return keysCommand(positionals.slice(1), {
        env,
        dataDir,
        configFlag: values.config,
        add: values.add === true,
        reloadRunning: () => reloadRunning({ dataDir, env, configFlag: values.config }),
      });
    }
    case 'providers': {
      const { providersCommand } = await import('./providers.js');
      return providersCommand(positionals.slice(1), {
        env,
        dataDir,
        configFlag: values.config,
        json: values.json === true,
        add: values.add === true,
        addAll: values['add-all'] === true,
        importKeys: values['import-keys'] === true,
        reloadRunning: () => reloadRunning({ dataDir, env, configFlag: values.config }),
      });
    }
    case 'connect': {
      const { askOnTerminal, connectCommand } = await import('./connect.js');
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
    }
    case 'tokens': {
      const { tokensCommand } = await import('./tokens.js');
      return tokensCommand(positionals.slice(1), { dataDir, env, configFlag: values.config, json: values.json === true });
    }
    case 'usage': {
      const { usageCommand } = await import('./usage.js');
      return usageCommand({ dataDir, env, configFlag: values.config, since: values.since, by: values.by, format: values.format });
    }
    case 'status':
    case 'reload':
    case 'offline':
    case 'ui': {
      const port = values.port === undefined ? undefined : Number(values.port);
      const { adminTarget, controlCall, formatStatus, uiLink } = await import('./admin.js');
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
    default: {
      const { unknownCommand } = await import('./help.js');
      console.error(unknownCommand(command, generalUsage));
      return 2;
    }
  }
}

/** Makes a running gateway re-read its config (admin.ts, loaded only when a verb changed something). */
async function reloadRunning(options: { dataDir: string; env: NodeJS.ProcessEnv; configFlag: string | undefined }): Promise<string> {
  const { reloadRunningGateway } = await import('./admin.js');
  return reloadRunningGateway(options);
}

async function serve(options: {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  configFlag: string | undefined;
  host: string | undefined;
  port: string | undefined;
}): Promise<number> {
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    console.error(`switchyard: --port must be a number from 0 to 65535, not '${options.port}'`);
    return 2;
  }
  const uiRoot = uiBuildDirectory();
  const modules = Promise.all([import('../boot.js'), import('./serve-ui-link.js')]);
  // The port is bound while boot.js's modules load, before the config (zod, yaml) is read (issue 20): a client that
  // connects meanwhile is held, not refused. Only when the address is known cheaply (early-address.ts), and a port
  // that is taken is left for the normal path, so that a bad config file is still reported first.
  const [{ earlyAddress }, { openBootListener }] = await Promise.all([import('./early-address.js'), import('../gateway/http/boot-listener.js')]);
  const address = earlyAddress({ configFlag: options.configFlag, env: options.env, dataDir: options.dataDir, host: options.host, port });
  const listener = address && (await openBootListener(address.host, address.port).catch(() => undefined));
  let booted: Booted;
  let uiSignInLines: typeof UiSignInLines;
  try {
    const [{ bootGateway }, uiLink] = await modules;
    uiSignInLines = uiLink.uiSignInLines;
    booted = await bootGateway({
      env: options.env,
      dataDir: options.dataDir,
      configFlag: options.configFlag,
      host: options.host,
      port,
      log: (line) => console.error(`switchyard: ${line}`),
      // dist/main/cli.js → dist/renderer: the UI build this CLI ships with
      headless: { uiRoot },
      ...(listener ? { listener } : {}),
    });
  } catch (error) {
    await listener?.close(); // boot closes it itself once it has it; twice is harmless
    throw error;
  }
  const { gateway, tokenCreated: created, reload, signInNonces } = booted;
  installSignalHandlers(gateway); // before the banner: a supervisor may signal as soon as it sees the address
  process.on('SIGHUP', () => {
    void reload().then((ok) => ok && console.log('switchyard: SIGHUP: config reloaded'));
  });
  printBanner(gateway, options.dataDir, created, await uiSignInLines({ host: gateway.config.server.host, port: gateway.port, uiRoot }, signInNonces));
  // after listening, so it never delays the ready time; alongside the reachability probes
  const found = import('./discovery-lines.js').then(({ startupDiscoveryLines }) => startupDiscoveryLines(booted.discoverLocalServers));
  const probes = await gateway.probeProviders();
  for (const { id, result } of probes) {
    console.log(`  ${id.padEnd(12)} ${result.reachable ? 'reachable  ' : 'unreachable'} ${result.detail}`);
  }
  for (const line of await found) console.log(line);
  return -1; // keep running until a signal
}

/**
 * dist/renderer/: the UI build shipped beside this CLI, from the bundle (dist/cli/switchyard.js) or tsc's output
 * (dist/main/cli/main.js) alike.
 */
function uiBuildDirectory(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const dist = here.lastIndexOf(`${sep}dist${sep}`);
  return dist >= 0 ? join(here.slice(0, dist), 'dist', 'renderer') + sep : fileURLToPath(new URL('../../renderer/', import.meta.url));
}

function printBanner(gateway: Gateway, dataDir: string, tokenCreated: boolean, uiLines: readonly string[]): void {
  const status = gateway.status();
  const lines = [
    `Switchyard ${switchyardVersion()} listening on ${gateway.url}/v1`,
    `config:   ${status.configSource ?? 'none (built-in defaults: Ollama + cloud providers whose keys are in the environment)'}`,
    `data dir: ${dataDir}`,
    status.sharedTokens
      ? `tokens:   shared by every replica in PostgreSQL; \`switchyard tokens create <name> --config <this config>\` makes one per person`
      : `token:    ${tokenCreated ? 'created a new client token; ' : ''}\`switchyard tokens\` prints it, \`switchyard tokens create <name>\` makes one per tool`,
    ...uiLines,
    `providers (${status.providers.length}):`,
    ...status.providers.map(
      (provider) => `  ${provider.id.padEnd(12)} ${provider.type.padEnd(18)} ${provider.baseUrl}  ${provider.locality}, key: ${provider.keySource}`,
    ),
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
    // by name, not instanceof: their modules (config/load.js, gateway.js) may never have been loaded
    const name = error instanceof Error ? error.name : undefined;
    if (error instanceof Error && (name === 'ConfigError' || name === 'ListenError')) console.error(`switchyard: ${error.message}`);
    else if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      console.error(`switchyard: ${error.message}\n\n${generalUsage}`);
    else console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = name === 'ListenError' ? 1 : 2;
  },
);
