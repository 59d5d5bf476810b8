// Black-box: the real Claude Code CLI (`claude -p`, headless print mode, pinned in test/clients) pointed at a running
// `switchyard serve`, judged by what Claude Code itself prints and by what reached the provider fakes.
//
// Claude Code runs offline: a fresh HOME and CLAUDE_CONFIG_DIR, telemetry, error reporting, the auto-updater and
// non-essential traffic off. Checked with `strace -f -e trace=connect,sendto` (version 2.1.337): one connection, to
// 127.0.0.1, no DNS, no other socket; in -p mode it makes no start-up probe, no count_tokens call and no background
// (Haiku) call — the only Haiku traffic comes from a subagent the model asks for (see the wildcard case).
//
// Between Claude Code and Switchyard sits a tap: a transparent relay on 127.0.0.1 that records what Claude Code sent
// (body bytes, headers) and the x-switchyard-* headers it got back, which Claude Code does not print. It rewrites only
// the Host header, to Switchyard's own address (Switchyard refuses other Host names, against DNS rebinding).
//
// What Claude Code 2.1.337 sends: `POST /v1/messages?beta=true`, streamed, with `anthropic-beta` (claude-code-20250219,
// interleaved-thinking, context-management, …), system blocks with cache_control, every tool, thinking, and
// context_management. For a name it does not know (a route alias, provider/model) — and for the Claude 5 names — it
// puts one more `role: "system"` entry in `messages`, after the user turn: the environment and tool notes.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeAnthropic, fakeAnthropicKey } from '../fakes/anthropic-fake.js';
import { OllamaFake, defaultFakeModels as ollamaModels, type RecordedRequest as OllamaRecorded } from '../fakes/ollama-fake.js';
import { FakeOpenAI, type RecordedRequest, type Scenario } from '../fakes/openai-fake.js';
import { runClientProcess } from '../support/client-process.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const claudeBinary = fileURLToPath(new URL('../clients/node_modules/@anthropic-ai/claude-code/bin/claude.exe', import.meta.url));
const claudeTimeoutMs = 60_000;
/** each run's HOME and working directory, removed at the end */
const claudeRoots: string[] = [];

/** A local coding model with a context window as large as qwen3-coder's, so that Claude Code's requests fit it. */
const localCoder = 'qwen3-coder:30b';

let anthropicFake: FakeAnthropic;
let openaiFake: FakeOpenAI;
let ollamaFake: OllamaFake;
let serve: ServeProcess;
let tap: Tap;

beforeAll(async () => {
  anthropicFake = await FakeAnthropic.start();
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  ollamaFake = await OllamaFake.start({
    models: [...ollamaModels, { name: localCoder, capabilities: ['completion', 'tools'], contextLength: 262_144, family: 'qwen3moe', parameterSize: '30.5B' }],
  });
  serve = await startServe({
    config: {
      providers: [
        { id: 'anthropic', preset: 'anthropic', base_url: anthropicFake.baseUrl },
        { id: 'openai', base_url: openaiFake.baseUrl },
        { id: 'ollama', base_url: ollamaFake.baseUrl },
      ],
      routes: {
        smart: { targets: ['openai/gpt-4o-mini'] },
        // docs/claude-code.md's recipe: every Claude name to one model, the Haiku family to another
        'claude-*': { targets: ['openai/gpt-4.1'] },
        'claude-haiku-*': { targets: [`ollama/${localCoder}`] },
        // exact names win over the patterns: these two stay with Anthropic (passthrough)
        'claude-opus-4-6': { targets: ['anthropic/claude-opus-4-6'] },
        'claude-sonnet-5-5': { targets: ['anthropic/claude-sonnet-5-5'] },
      },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      // no OpenRouter price fetch (serve's only outside connection, 15 s after start)
      ledger: { price_refresh: false },
    },
    env: { OPENAI_API_KEY: providerKey, ANTHROPIC_API_KEY: fakeAnthropicKey },
  });
  tap = await startTap(serve.port);
});

afterAll(async () => {
  await tap?.close();
  await serve?.stop();
  await anthropicFake?.close();
  await openaiFake?.close();
  await ollamaFake?.close();
  for (const root of claudeRoots) rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  anthropicFake.onMessages = () => ({ kind: 'reply' });
  openaiFake.onChat = () => ({ kind: 'reply' });
  ollamaFake.onChat = undefined;
});

