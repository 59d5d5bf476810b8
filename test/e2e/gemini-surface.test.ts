// Black-box: the Gemini-compatible surface (/v1beta/models/*) of a running `switchyard serve`, driven by the real
// clients that speak Gemini's API — Gemini CLI and the @google/genai SDK, from the pinned test package in
// test/clients — and judged by what each client itself prints or returns.
//
// Two ways to a model are exercised:
// - `gemini-*` (a wildcard route) and `chatonly/…`: an OpenAI-compatible provider, so the gateway translates
//   Gemini → chat completions and back (the OpenAI fake answers);
// - `google/…`: the Gemini provider, which takes Gemini's format itself, so the request goes upstream as written and
//   the answer comes back unchanged (the Gemini fake answers, and checks Gemini 3's thought signatures).
//
// Gemini CLI runs headless in a temp HOME: API-key auth, telemetry, usage statistics, update checks and IDE
// integration off (settings.json below). Run under strace, such a run connects to nothing but Switchyard's port.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as GenAIModule from '../clients/node_modules/@google/genai/dist/genai.js';
import { FakeOpenAI, rateLimited, type RecordedRequest } from '../fakes/openai-fake.js';
import { GeminiFake, type RecordedRequest as GeminiRecorded } from '../fakes/gemini-fake.js';
import { LedgerReader, ledgerFilesContaining } from '../support/ledger-reader.js';
import { runClientProcess } from '../support/client-process.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';

const providerKey = 'sk-proj-UPSTREAMKEY0123456789abcdefABCDEF';
const geminiKey = 'AIzaFAKEGEMINIKEY0123456789abcdefABCD';
const requireClient = createRequire(new URL('../clients/package.json', import.meta.url));
const geminiScript = fileURLToPath(new URL('../clients/node_modules/@google/gemini-cli/bundle/gemini.js', import.meta.url));
const cliTimeoutMs = 60_000;
const cliRoots: string[] = [];

let genai: typeof GenAIModule;
let openaiFake: FakeOpenAI;
let geminiFake: GeminiFake;
let serve: ServeProcess;
let client: GenAIModule.GoogleGenAI;

beforeAll(async () => {
  genai = (await import(pathToFileURL(requireClient.resolve('@google/genai')).href)) as typeof GenAIModule;
  openaiFake = await FakeOpenAI.start({ apiKey: providerKey });
  geminiFake = await GeminiFake.start({ apiKey: geminiKey });
  serve = await startServe({
    config: {
      providers: [
        { id: 'chatonly', type: 'openai-compatible', base_url: openaiFake.baseUrl, api_key_env: 'CHATONLY_API_KEY' },
        { id: 'google', type: 'gemini', base_url: geminiFake.baseUrl, api_key_env: 'GOOGLE_FAKE_KEY' },
      ],
      // Gemini CLI asks for Gemini model names: this route sends them all to the chat-completions fake
      routes: { 'gemini-*': { targets: ['chatonly/gpt-4o-mini'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
    },
    env: { CHATONLY_API_KEY: providerKey, GOOGLE_FAKE_KEY: geminiKey },
  });
  client = new genai.GoogleGenAI({ apiKey: serve.token, httpOptions: { baseUrl: serve.url, timeout: 20_000 } });
});

afterAll(async () => {
  await serve?.stop();
  await openaiFake?.close();
  await geminiFake?.close();
  for (const root of cliRoots) rmSync(root, { recursive: true, force: true });
});

afterEach(() => {
  openaiFake.onChat = () => ({ kind: 'reply' });
  geminiFake.onGenerate = undefined;
});

function chatMessages(request: RecordedRequest | undefined): Array<Record<string, unknown>> {
  const messages = (request?.body as { messages?: unknown } | undefined)?.messages;
  return Array.isArray(messages) ? (messages as Array<Record<string, unknown>>) : [];
}

const hasToolResult = (request: RecordedRequest): boolean => chatMessages(request).some((message) => message['role'] === 'tool');
const chatRequests = (from: number): RecordedRequest[] =>
  openaiFake.requests.filter((request) => request.index >= from && request.path.startsWith('/v1/chat/completions'));
const generateRequests = (from: number): GeminiRecorded[] => geminiFake.generateRequests().filter((request) => request.index >= from);

function hasFunctionResponse(request: GeminiRecorded): boolean {
  const contents = (request.body as { contents?: Array<{ parts?: Array<Record<string, unknown>> }> }).contents ?? [];
  return contents.some((content) => (content.parts ?? []).some((part) => part['functionResponse'] !== undefined));
}

// ---------------------------------------------------------------------------------------------------------
// Gemini CLI

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly workdir: string;
}

/** `gemini -p` in a fresh HOME and workspace; the whole process group is killed after 60 s. */
async function runGeminiCli(model: string, prompt: string, files: Record<string, string> = {}): Promise<CliRun> {
  const root = mkdtempSync(join(tmpdir(), 'sy-gemini-cli-'));
  cliRoots.push(root);
  const home = join(root, 'home');
  const workdir = join(root, 'work');
  mkdirSync(join(home, '.gemini'), { recursive: true });
  mkdirSync(workdir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(workdir, name), text);
  const settings = {
    // GOOGLE_GEMINI_BASE_URL alone selects the "gateway" auth type, which this release's -p mode refuses
    security: { auth: { selectedType: 'gemini-api-key' } },
    privacy: { usageStatisticsEnabled: false },
    telemetry: { enabled: false },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    ide: { enabled: false },
  };
  writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify(settings));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    NO_COLOR: '1',
    GOOGLE_GEMINI_BASE_URL: serve.url,
    GEMINI_API_KEY: serve.token,
  };
  const args = [geminiScript, '--skip-trust', '-m', model, '-p', prompt];
  const run = await runClientProcess(process.execPath, args, {
    cwd: workdir,
    env,
    timeoutMs: cliTimeoutMs,
    name: 'gemini -p',
    context: () => `switchyard:\n${serve.output()}`,
  });
  return { ...run, workdir };
}

