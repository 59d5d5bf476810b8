// Budgets through a running `switchyard serve`: spend read back from the ledger against `budgets:` in the config —
// a warning header from 80%, a 429 no SDK retries at 100% (block), local targets only (downgrade-local), per client.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { APIError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OllamaFake } from '../fakes/ollama-fake.js';
import { FakeOpenAI, type Scenario } from '../fakes/openai-fake.js';
import { exactCost, LedgerReader, snapshotPrice } from '../support/ledger-reader.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

/** Each answer costs $0.45 at gpt-4o-mini's bundled price: 1,000,000 input tokens ($0.15) and 500,000 output ($0.30). */
const usage = { promptTokens: 1_000_000, completionTokens: 500_000 };
const miniPrice = snapshotPrice('openai/gpt-4o-mini');
const answerCost = exactCost([
  [usage.promptTokens, miniPrice.input],
  [usage.completionTokens, miniPrice.output],
]);
/** Three times as many tokens: $1.35, past a $1.00 limit at once. */
const bigUsage = { promptTokens: 3_000_000, completionTokens: 1_500_000 };
const answer: Scenario = { kind: 'reply', usage };
const bigAnswer: Scenario = { kind: 'reply', usage: bigUsage };
/** The gateway reads spend from the ledger at most once a second (metering-setup.ts). */
const spendCacheMs = 1_100;

let openaiFake: FakeOpenAI;
let ollamaFake: OllamaFake;
const started: ServeProcess[] = [];

beforeAll(async () => {
  openaiFake = await FakeOpenAI.start();
  ollamaFake = await OllamaFake.start();
  openaiFake.onChat = () => answer;
});

afterAll(async () => {
  for (const serve of started) await serve.stop();
  await openaiFake?.close();
  await ollamaFake?.close();
});

afterEach(() => {
  openaiFake.onChat = () => answer;
});

async function serveWith(budgets: unknown, env: Record<string, string> = {}): Promise<ServeProcess> {
  const serve = await startServe({
    config: {
      providers: [
        { id: 'openai', type: 'openai-compatible', base_url: openaiFake.baseUrl, locality: 'cloud' },
        { id: 'ollama', type: 'ollama', base_url: ollamaFake.baseUrl },
      ],
      routes: { smart: { targets: ['openai/gpt-4o-mini', 'ollama/llama3.2:3b'] } },
      routing: { num_retries: 0, allowed_fails: 1_000, auto_offline: false },
      ledger: { price_refresh: false },
      budgets,
    },
    env,
  });
  started.push(serve);
  return serve;
}

function chat(serve: ServeProcess, model: string, options: { token?: string; stream?: boolean } = {}): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.token ?? serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], stream: options.stream === true }),
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const upstreamCalls = (): number => openaiFake.chatRequests().length;

