// Black-box: the real clients that speak only the OpenAI Responses API (Codex CLI, the AI SDK's default OpenAI
// provider, the Agents SDK, and the `openai` package's `responses.*`) pointed at a running `switchyard serve`, judged
// by what each client itself prints or returns. The clients come from the pinned test package in test/clients (never
// the app's own dependencies), run headless with telemetry, update checks and network side trips off.
//
// Two ways to a model are exercised:
// - `fast` (a route alias) and `chatonly/…`: an OpenAI-compatible provider reached through chat completions, so the
//   gateway translates Responses → chat and back (the fake answers through `onChat`);
// - `openai/…`: the OpenAI provider, which speaks Responses itself, so the request goes upstream as written
//   (the fake answers through its native `/v1/responses` route, `onResponses`).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as AiModule from '../clients/node_modules/ai/dist/index.js';
import type * as AiOpenAIModule from '../clients/node_modules/@ai-sdk/openai/dist/index.js';
import type * as AgentsModule from '../clients/node_modules/@openai/agents/dist/index.js';
import type * as OpenAIModule from '../clients/node_modules/openai/index.js';
import { FakeAnthropic, fakeAnthropicKey, type RecordedRequest as AnthropicRecorded } from '../fakes/anthropic-fake.js';
import { FakeOpenAI, defaultResponsesScenario, type RecordedRequest, type Scenario } from '../fakes/openai-fake.js';
import { runClientProcess } from '../support/client-process.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const requireClient = createRequire(new URL('../clients/package.json', import.meta.url));
const codexScript = fileURLToPath(new URL('../clients/node_modules/@openai/codex/bin/codex.js', import.meta.url));
const codexTimeoutMs = 60_000;
/** each Codex run's CODEX_HOME, HOME and workspace, removed at the end */
const codexRoots: string[] = [];

/** A client package as the test package installed it (its own copy, whatever the app depends on). */
async function loadClient<T>(name: string): Promise<T> {
  return (await import(pathToFileURL(requireClient.resolve(name)).href)) as T;
}

let ai: typeof AiModule;
let aiOpenAI: typeof AiOpenAIModule;
let agents: typeof AgentsModule;
let OpenAI: typeof OpenAIModule.OpenAI;
let openaiFake: FakeOpenAI;
let anthropicFake: FakeAnthropic;
let serve: ServeProcess;
let client: OpenAIModule.OpenAI;
/** the model an `@openai/agents` Agent uses when it names none (a route alias of that name points at `fast`'s target) */
let agentsDefaultModel: string;

beforeAll(async () => {
  ai = await loadClient<typeof AiModule>('ai');
  aiOpenAI = await loadClient<typeof AiOpenAIModule>('@ai-sdk/openai');
  agents = await loadClient<typeof AgentsModule>('@openai/agents');
  OpenAI = (await loadClient<typeof OpenAIModule>('openai')).OpenAI;
  agentsDefaultModel = agents.getDefaultModel();
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  anthropicFake = await FakeAnthropic.start();
  serve = await startServe({
    config: {
      providers: [
        { id: 'openai', base_url: openaiFake.baseUrl },
        { id: 'chatonly', type: 'openai-compatible', base_url: openaiFake.baseUrl, api_key_env: 'CHATONLY_API_KEY' },
        { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl },
      ],
      routes: {
        fast: { targets: ['chatonly/gpt-4o-mini'] },
        [agentsDefaultModel]: { targets: ['chatonly/gpt-4o-mini'] },
      },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    },
    env: { OPENAI_API_KEY: providerKey, CHATONLY_API_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 });
  // The Agents SDK's default client and model provider, pointed at Switchyard; no traces leave the machine.
  agents.setTracingDisabled(true);
  agents.setDefaultOpenAIClient(new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, maxRetries: 0, timeout: 20_000 }));
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  await anthropicFake?.close();
  for (const root of codexRoots) rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  openaiFake.onChat = () => ({ kind: 'reply' });
  openaiFake.onResponses = defaultResponsesScenario;
  anthropicFake.onMessages = () => ({ kind: 'reply' });
});

