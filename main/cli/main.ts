#!/usr/bin/env node
// `switchyard serve|tokens|usage|keys|status|…` — the headless entry point. No electron here: everything but the window runs from this.
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { defaultDataDir } from '../config/paths.js';
import { switchyardVersion } from '../version.js';
import type { PrintableStatus } from './admin.js';
import type { Gateway } from '../gateway/gateway.js';

// Each verb's module is imported when that verb runs, not at start (issue 20): `--version` reads package.json
// (version.ts) and nothing else, `serve` does not load the admin, keys or connect code, and `tokens` does not load the
// gateway.

/** The general usage; it names every verb's own usage line, so it loads their modules (help and errors only). */
async function generalUsage(): Promise<string> {
  const [{ tokensUsage }, { usageUsage }, { keysUsage }, { providersUsage }, { connectUsage }] = await Promise.all([
    import('./tokens.js'),
    import('./usage.js'),
    import('./keys.js'),
    import('./providers.js'),
    import('./connect.js'),
  ]);
  return `Switchyard — one local address for every LLM tool on this machine

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
    console.log(switchyardVersion());
    return 0;
  }
  const command = positionals[0];
  if (command === undefined || values.help === true || command === 'help') {
    // the only calls helpAnswer answers; any other runs its verb without loading the help texts
    const { helpAnswer } = await import('./help.js');
    const help = helpAnswer(positionals, values.help === true, await generalUsage());
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
      return tokensCommand(positionals.slice(1), { dataDir, env, json: values.json === true });
    }
    case 'usage': {
      const { usageCommand } = await import('./usage.js');
      return usageCommand({ dataDir, since: values.since, by: values.by, format: values.format });
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
      console.error(unknownCommand(command, await generalUsage()));
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
  const uiRoot = fileURLToPath(new URL('../../renderer/', import.meta.url));
  const [{ bootGateway }, { uiSignInLines }] = await Promise.all([import('../boot.js'), import('./serve-ui-link.js')]);
  const {
    gateway,
    tokenCreated: created,
    reload,
    control,
    signInNonces,
  } = await bootGateway({
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
  const found = import('./providers.js').then(({ startupDiscoveryLines }) => startupDiscoveryLines(control));
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
    `Switchyard ${switchyardVersion()} listening on ${gateway.url}/v1`,
    `config:   ${status.configSource ?? 'none (built-in defaults: Ollama + cloud providers whose keys are in the environment)'}`,
    `data dir: ${dataDir}`,
    `token:    ${tokenCreated ? 'created a new client token; ' : ''}\`switchyard tokens\` prints it, \`switchyard tokens create <name>\` makes one per tool`,
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
  async (error: unknown) => {
    // by name, not instanceof: their modules (config/load.js, gateway.js) may never have been loaded
    const name = error instanceof Error ? error.name : undefined;
    if (error instanceof Error && (name === 'ConfigError' || name === 'ListenError')) console.error(`switchyard: ${error.message}`);
    else if (error instanceof Error && 'code' in error && String((error as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))
      console.error(`switchyard: ${error.message}\n\n${await generalUsage()}`);
    else console.error(`switchyard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = name === 'ListenError' ? 1 : 2;
  },
);