describe('budgets.action block', () => {
  let serve: ServeProcess;
  let ledger: LedgerReader;

  beforeAll(async () => {
    serve = await serveWith({ daily_usd: 1, action: 'block' });
    ledger = LedgerReader.open(serve.dataDir);
  });
  afterAll(() => ledger?.close());

  it('under 80%: no header; from 80%: a warning header and `switchyard status` shows the budget', async () => {
    expect(answerCost).toBe(0.45);
    const first = await chat(serve, 'openai/gpt-4o-mini');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-budget')).toBeNull();
    expect(first.headers.get('x-switchyard-cost-usd')).toBe(answerCost.toFixed(8));
    await first.text();
    await sleep(spendCacheMs);

    const second = await chat(serve, 'openai/gpt-4o-mini'); // $0.45 spent: 45%
    expect(second.headers.get('x-switchyard-budget')).toBeNull();
    await second.text();
    await sleep(spendCacheMs);

    // $0.90 spent (90%), and no request runs until the next one: the status is stable however long the CLI takes
    const status = await runCli(['status', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('budgets:\n  daily budget for all clients at $0.90 of $1.00: warning (90%)');

    const third = await chat(serve, 'openai/gpt-4o-mini');
    expect(third.status).toBe(200);
    expect(third.headers.get('x-switchyard-budget')).toBe('warning: daily budget for all clients at $0.90 of $1.00');
    await third.text();
  });

  it('at 100%: the openai client gets a 429 budget_exceeded naming the budget, and does not retry it', async () => {
    await sleep(spendCacheMs); // $1.35 spent
    const client = new OpenAI({ baseURL: serve.baseUrl, apiKey: serve.token, timeout: 10_000 }); // the SDK's default maxRetries (2)
    expect(client.maxRetries).toBe(2);
    const before = upstreamCalls();
    const failure = await client.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(APIError);
    const error = failure as APIError;
    expect(error.status).toBe(429);
    expect(error.code).toBe('budget_exceeded');
    expect(error.message).toContain('daily budget for all clients reached $1.35 of $1.00');
    expect(upstreamCalls()).toBe(before);
    // one client call, one gateway request: each refused request leaves one ledger row
    const rows = await ledger.newFinalRows(4);
    const refused = rows.filter((row) => row.error_class === 'budget_exceeded');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ status: 'error', http_status: 429, provider_id: null, cost_usd: 0, client_family: 'openai-node' });
  });

  it('at 100%: the Anthropic SDK is refused the same way, without retrying; a stream gets the 429 too, not a 200', async () => {
    const anthropic = new Anthropic({ baseURL: serve.url, apiKey: serve.token, timeout: 10_000 });
    expect(anthropic.maxRetries).toBe(2);
    const before = upstreamCalls();
    const failure = await anthropic.messages
      .create({ model: 'openai/gpt-4o-mini', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect((failure as InstanceType<typeof Anthropic.APIError>).status).toBe(429);
    expect((failure as Error).message).toContain('daily budget for all clients reached $1.35 of $1.00');
    const [messagesRow] = await ledger.newFinalRows(1);
    expect(messagesRow).toMatchObject({ endpoint: 'messages', error_class: 'budget_exceeded', client_family: 'anthropic-sdk' });

    const streamed = await chat(serve, 'openai/gpt-4o-mini', { stream: true });
    expect(streamed.status).toBe(429);
    expect(streamed.headers.get('x-should-retry')).toBe('false');
    expect(((await streamed.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
    expect(upstreamCalls()).toBe(before);
    await ledger.newFinalRows(1);
  });
});

describe('budgets.action downgrade-local', () => {
  it('past the limit, a route goes to its local target with the reason in a header; a cloud-only request is refused naming it', async () => {
    const serve = await serveWith({ daily_usd: 1, action: 'downgrade-local' });
    openaiFake.onChat = () => bigAnswer;
    const first = await chat(serve, 'smart');
    expect(first.headers.get('x-switchyard-provider')).toBe('openai');
    await first.text();
    await sleep(spendCacheMs); // $1.35 spent

    const before = upstreamCalls();
    const downgraded = await chat(serve, 'smart');
    expect(downgraded.status).toBe(200);
    expect(downgraded.headers.get('x-switchyard-provider')).toBe('ollama');
    expect(downgraded.headers.get('x-switchyard-budget')).toBe('daily budget for all clients reached $1.35 of $1.00: local targets only');
    expect(((await downgraded.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message.content).toBe('Hello from llama3.2:3b');

    const cloudOnly = await chat(serve, 'openai/gpt-4o-mini');
    expect(cloudOnly.status).toBe(400);
    expect(((await cloudOnly.json()) as { error: { message: string } }).error.message).toContain('daily budget for all clients reached $1.35 of $1.00');
    expect(upstreamCalls()).toBe(before);
  });
});

describe('budgets.clients', () => {
  it("per client token: 'env' (SWITCHYARD_API_KEY) and 'default' each have their own limit", async () => {
    const environmentKey = 'sy-env-token-for-budgets-0123456789abcdef';
    const serve = await serveWith({ clients: { env: { daily_usd: 1 }, default: { daily_usd: 1, action: 'block' } } }, { SWITCHYARD_API_KEY: environmentKey });
    openaiFake.onChat = () => bigAnswer;
    const spent = await chat(serve, 'openai/gpt-4o-mini', { token: environmentKey });
    expect(spent.status).toBe(200);
    await spent.text();
    await sleep(spendCacheMs); // 'env' has spent $1.35, 'default' nothing

    const refused = await chat(serve, 'openai/gpt-4o-mini', { token: environmentKey });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("daily budget for client 'env' reached $1.35 of $1.00");
    const other = await chat(serve, 'openai/gpt-4o-mini');
    expect(other.status).toBe(200);
    expect(other.headers.get('x-switchyard-budget')).toBeNull();
    await other.text();
    await sleep(spendCacheMs); // now 'default' has spent $1.35 too

    const defaultRefused = await chat(serve, 'openai/gpt-4o-mini');
    expect(defaultRefused.status).toBe(429);
    expect(((await defaultRefused.json()) as { error: { message: string } }).error.message).toContain(
      "daily budget for client 'default' reached $1.35 of $1.00",
    );

    // `switchyard status` lists each client's budget with its state
    const status = await runCli(['status', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      "  daily budget for client 'env' reached $1.35 of $1.00: exceeded (135%)\n  daily budget for client 'default' reached $1.35 of $1.00: exceeded (135%)",
    );
  });
});