// ---------------------------------------------------------------------------------------------------------
// Fake answers and what reached the fakes

function chatMessages(request: RecordedRequest | undefined): Array<Record<string, unknown>> {
  const messages = (request?.body as { messages?: unknown } | undefined)?.messages;
  return Array.isArray(messages) ? (messages as Array<Record<string, unknown>>) : [];
}

/** The upstream chat request carries a tool result (role "tool"). */
function hasToolResult(request: RecordedRequest): boolean {
  return chatMessages(request).some((message) => message['role'] === 'tool');
}

/** First call: one tool call to `name` with `args`; once the tool result comes back: `answer`. */
function toolThenAnswer(name: string, args: unknown, answer: string): (request: RecordedRequest) => Scenario {
  return (request) => (hasToolResult(request) ? { kind: 'reply', content: answer } : { kind: 'reply', toolCalls: [{ name, arguments: JSON.stringify(args) }] });
}

/** The native route's answer: text only (no tool call, whatever tools the client offers). */
function answerNatively(text: string): void {
  openaiFake.onResponses = () => ({ kind: 'reply', text });
}

const chatRequests = (from = 0): RecordedRequest[] => openaiFake.chatRequests().filter((request) => request.index >= from);
const responsesRequests = (from = 0): RecordedRequest[] => openaiFake.responsesRequests().filter((request) => request.index >= from);

function toolMessageContents(request: RecordedRequest | undefined): string {
  return chatMessages(request)
    .filter((message) => message['role'] === 'tool')
    .map((message) => (typeof message['content'] === 'string' ? message['content'] : JSON.stringify(message['content'])))
    .join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// Codex CLI

interface CodexEvent {
  readonly type: string;
  readonly item?: {
    readonly type: string;
    readonly text?: string;
    readonly command?: string;
    readonly aggregated_output?: string;
    readonly exit_code?: number | null;
    readonly status?: string;
  };
  readonly usage?: { readonly input_tokens?: number; readonly output_tokens?: number };
  readonly error?: { readonly message?: string };
  readonly message?: string;
}

interface CodexRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly events: CodexEvent[];
  readonly workdir: string;
  /** the last agent message Codex printed (its final answer) */
  readonly finalMessage: string | undefined;
}

/** Codex's config for Switchyard: a custom Responses provider, no prompts, no telemetry, no update check, no plugins sync. */
function codexConfig(model: string, topLevel: readonly string[] = []): string {
  return [
    `model = ${JSON.stringify(model)}`,
    ...topLevel,
    'model_provider = "switchyard"',
    'approval_policy = "never"',
    // the fake's command is fixed (`echo`); no sandbox, so the test does not depend on user namespaces for bubblewrap
    'sandbox_mode = "danger-full-access"',
    'check_for_update_on_startup = false',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[otel]',
    'exporter = "none"',
    'trace_exporter = "none"',
    'metrics_exporter = "none"',
    '',
    // plugin marketplace sync and apps reach github.com / chatgpt.com at start-up
    '[features]',
    'plugins = false',
    'remote_plugin = false',
    'apps = false',
    '',
    '[model_providers.switchyard]',
    'name = "Switchyard"',
    `base_url = ${JSON.stringify(serve.baseUrl)}`,
    'env_key = "SWITCHYARD_TOKEN"',
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    'stream_idle_timeout_ms = 30000',
    '',
  ].join('\n');
}

interface CodexOptions {
  /** more top-level config.toml lines */
  readonly config?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
}