// ---------------------------------------------------------------------------------------------------------
// The tap: what Claude Code sent, and which route caught it

interface Tapped {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  readonly body: Record<string, unknown>;
  status?: number;
  responseHeaders?: IncomingHttpHeaders;
}

interface Tap {
  readonly url: string;
  readonly requests: Tapped[];
  close(): Promise<void>;
}

function startTap(port: number): Promise<Tap> {
  const requests: Tapped[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
      } catch {
        // not JSON (none of Claude Code's requests so far)
      }
      const tapped: Tapped = { method: request.method ?? 'GET', path: request.url ?? '/', headers: request.headers, rawBody, body };
      requests.push(tapped);
      const upstream = httpRequest(
        { host: '127.0.0.1', port, method: tapped.method, path: tapped.path, headers: { ...request.headers, host: `127.0.0.1:${port}` } },
        (answer) => {
          tapped.status = answer.statusCode;
          tapped.responseHeaders = answer.headers;
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on('error', () => response.destroy());
      upstream.end(rawBody);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      resolve({
        url,
        requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Claude Code's POST /v1/messages (not count_tokens) from tap position `from` on. */
const messagesFrom = (from: number): Tapped[] =>
  tap.requests.slice(from).filter((request) => request.method === 'POST' && request.path.split('?')[0] === '/v1/messages');

// ---------------------------------------------------------------------------------------------------------
// Running Claude Code

interface ClaudeRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly workdir: string;
  /** position in tap.requests when the run started */
  readonly from: number;
}

interface ClaudeOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  /** send the token as x-api-key (ANTHROPIC_API_KEY) instead of Authorization: Bearer (ANTHROPIC_AUTH_TOKEN) */
  readonly apiKeyHeader?: boolean;
}

/** `claude -p <prompt>` in a fresh HOME, config dir, TMPDIR and working directory; the process group is killed after 60 s. */
async function runClaude(prompt: string, options: ClaudeOptions = {}): Promise<ClaudeRun> {
  const root = mkdtempSync(join(tmpdir(), 'sy-claude-'));
  claudeRoots.push(root);
  const home = join(root, 'home');
  const workdir = join(root, 'work');
  // Claude Code keeps per-project scratch files (tool output, fs-watch probes) in $TMPDIR/claude-<uid>
  const scratch = join(root, 'tmp');
  for (const dir of [home, workdir, scratch]) mkdirSync(dir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    TMPDIR: scratch,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    ANTHROPIC_BASE_URL: tap.url,
    [options.apiKeyHeader ? 'ANTHROPIC_API_KEY' : 'ANTHROPIC_AUTH_TOKEN']: serve.token,
    DISABLE_TELEMETRY: '1',
    DISABLE_ERROR_REPORTING: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_NON_ESSENTIAL_MODEL_CALLS: '1',
    ...options.env,
  };
  const from = tap.requests.length;
  const run = await runClientProcess(claudeBinary, ['-p', prompt, ...(options.args ?? [])], {
    cwd: workdir,
    env,
    timeoutMs: claudeTimeoutMs,
    name: 'claude -p',
    context: () => `switchyard:\n${serve.output()}`,
  });
  return { ...run, workdir, from };
}

/** Everything Claude Code printed and what it sent, for a failure message. */
function claudeOutput(run: ClaudeRun): string {
  const sent = messagesFrom(run.from).map(
    (request) => `${String(request.body['model'])} → ${request.status} ${request.responseHeaders?.['x-switchyard-attempts'] ?? ''}`,
  );
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}\nrequests:\n${sent.join('\n')}`;
}

/** Claude Code exited 0 and printed exactly `answer`. */
function expectAnswer(run: ClaudeRun, answer: string): void {
  expect(run.stdout.trim(), claudeOutput(run)).toBe(answer);
  expect(run.code, claudeOutput(run)).toBe(0);
}

// ---------------------------------------------------------------------------------------------------------
// What reached the fakes

interface Block {
  readonly type: string;
  readonly text?: string;
  readonly cache_control?: unknown;
  readonly tool_use_id?: string;
  readonly content?: unknown;
}
interface ClientMessage {
  readonly role: string;
  readonly content: string | Block[];
}
interface ChatMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
  readonly tool_call_id?: string;
}

const clientMessages = (request: Tapped | undefined): ClientMessage[] => (request?.body['messages'] as ClientMessage[] | undefined) ?? [];
const clientSystem = (request: Tapped | undefined): Block[] => (request?.body['system'] as Block[] | undefined) ?? [];
const clientToolNames = (request: Tapped | undefined): string[] =>
  ((request?.body['tools'] as Array<{ name: string }> | undefined) ?? []).map((tool) => tool.name);
const textOf = (content: string | Block[] | unknown): string =>
  typeof content === 'string' ? content : Array.isArray(content) ? (content as Block[]).map((block) => block.text ?? '').join('\n') : '';

const chatMessages = (request: RecordedRequest | OllamaRecorded | undefined): ChatMessage[] =>
  (request?.body as { messages?: ChatMessage[] } | undefined)?.messages ?? [];
const hasToolResult = (request: RecordedRequest): boolean => chatMessages(request).some((message) => message.role === 'tool');
const chatFrom = (from: number): RecordedRequest[] => openaiFake.chatRequests().filter((request) => request.index >= from);
const ollamaChats = (from: number): OllamaRecorded[] => ollamaFake.requestsTo('/api/chat').slice(from);
const anthropicMessages = (from: number) => anthropicFake.messageRequests().filter((request) => request.index >= from);

/** First call: one tool call; once a tool result comes back: `answer`. */
function toolThenAnswer(name: string, args: unknown, answer: string): (request: RecordedRequest) => Scenario {
  return (request) => (hasToolResult(request) ? { kind: 'reply', content: answer } : { kind: 'reply', toolCalls: [{ name, arguments: JSON.stringify(args) }] });
}

const header = (request: Tapped | undefined, name: string): string | undefined => {
  const value = request?.responseHeaders?.[name];
  return Array.isArray(value) ? value.join(',') : value;
};

// ---------------------------------------------------------------------------------------------------------

describe('Claude Code (claude -p) through Switchyard', () => {
  it("ANTHROPIC_MODEL=ollama/<model>: translated to Ollama, Claude Code prints the local model's answer", async () => {
    ollamaFake.onChat = () => ({ kind: 'reply', content: 'Ollama answered Claude Code.' });
    const ollamaFrom = ollamaFake.requestsTo('/api/chat').length;
    const run = await runClaude('Say hello in one sentence.', { env: { ANTHROPIC_MODEL: `ollama/${localCoder}` } });
    expectAnswer(run, 'Ollama answered Claude Code.');

    // What Claude Code sent: one streamed request, no probe, no count_tokens
    const sent = messagesFrom(run.from);
    expect(tap.requests.slice(run.from).map((request) => request.path)).toEqual(['/v1/messages?beta=true']);
    const [client] = sent;
    expect(client?.body).toMatchObject({ model: `ollama/${localCoder}`, stream: true, thinking: { type: 'adaptive' } });
    expect(client?.headers['authorization']).toBe(`Bearer ${serve.token}`);
    expect(client?.headers['anthropic-beta']).toContain('claude-code-20250219');
    // the shape Claude Code uses for a name it does not know: a system entry among the messages, after the user turn
    expect(clientMessages(client).map((message) => message.role)).toEqual(['user', 'system']);
    expect(textOf(clientMessages(client)[0]?.content)).toContain('Say hello in one sentence.');
    expect(clientSystem(client).some((block) => block.cache_control !== undefined)).toBe(true);
    expect(header(client, 'x-switchyard-provider')).toBe('ollama');
    expect(header(client, 'x-switchyard-model')).toBe(localCoder);

    // What Ollama got: the same conversation in chat form, system text in place, every tool as a function
    const [upstream, ...more] = ollamaChats(ollamaFrom);
    expect(more).toEqual([]);
    const body = upstream?.body as {
      model: string;
      stream: boolean;
      messages: ChatMessage[];
      tools: Array<{ type: string; function: { name: string } }>;
      options?: { num_predict?: number; num_ctx?: number };
    };
    expect(body.model).toBe(localCoder);
    expect(body.stream).toBe(true);
    expect(body.options?.num_predict).toBe(client?.body['max_tokens']);
    // Claude Code's prompt is far past Ollama's default 4096-token context, which would cut its start: the request
    // asks for a power of two that holds it (and room for an answer)
    expect(body.options?.num_ctx).toBeGreaterThanOrEqual(16_384);
    expect(body.options?.num_ctx).toBeLessThanOrEqual(262_144);
    expect(Math.log2(body.options?.num_ctx ?? 0) % 1).toBe(0);
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user', 'system']);
    // every system block but Claude Code's billing header, whose changing suffix would break the local prompt cache
    const billing = clientSystem(client).filter((block) => (block.text ?? '').startsWith('x-anthropic-billing-header:'));
    expect(billing).toHaveLength(1);
    for (const block of clientSystem(client)) {
      if (billing.includes(block)) expect(textOf(body.messages[0]?.content)).not.toContain(block.text);
      else expect(textOf(body.messages[0]?.content)).toContain(block.text);
    }
    expect(textOf(body.messages[1]?.content)).toBe(textOf(clientMessages(client)[0]?.content));
    expect(textOf(body.messages[2]?.content)).toBe(textOf(clientMessages(client)[1]?.content));
    expect(body.tools.map((tool) => tool.function.name)).toEqual(clientToolNames(client));
    // Anthropic-only fields stay behind; the model cannot think, so no `think`
    const text = upstream?.rawBody ?? '';
    for (const field of ['cache_control', 'context_management', 'anthropic-beta', '"think"']) expect(text).not.toContain(field);
  });

  it("ANTHROPIC_MODEL=<route alias>: the alias's OpenAI-compatible target answers", async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'The smart route answered.' });
    const openaiFrom = openaiFake.requests.length;
    const run = await runClaude('What is 6 times 7?', { env: { ANTHROPIC_MODEL: 'smart' } });
    expectAnswer(run, 'The smart route answered.');

    const [client, ...moreSent] = messagesFrom(run.from);
    expect(moreSent).toEqual([]);
    expect(client?.body['model']).toBe('smart');
    expect(clientMessages(client).map((message) => message.role)).toEqual(['user', 'system']);
    expect(header(client, 'x-switchyard-route')).toBe('smart');
    expect(header(client, 'x-switchyard-provider')).toBe('openai');

    const [upstream, ...more] = chatFrom(openaiFrom);
    expect(more).toEqual([]);
    const body = upstream?.body as { model: string; max_tokens: number; stream: boolean; tools: Array<{ type: string; function: { name: string } }> };
    expect(body).toMatchObject({ model: 'gpt-4o-mini', stream: true, max_tokens: client?.body['max_tokens'] });
    expect(chatMessages(upstream).map((message) => message.role)).toEqual(['system', 'user', 'system']);
    expect(textOf(chatMessages(upstream)[1]?.content)).toContain('What is 6 times 7?');
    expect(body.tools.map((tool) => tool.function.name)).toEqual(clientToolNames(client));
    expect(upstream?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(serve.token);
  });

  describe('wildcard routes (claude-* → OpenAI, claude-haiku-* → Ollama), no ANTHROPIC_MODEL', () => {
    it('the main request lands on claude-*; in -p mode Claude Code makes no background call of its own', async () => {
      openaiFake.onChat = () => ({ kind: 'reply', content: 'The claude-* route answered.' });
      const openaiFrom = openaiFake.requests.length;
      const ollamaFrom = ollamaFake.requestsTo('/api/chat').length;
      const run = await runClaude('Say hello.');
      expectAnswer(run, 'The claude-* route answered.');

      const sent = messagesFrom(run.from);
      expect(sent, claudeOutput(run)).toHaveLength(1);
      const model = String(sent[0]?.body['model']);
      expect(model).toMatch(/^claude-(opus|sonnet)-/); // Claude Code's default model (2.1.337: claude-opus-5-5)
      expect(model).not.toMatch(/haiku/);
      expect(header(sent[0], 'x-switchyard-route')).toBe('claude-*');
      expect(header(sent[0], 'x-switchyard-model')).toBe('gpt-4.1');
      expect((chatFrom(openaiFrom)[0]?.body as { model: string }).model).toBe('gpt-4.1');
      expect(ollamaChats(ollamaFrom)).toEqual([]);
    });

    it('a Haiku subagent (the model asks for one) lands on claude-haiku-*; its report goes back to the main model', async () => {
      openaiFake.onChat = toolThenAnswer(
        'Agent',
        { description: 'Greet briefly', prompt: 'Reply with a one-line greeting.', subagent_type: 'general-purpose', model: 'haiku', run_in_background: false },
        'The subagent has reported back.',
      );
      ollamaFake.onChat = () => ({ kind: 'reply', content: 'Haiku subagent report: hello.' });
      const openaiFrom = openaiFake.requests.length;
      const ollamaFrom = ollamaFake.requestsTo('/api/chat').length;
      const anthropicFrom = anthropicFake.requests.length;
      const run = await runClaude('Ask a haiku subagent to greet.', { args: ['--allowedTools', 'Agent'] });
      expectAnswer(run, 'The subagent has reported back.');

      const sent = messagesFrom(run.from);
      const haiku = sent.filter((request) => /haiku/.test(String(request.body['model'])));
      const main = sent.filter((request) => !/haiku/.test(String(request.body['model'])));
      expect(haiku, claudeOutput(run)).toHaveLength(1);
      expect(main, claudeOutput(run)).toHaveLength(2);
      expect(String(haiku[0]?.body['model'])).toMatch(/^claude-haiku-/); // 2.1.337: claude-haiku-5-5
      expect(header(haiku[0], 'x-switchyard-route')).toBe('claude-haiku-*');
      expect(header(haiku[0], 'x-switchyard-provider')).toBe('ollama');
      expect(header(haiku[0], 'x-switchyard-model')).toBe(localCoder);
      for (const request of main) {
        expect(header(request, 'x-switchyard-route')).toBe('claude-*');
        expect(header(request, 'x-switchyard-model')).toBe('gpt-4.1');
      }

      // the subagent's request reached Ollama; its answer came back to the main model as the Agent tool's result
      const [subagent, ...moreLocal] = ollamaChats(ollamaFrom);
      expect(moreLocal).toEqual([]);
      expect((subagent?.body as { model: string }).model).toBe(localCoder);
      // Claude Code marks the subagent in its billing-header block, which stays behind for a translated target
      expect(clientSystem(haiku[0]).some((block) => (block.text ?? '').includes('cc_is_subagent=true'))).toBe(true);
      expect(JSON.stringify(chatMessages(subagent))).not.toContain('x-anthropic-billing-header');
      expect(JSON.stringify(chatMessages(subagent))).toContain('Reply with a one-line greeting.');
      const upstream = chatFrom(openaiFrom);
      expect(upstream).toHaveLength(2);
      const toolMessage = chatMessages(upstream[1]).find((message) => message.role === 'tool');
      expect(textOf(toolMessage?.content)).toContain('Haiku subagent report: hello.');
      expect(anthropicMessages(anthropicFrom)).toEqual([]);
    });
  });

  describe('passthrough to the Anthropic provider', () => {
    it('a Claude name: the request reaches Anthropic byte for byte, beta header and all; Claude Code prints the answer', async () => {
      anthropicFake.onMessages = () => ({ kind: 'reply', content: [{ type: 'text', text: 'Anthropic answered through Switchyard.' }] });
      const anthropicFrom = anthropicFake.requests.length;
      const run = await runClaude('Say hello.', { env: { ANTHROPIC_MODEL: 'claude-opus-4-6' }, apiKeyHeader: true });
      expectAnswer(run, 'Anthropic answered through Switchyard.');

      const [client, ...moreSent] = messagesFrom(run.from);
      expect(moreSent).toEqual([]);
      expect(client?.headers['x-api-key']).toBe(serve.token);
      // the exact route wins over claude-*
      expect(header(client, 'x-switchyard-route')).toBe('claude-opus-4-6');
      expect(header(client, 'x-switchyard-provider')).toBe('anthropic');
      expect(header(client, 'request-id')).toMatch(/^req_/);

      const [upstream, ...more] = anthropicMessages(anthropicFrom);
      expect(more).toEqual([]);
      // the model name is the same, so not even it changes: the bytes Claude Code sent are the bytes Anthropic got
      expect(upstream?.rawBody.equals(client?.rawBody ?? Buffer.alloc(0))).toBe(true);
      expect(upstream?.headers['anthropic-beta']).toBe(client?.headers['anthropic-beta']);
      expect(upstream?.headers['anthropic-version']).toBe(client?.headers['anthropic-version']);
      expect(upstream?.headers['x-api-key']).toBe(fakeAnthropicKey);
      expect(JSON.stringify(upstream?.headers)).not.toContain(serve.token);
      // unlike the translated requests: system blocks with cache_control, thinking, context_management, metadata
      const body = upstream?.body as Record<string, unknown>;
      expect(body['model']).toBe('claude-opus-4-6');
      expect((body['system'] as Block[]).filter((block) => block.cache_control !== undefined).length).toBeGreaterThan(0);
      expect(body).toMatchObject({
        stream: true,
        thinking: { type: 'adaptive' },
        context_management: { edits: expect.any(Array) },
        metadata: { user_id: expect.any(String) },
      });
      expect(clientMessages(client).map((message) => message.role)).toEqual(['user']);
    });

    it("a Claude 5 name: Claude Code's system entry among the messages is moved into `system` for Anthropic", async () => {
      anthropicFake.onMessages = () => ({ kind: 'reply', content: [{ type: 'text', text: 'Sonnet 5.5 answered.' }] });
      const anthropicFrom = anthropicFake.requests.length;
      const run = await runClaude('Say hello.', { env: { ANTHROPIC_MODEL: 'claude-sonnet-5-5' } });
      expectAnswer(run, 'Sonnet 5.5 answered.');

      const [client] = messagesFrom(run.from);
      const sentMessages = clientMessages(client);
      expect(sentMessages.map((message) => message.role)).toEqual(['user', 'system']);
      const [upstream, ...more] = anthropicMessages(anthropicFrom);
      expect(more).toEqual([]);
      const body = upstream?.body as Record<string, unknown>;
      const entry = sentMessages[1]?.content;
      expect(body['messages']).toEqual([sentMessages[0]]);
      expect(body['system']).toEqual([...clientSystem(client), ...(typeof entry === 'string' ? [{ type: 'text', text: entry }] : (entry ?? []))]);
      const { messages: _sentMessages, system: _sentSystem, ...sentRest } = client?.body ?? {};
      const { messages: _upMessages, system: _upSystem, ...upstreamRest } = body;
      expect(upstreamRest).toEqual(sentRest);
      expect(upstream?.headers['anthropic-beta']).toBe(client?.headers['anthropic-beta']);
    });
  });

  it('tool round: the model asks for Bash, Claude Code runs it in its working directory and sends the output back', async () => {
    openaiFake.onChat = toolThenAnswer(
      'Bash',
      { command: 'pwd && echo switchyard-tool-ok', description: 'Print the working directory and a marker' },
      'The command printed the marker.',
    );
    const openaiFrom = openaiFake.requests.length;
    const run = await runClaude('Run the marker command.', { env: { ANTHROPIC_MODEL: 'smart' }, args: ['--allowedTools', 'Bash'] });
    expectAnswer(run, 'The command printed the marker.');

    const upstream = chatFrom(openaiFrom);
    expect(upstream, claudeOutput(run)).toHaveLength(2);
    const messages = chatMessages(upstream[1]);
    const call = messages.find((message) => message.role === 'assistant')?.tool_calls?.[0];
    expect(call?.function.name).toBe('Bash');
    const result = messages.find((message) => message.role === 'tool');
    expect(result?.tool_call_id).toBe(call?.id);
    expect(textOf(result?.content)).toBe(`${run.workdir}\nswitchyard-tool-ok`);

    // on Claude Code's side: a tool_use answered by a tool_result with the same id
    const sent = messagesFrom(run.from);
    expect(sent).toHaveLength(2);
    const toolResult = clientMessages(sent[1])
      .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
      .find((block) => block.type === 'tool_result');
    expect(toolResult?.tool_use_id).toBe(call?.id);
  });

  // docs/claude-code.md suggests `ANTHROPIC_DEFAULT_HAIKU_MODEL=ollama/qwen3:8b` and `claude-haiku-*: ollama/qwen3:8b`.
  // Claude Code asks for max_tokens 32000 (a name it does not know) or 128000 (Claude 5 names); the gateway counts
  // that whole reservation against the model's context window (routing/requirements.ts) and skips qwen3:8b (40960),
  // so every request is a 400 "no target can serve this request" — though Ollama itself would serve it.
  it('ANTHROPIC_MODEL=ollama/qwen3:8b (the documented local model, 40,960-token window) answers', async () => {
    ollamaFake.onChat = () => ({ kind: 'reply', content: 'qwen3 answered.' });
    const run = await runClaude('Say hello.', { env: { ANTHROPIC_MODEL: 'ollama/qwen3:8b' } });
    expectAnswer(run, 'qwen3 answered.');
  });
});