const cliOutput = (run: CliRun): string => `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

describe('Gemini CLI (gemini -p)', () => {
  it('one-shot: prints the answer of a chat-completions model behind a Gemini model name', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Switchyard relayed this answer to Gemini CLI.' });
    const from = openaiFake.requests.length;
    const run = await runGeminiCli('gemini-2.5-flash', 'Say hello in one sentence.');
    expect(run.code, cliOutput(run)).toBe(0);
    expect(run.stdout, cliOutput(run)).toContain('Switchyard relayed this answer to Gemini CLI.');

    const [upstream] = chatRequests(from);
    const body = upstream?.body as { model: string; stream?: boolean; tools?: Array<{ function?: { name: string } }> };
    expect(body.model).toBe('gpt-4o-mini');
    expect(body.stream).toBe(true);
    expect(chatMessages(upstream)[0]?.['role']).toBe('system');
    expect(JSON.stringify(chatMessages(upstream))).toContain('Say hello in one sentence.');
    expect(body.tools?.map((tool) => tool.function?.name)).toContain('read_file');
    expect(upstream?.headers.authorization).toBe(`Bearer ${providerKey}`);
    expect(JSON.stringify(upstream?.headers)).not.toContain(serve.token);
  }, 90_000);

  it('tool round: the model asks for read_file, Gemini CLI reads the file and sends the content back', async () => {
    openaiFake.onChat = (request) =>
      hasToolResult(request)
        ? { kind: 'reply', content: 'The note says: switchyard-gemini-ok.' }
        : { kind: 'reply', toolCalls: [{ name: 'read_file', arguments: JSON.stringify({ file_path: 'note.txt' }) }] };
    const from = openaiFake.requests.length;
    const run = await runGeminiCli('gemini-2.5-flash', 'What does note.txt say?', { 'note.txt': 'switchyard-gemini-ok\n' });
    expect(run.code, cliOutput(run)).toBe(0);
    expect(run.stdout, cliOutput(run)).toContain('The note says: switchyard-gemini-ok.');
    const withResult = chatRequests(from).find(hasToolResult);
    const toolMessage = chatMessages(withResult).find((message) => message['role'] === 'tool');
    expect(String(toolMessage?.['content'])).toContain('switchyard-gemini-ok');
    // the tool message answers the call the model made, by its id
    const assistant = chatMessages(withResult).find((message) => message['role'] === 'assistant') as { tool_calls?: Array<{ id: string }> } | undefined;
    expect(toolMessage?.['tool_call_id']).toBe(assistant?.tool_calls?.[0]?.id);
  }, 90_000);

  it("passthrough: a Gemini 3 target gets Gemini CLI's requests as written, thought signatures and all", async () => {
    geminiFake.onGenerate = (request) =>
      hasFunctionResponse(request)
        ? { kind: 'reply', text: 'Gemini read it: switchyard-passthrough-ok.' }
        : { kind: 'reply', functionCalls: [{ name: 'read_file', args: { file_path: 'note.txt' } }] };
    const from = geminiFake.requests.length;
    const run = await runGeminiCli('google/gemini-3-pro-preview', 'What does note.txt say?', { 'note.txt': 'switchyard-passthrough-ok\n' });
    expect(run.code, cliOutput(run)).toBe(0);
    expect(run.stdout, cliOutput(run)).toContain('Gemini read it: switchyard-passthrough-ok.');
    const requests = generateRequests(from);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const request of requests) {
      expect(request.path).toMatch(/^\/v1beta\/models\/gemini-3-pro-preview:streamGenerateContent\?alt=sse$/);
      expect(request.headers['x-goog-api-key']).toBe(geminiKey);
      expect(JSON.stringify(request.headers)).not.toContain(serve.token);
    }
    // the second turn carried the signature the fake issued on the function call (else the fake answers 400)
    const second = requests.find(hasFunctionResponse);
    expect(JSON.stringify(second?.body)).toContain('thoughtSignature');
    expect((second?.body as { systemInstruction?: unknown }).systemInstruction).toBeDefined();
  }, 90_000);
});

// ---------------------------------------------------------------------------------------------------------
// @google/genai

describe('@google/genai SDK', () => {
  it('generateContent: text and usage from a chat-completions target; modelVersion is the name asked for', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Hello from the SDK test.' });
    const response = await client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Say hello',
      config: { systemInstruction: 'Be brief.', temperature: 0.3, maxOutputTokens: 64 },
    });
    expect(response.text).toBe('Hello from the SDK test.');
    expect(response.modelVersion).toBe('gemini-2.5-flash');
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    const upstream = openaiFake.requests.at(-1);
    expect(upstream?.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.3,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hello' },
      ],
    });
  });

  it('generateContentStream: the text arrives in pieces, the last with finishReason and usage', async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'one two three four' });
    const pieces: string[] = [];
    let last: GenAIModule.GenerateContentResponse | undefined;
    for await (const chunk of await client.models.generateContentStream({ model: 'chatonly/gpt-4o-mini', contents: 'Count' })) {
      if (chunk.text) pieces.push(chunk.text);
      last = chunk;
    }
    expect(pieces.join('')).toBe('one two three four');
    expect(pieces.length).toBeGreaterThan(1);
    expect(last?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(last?.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
  });

  it('a function call round: functionCalls out, functionResponse back as a tool message', async () => {
    openaiFake.onChat = (request) =>
      hasToolResult(request)
        ? { kind: 'reply', content: 'It is 21°C in Paris.' }
        : { kind: 'reply', toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }] };
    const tools = [
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Current weather',
            parameters: { type: genai.Type.OBJECT, properties: { city: { type: genai.Type.STRING } }, required: ['city'] },
          },
        ],
      },
    ];
    const first = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Weather in Paris?', config: { tools } });
    const call = first.functionCalls?.[0];
    expect(call).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    const history: GenAIModule.Content[] = [
      { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
      first.candidates?.[0]?.content as GenAIModule.Content,
      { role: 'user', parts: [{ functionResponse: { id: call?.id, name: 'get_weather', response: { output: '21°C' } } }] },
    ];
    const second = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: history, config: { tools } });
    expect(second.text).toBe('It is 21°C in Paris.');
    const upstream = openaiFake.requests.at(-1);
    const tool = chatMessages(upstream).find((message) => message['role'] === 'tool');
    expect(tool).toMatchObject({ content: '21°C', tool_call_id: call?.id });
    expect((upstream?.body as { tools?: unknown }).tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Current weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ]);
  });

  it("API version v1beta too (what Gemini CLI calls), not only the SDK's default v1", async () => {
    openaiFake.onChat = () => ({ kind: 'reply', content: 'Hello at v1beta.' });
    const beta = new genai.GoogleGenAI({ apiKey: serve.token, httpOptions: { baseUrl: serve.url, apiVersion: 'v1beta', timeout: 20_000 } });
    expect((await beta.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })).text).toBe('Hello at v1beta.');
    const names = [];
    for await (const model of await beta.models.list()) names.push(model.name);
    expect(names).toContain('models/chatonly/gpt-4o-mini');
  });

  it('passthrough: a Gemini target answers with its own body, thoughts included', async () => {
    const response = await client.models.generateContent({
      model: 'google/gemini-2.5-flash',
      contents: 'hi',
      config: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
    expect(response.text).toBe('Hello from gemini-2.5-flash!');
    expect(response.candidates?.[0]?.content?.parts?.some((part) => part.thought === true)).toBe(true);
    expect(response.usageMetadata?.thoughtsTokenCount).toBeGreaterThan(0);
    const upstream = geminiFake.generateRequests().at(-1);
    expect(upstream?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(upstream?.body).toMatchObject({
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      generationConfig: { thinkingConfig: { includeThoughts: true, thinkingBudget: 1024 } },
    });
  });

  it('countTokens: an estimate for any routable model', async () => {
    const counted = await client.models.countTokens({ model: 'gemini-2.5-flash', contents: 'How many tokens is this sentence?' });
    expect(counted.totalTokens).toBeGreaterThan(0);
  });

  it('embedContent: vectors from an OpenAI-compatible target and from a Gemini one', async () => {
    const viaOpenAI = await client.models.embedContent({ model: 'chatonly/text-embedding-3-small', contents: ['first text', 'second text'] });
    expect(viaOpenAI.embeddings).toHaveLength(2);
    expect(viaOpenAI.embeddings?.[0]?.values?.length).toBeGreaterThan(0);
    const viaGemini = await client.models.embedContent({ model: 'google/gemini-embedding-001', contents: 'one text', config: { outputDimensionality: 16 } });
    expect(viaGemini.embeddings?.[0]?.values).toHaveLength(16);
  });

  it("errors come back in Gemini's shape, as the SDK's ApiError with the right status", async () => {
    const unknown = await client.models.generateContent({ model: 'no-such-model', contents: 'hi' }).catch((error: unknown) => error);
    expect(unknown).toBeInstanceOf(genai.ApiError);
    expect((unknown as GenAIModule.ApiError).status).toBe(404);
    expect((unknown as GenAIModule.ApiError).message).toContain('"status":"NOT_FOUND"');

    openaiFake.onChat = () => rateLimited();
    const limited = await client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((error: unknown) => error);
    expect((limited as GenAIModule.ApiError).status).toBe(429);
    expect((limited as GenAIModule.ApiError).message).toContain('RESOURCE_EXHAUSTED');

    // a token refused before any handler runs: Gemini's shape under /v1beta; at v1 (OpenAI's models path) the status
    const wrongKey = new genai.GoogleGenAI({ apiKey: 'not-a-switchyard-token', httpOptions: { baseUrl: serve.url, apiVersion: 'v1beta' } });
    const refused = await wrongKey.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((error: unknown) => error);
    expect((refused as GenAIModule.ApiError).status).toBe(401);
    expect((refused as GenAIModule.ApiError).message).toContain('UNAUTHENTICATED');
    const wrongKeyV1 = new genai.GoogleGenAI({ apiKey: 'not-a-switchyard-token', httpOptions: { baseUrl: serve.url } });
    const refusedV1 = await wrongKeyV1.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' }).catch((error: unknown) => error);
    expect((refusedV1 as GenAIModule.ApiError).status).toBe(401);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The wire, without an SDK

describe('Gemini surface over plain HTTP', () => {
  const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

  it('takes the client token as ?key= on Gemini paths, and only there', async () => {
    const ok = await fetch(`${serve.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${serve.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(ok.status).toBe(200);
    const wrong = await fetch(`${serve.url}/v1beta/models/gemini-2.5-flash:generateContent?key=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    const elsewhere = await fetch(`${serve.url}/v1/chat/completions?key=${serve.token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(elsewhere.status).toBe(401);
  });

  it("streams a JSON array without alt=sse; the model list, one model, and unknown paths in Gemini's shape", async () => {
    const headers = { 'x-goog-api-key': serve.token, 'content-type': 'application/json' };
    const streamed = await fetch(`${serve.url}/v1beta/models/gemini-2.5-flash:streamGenerateContent`, { method: 'POST', headers, body });
    expect(streamed.headers.get('content-type')).toContain('application/json');
    const elements = (await streamed.json()) as Array<{ candidates?: Array<{ finishReason?: string }> }>;
    expect(elements.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');

    const list = (await (await fetch(`${serve.url}/v1beta/models`, { headers })).json()) as {
      models: Array<{ name: string; supportedGenerationMethods: string[] }>;
    };
    expect(list.models.map((model) => model.name)).toEqual(expect.arrayContaining(['models/chatonly/gpt-4o-mini', 'models/google/gemini-2.5-flash']));
    const one = await fetch(`${serve.url}/v1beta/models/google/gemini-2.5-flash`, { headers });
    expect(await one.json()).toMatchObject({ name: 'models/google/gemini-2.5-flash', supportedGenerationMethods: expect.arrayContaining(['generateContent']) });

    const unknown = await fetch(`${serve.url}/v1beta/tunedModels`, { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 404, status: 'NOT_FOUND' } });
    const badBody = await fetch(`${serve.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ contents: 'nope' }),
    });
    expect(badBody.status).toBe(400);
    expect(await badBody.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT', message: expect.stringContaining('contents') } });
  });

  it('ledger: generate calls are filed as chat, embeddings as embeddings; the ?key= token is in no ledger file', async () => {
    const ledger = LedgerReader.open(serve.dataDir);
    try {
      await expect.poll(() => ledger.rows().some((row) => row.endpoint === 'embeddings' && row.requested_model === 'google/gemini-embedding-001')).toBe(true);
      expect(ledger.rows().some((row) => row.endpoint === 'chat' && row.requested_model === 'gemini-2.5-flash' && row.status === 'ok')).toBe(true);
    } finally {
      ledger.close();
    }
    expect(ledgerFilesContaining(serve.dataDir, serve.token)).toEqual([]);
  });
});