/** `codex exec --json` in a fresh CODEX_HOME, HOME and workspace; killed (whole process group) after 60 s. */
async function runCodex(model: string, prompt: string, options: CodexOptions = {}): Promise<CodexRun> {
  const root = mkdtempSync(join(tmpdir(), 'sy-codex-'));
  codexRoots.push(root);
  const codexHome = join(root, 'codex-home');
  const home = join(root, 'home');
  const workdir = join(root, 'work');
  for (const dir of [codexHome, home, workdir]) mkdirSync(dir);
  writeFileSync(join(codexHome, 'config.toml'), codexConfig(model, options.config));
  const args = [codexScript, 'exec', '--json', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--color', 'never', '-C', workdir, prompt];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    CODEX_HOME: codexHome,
    SWITCHYARD_TOKEN: serve.token,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ...options.env,
  };
  const run = await runClientProcess(process.execPath, args, {
    cwd: workdir,
    env,
    timeoutMs: codexTimeoutMs,
    name: 'codex exec',
    context: () => `switchyard:\n${serve.output()}`,
  });
  const events = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as CodexEvent);
  const finalMessage = events.filter((event) => event.type === 'item.completed' && event.item?.type === 'agent_message').at(-1)?.item?.text;
  return { ...run, events, workdir, finalMessage };
}

/** Everything Codex printed, for a failure message. */
const codexOutput = (run: CodexRun): string => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

function expectCodexSucceeded(run: CodexRun): void {
  const failures = run.events.filter((event) => event.type === 'turn.failed' || event.type === 'error');
  expect(failures, codexOutput(run)).toEqual([]);
  expect(run.code, codexOutput(run)).toBe(0);
  const completed = run.events.find((event) => event.type === 'turn.completed');
  // the usage Codex counts comes from response.completed
  expect(completed?.usage?.input_tokens, codexOutput(run)).toBeGreaterThan(0);
}

describe('Codex CLI (codex exec)', () => {
  it('one-shot: Codex prints the answer of a chat-completions model behind a route alias', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Switchyard relayed this answer to Codex.' });
    const from = openaiFake.requests.length;
    const run = await runCodex('fast', 'Say hello in one sentence.');
    expectCodexSucceeded(run);
    expect(run.finalMessage, codexOutput(run)).toBe('Switchyard relayed this answer to Codex.');

    const [upstream, ...more] = chatRequests(from);
    expect(more).toEqual([]);
    const body = upstream?.body as { model: string; tools?: Array<{ type: string; function?: { name: string } }> };
    expect(body.model).toBe('gpt-4o-mini');
    expect(JSON.stringify(chatMessages(upstream))).toContain('Say hello in one sentence.');
    // Codex's shell tool reaches a chat model as a function
    expect(body.tools?.map((tool) => tool.function?.name)).toContain('exec_command');
    expect(upstream?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(serve.token);
  }, 90_000);

  it('tool round: the model asks for exec_command, Codex runs it in the workspace and sends the output back', async () => {
    openaiFake.onChat = toolThenAnswer('exec_command', { cmd: 'echo switchyard-tool-ok' }, 'The command printed switchyard-tool-ok.');
    const from = openaiFake.requests.length;
    const run = await runCodex('fast', 'Run `echo switchyard-tool-ok` and tell me what it printed.');
    expectCodexSucceeded(run);

    const commands = run.events.filter((event) => event.type === 'item.completed' && event.item?.type === 'command_execution').map((event) => event.item);
    expect(commands, codexOutput(run)).toHaveLength(1);
    expect(commands[0]?.command).toContain('echo switchyard-tool-ok');
    expect(commands[0]?.exit_code).toBe(0);
    expect(commands[0]?.aggregated_output).toBe('switchyard-tool-ok\n');
    expect(run.finalMessage, codexOutput(run)).toBe('The command printed switchyard-tool-ok.');

    const upstream = chatRequests(from);
    expect(upstream).toHaveLength(2);
    // the second request carries the call and the command's output
    const assistant = chatMessages(upstream[1]).find((message) => message['role'] === 'assistant' && Array.isArray(message['tool_calls']));
    expect(JSON.stringify(assistant?.['tool_calls'])).toContain('exec_command');
    expect(toolMessageContents(upstream[1])).toContain('switchyard-tool-ok');
  }, 90_000);

  it('native route: Codex through a provider that speaks Responses (request forwarded as written)', async () => {
    answerNatively('A native Responses answer for Codex.');
    const from = openaiFake.requests.length;
    const run = await runCodex('openai/gpt-4.1', 'Say hello in one sentence.');
    expectCodexSucceeded(run);
    expect(run.finalMessage, codexOutput(run)).toBe('A native Responses answer for Codex.');

    const [upstream, ...more] = responsesRequests(from);
    expect(more).toEqual([]);
    expect(chatRequests(from)).toEqual([]);
    const body = upstream?.body as Record<string, unknown>;
    expect(body['model']).toBe('gpt-4.1');
    // Codex keeps no state upstream and asks for encrypted reasoning back; its hosted tools go as written
    expect(body['store']).toBe(false);
    expect(body['stream']).toBe(true);
    expect(body['include']).toEqual(['reasoning.encrypted_content']);
    expect(JSON.stringify(body['input'])).toContain('Say hello in one sentence.');
    expect((body['tools'] as Array<{ type: string; name?: string }>).map((tool) => tool.name ?? tool.type)).toEqual(
      expect.arrayContaining(['exec_command', 'web_search']),
    );
    expect(upstream?.headers.authorization).toBe(`Bearer ${providerKey}`);
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------------------
// AI SDK (`@ai-sdk/openai`'s default `openai(model)` is the Responses API)

describe('AI SDK: createOpenAI({ baseURL, apiKey }) and openai(model)', () => {
  const provider = (): ReturnType<typeof aiOpenAI.createOpenAI> => aiOpenAI.createOpenAI({ baseURL: serve.baseUrl, apiKey: serve.token });

  it('generateText', async () => {
    const from = openaiFake.requests.length;
    const result = await ai.generateText({ model: provider()('fast'), prompt: 'Say hello', maxRetries: 0 });
    expect(result.text).toBe('Hello from gpt-4o-mini!');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.usage.outputTokens).toBeGreaterThan(0);
    expect(JSON.stringify(chatMessages(chatRequests(from)[0]))).toContain('Say hello');
  });

  it('streamText: the text stream, the finish reason and usage', async () => {
    const errors: unknown[] = [];
    const result = ai.streamText({ model: provider()('fast'), prompt: 'Say hello', maxRetries: 0, onError: ({ error }) => void errors.push(error) });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(errors).toEqual([]);
    expect(text).toBe('Hello from gpt-4o-mini!');
    // both come from response.completed: without it the SDK reports an unfinished stream
    expect(await result.finishReason).toBe('stop');
    expect((await result.usage).totalTokens).toBeGreaterThan(0);
  });

  it('a tool round: the tool executes and the model answers from its result', async () => {
    openaiFake.onChat = toolThenAnswer('get_weather', { city: 'Paris' }, 'It is sunny in Paris.');
    const from = openaiFake.requests.length;
    const calls: unknown[] = [];
    const result = await ai.generateText({
      model: provider()('fast'),
      prompt: 'What is the weather in Paris?',
      maxRetries: 0,
      stopWhen: ai.stepCountIs(2),
      tools: {
        get_weather: ai.tool({
          description: 'The weather in a city',
          inputSchema: ai.jsonSchema<{ city: string }>({
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          }),
          execute: async (input: { city: string }) => {
            calls.push(input);
            return { city: input.city, forecast: 'sunny-from-tool' };
          },
        }),
      },
    });
    expect(calls).toEqual([{ city: 'Paris' }]);
    expect(result.steps).toHaveLength(2);
    expect(result.text).toBe('It is sunny in Paris.');
    const upstream = chatRequests(from);
    expect(upstream).toHaveLength(2);
    expect(toolMessageContents(upstream[1])).toContain('sunny-from-tool');
  });

  it('native route: generateText through a provider that speaks Responses', async () => {
    answerNatively('A native Responses answer for the AI SDK.');
    const from = openaiFake.requests.length;
    const result = await ai.generateText({ model: provider()('openai/gpt-4.1'), prompt: 'Say hello', maxRetries: 0 });
    expect(result.text).toBe('A native Responses answer for the AI SDK.');
    expect(responsesRequests(from).map((request) => (request.body as { model: string }).model)).toEqual(['gpt-4.1']);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Agents SDK (its default model provider is OpenAI's Responses API through the default client)

describe('@openai/agents: default client pointed at Switchyard, default model, a function tool', () => {
  function lookupAgent(calls: unknown[]): InstanceType<typeof agents.Agent> {
    const lookup = agents.tool({
      name: 'lookup',
      description: 'Look up a fact about a topic',
      parameters: { type: 'object', properties: { topic: { type: 'string' } }, required: ['topic'], additionalProperties: false },
      strict: true,
      execute: async (input: unknown) => {
        calls.push(input);
        return `fact about ${(input as { topic: string }).topic}: agents-tool-ok`;
      },
    });
    return new agents.Agent({ name: 'Assistant', instructions: 'Answer briefly.', tools: [lookup] });
  }

  it('run(): the tool executes and finalOutput is the answer', async () => {
    openaiFake.onChat = toolThenAnswer('lookup', { topic: 'Paris' }, 'Paris fact: agents-tool-ok.');
    const from = openaiFake.requests.length;
    const calls: unknown[] = [];
    const result = await agents.run(lookupAgent(calls), 'Tell me a fact about Paris.');
    expect(calls).toEqual([{ topic: 'Paris' }]);
    expect(result.finalOutput).toBe('Paris fact: agents-tool-ok.');
    const upstream = chatRequests(from);
    expect(upstream).toHaveLength(2);
    expect((upstream[0]?.body as { model: string }).model).toBe('gpt-4o-mini');
    expect(toolMessageContents(upstream[1])).toContain('fact about Paris: agents-tool-ok');
  });

  it('run(…, { stream: true }): the same round streamed', async () => {
    openaiFake.onChat = toolThenAnswer('lookup', { topic: 'Rome' }, 'Rome fact: agents-tool-ok.');
    const calls: unknown[] = [];
    const stream = await agents.run(lookupAgent(calls), 'Tell me a fact about Rome.', { stream: true });
    let text = '';
    for await (const delta of stream.toTextStream()) text += delta;
    await stream.completed;
    expect(calls).toEqual([{ topic: 'Rome' }]);
    expect(text).toBe('Rome fact: agents-tool-ok.');
    expect(stream.finalOutput).toBe('Rome fact: agents-tool-ok.');
  });
});

// ---------------------------------------------------------------------------------------------------------
// openai package: client.responses.*

describe('openai package: client.responses', () => {
  it('create (non-stream): text, id, status and usage', async () => {
    const response = await client.responses.create({ model: 'fast', input: 'Say hello' });
    expect(response.output_text).toBe('Hello from gpt-4o-mini!');
    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
  });

  it('create (stream: true): the event sequence and text', async () => {
    const stream = await client.responses.create({ model: 'fast', input: 'Say hello', stream: true });
    const types: string[] = [];
    let text = '';
    let completed: { readonly output: unknown; readonly usage?: { readonly total_tokens: number } | null } | undefined;
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
      if (event.type === 'response.completed') completed = event.response;
    }
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toEqual(
      expect.arrayContaining(['response.output_item.added', 'response.output_text.delta', 'response.output_text.done', 'response.output_item.done']),
    );
    expect(text).toBe('Hello from gpt-4o-mini!');
    expect(JSON.stringify(completed?.output)).toContain('Hello from gpt-4o-mini!');
    expect(completed?.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('responses.stream(…).finalResponse()', async () => {
    const final = await client.responses.stream({ model: 'fast', input: 'Say hello' }).finalResponse();
    expect(final.output_text).toBe('Hello from gpt-4o-mini!');
    expect(final.status).toBe('completed');
  });

  it('a stored response: retrieve, inputItems.list, delete', async () => {
    const created = await client.responses.create({ model: 'fast', input: 'Remember the word tangerine.' });
    const retrieved = await client.responses.retrieve(created.id);
    expect(retrieved.id).toBe(created.id);
    expect(retrieved.output_text).toBe('Hello from gpt-4o-mini!');

    const items: unknown[] = [];
    for await (const item of client.responses.inputItems.list(created.id)) items.push(item);
    expect(items).toHaveLength(1);
    expect(JSON.stringify(items[0])).toContain('Remember the word tangerine.');

    await client.responses.delete(created.id);
    const gone = await client.responses.retrieve(created.id).catch((caught: unknown) => caught);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('native route: create, non-stream and stream, through a provider that speaks Responses', async () => {
    answerNatively('A native Responses answer.');
    const from = openaiFake.requests.length;
    const response = await client.responses.create({ model: 'openai/gpt-4.1', input: 'Say hello' });
    expect(response.output_text).toBe('A native Responses answer.');
    const final = await client.responses.stream({ model: 'openai/gpt-4.1', input: 'Say hello' }).finalResponse();
    expect(final.output_text).toBe('A native Responses answer.');
    expect(responsesRequests(from).map((request) => request.body)).toEqual([
      { model: 'gpt-4.1', input: 'Say hello' },
      { model: 'gpt-4.1', input: 'Say hello', stream: true },
    ]);
  });

  it('previous_response_id across providers: turn 1 on OpenAI, turn 2 on Anthropic sees turn 1', async () => {
    answerNatively('Teal is a calm colour.');
    const first = await client.responses.create({ model: 'openai/gpt-4o-mini', input: 'My favourite colour is teal.' });
    expect(first.output_text).not.toBe('');
    const anthropicFrom = anthropicFake.messageRequests().length;
    const second = await client.responses.create({
      model: 'anthropic/claude-sonnet-4-5',
      input: 'What is my favourite colour?',
      previous_response_id: first.id,
    });
    expect(second.output_text).toBe('Hello from claude-sonnet-4-5!');
    expect(second.previous_response_id).toBe(first.id);

    const [upstream, ...more] = anthropicFake.messageRequests().slice(anthropicFrom) as AnthropicRecorded[];
    expect(more).toEqual([]);
    const messages = JSON.stringify((upstream?.body as { messages: unknown }).messages);
    expect(messages).toContain('My favourite colour is teal.');
    expect(messages).toContain(first.output_text);
    expect(messages).toContain('What is my favourite colour?');
    expect(messages.indexOf('My favourite colour is teal.')).toBeLessThan(messages.indexOf(first.output_text));
    expect(messages.indexOf(first.output_text)).toBeLessThan(messages.indexOf('What is my favourite colour?'));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Codex CLI: a model's context window (docs/responses-api.md)

// Codex has metadata for OpenAI's own models only; for a route alias it warns "Model metadata … not found" and
// assumes a 272,000-token window. `model_catalog_url` is no way out: each catalog entry must carry the model's full
// instructions, which replace Codex's own. The documented fix is two top-level config.toml keys, checked here:
// --strict-config accepts them, Codex runs with them, and it still sends its own instructions and tools.
describe('Codex CLI: the context window from config.toml', () => {
  it('model_context_window and model_auto_compact_token_limit reach Codex; its default instructions and tools still go upstream', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Context window noted.' });
    const from = openaiFake.requests.length;
    const run = await runCodex('fast', 'Say hello in one sentence.', {
      config: ['model_context_window = 128000', 'model_auto_compact_token_limit = 100000'],
      // Codex logs the window it uses for the session at info level
      env: { RUST_LOG: 'info' },
    });
    expectCodexSucceeded(run);
    expect(run.finalMessage, codexOutput(run)).toBe('Context window noted.');
    expect(run.stderr).toContain('context_window=128000');
    expect(run.stderr).toContain('auto_compact_token_limit=100000');

    const [upstream, ...more] = chatRequests(from);
    expect(more).toEqual([]);
    // Codex's built-in instructions (~17 KB) are the first message, as without the keys
    const instructions = JSON.stringify(chatMessages(upstream)[0]?.['content']);
    expect(instructions).toContain('You are a coding agent running in the Codex CLI');
    expect(instructions.length).toBeGreaterThan(5_000);
    const body = upstream?.body as { tools?: Array<{ function?: { name: string } }> };
    expect(body.tools?.map((tool) => tool.function?.name)).toContain('exec_command');
  }, 90_000);
});
