// Provider keys from files in server mode, end to end: `switchyard serve` reads OPENAI_API_KEY_FILE (compose and
// Docker secrets) and systemd's $CREDENTIALS_DIRECTORY/OPENAI_API_KEY, sends that key upstream (the fake refuses any
// other), says at start where the key came from without showing it, and picks up a rotated file at a reload.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAI } from '../fakes/openai-fake.js';
import { runCli, startServe, type ServeProcess } from '../support/serve-process.js';

const firstKey = 'sk-file-First000000000000000000aaaa';
const rotatedKey = 'sk-file-Rotated0000000000000000bbbb';

let fake: FakeOpenAI;
const started: ServeProcess[] = [];

beforeAll(async () => {
  fake = await FakeOpenAI.start({ apiKey: firstKey });
});

afterAll(async () => {
  for (const serve of started) await serve.stop();
  await fake?.close();
});

async function serveWith(env: Record<string, string>): Promise<ServeProcess> {
  const serve = await startServe({
    config: {
      providers: [{ id: 'openai', base_url: fake.baseUrl }],
      routing: { num_retries: 0, auto_offline: false },
      ledger: { price_refresh: false },
    },
    env,
  });
  started.push(serve);
  return serve;
}

function chat(serve: ServeProcess): Promise<Response> {
  return fetch(`${serve.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
  });
}

describe('provider keys from files (switchyard serve)', () => {
  it('sends the key in OPENAI_API_KEY_FILE upstream and says where it came from', async () => {
    fake.apiKey = firstKey;
    const path = join(mkdtempSync(join(tmpdir(), 'sy-secrets-')), 'openai_api_key');
    writeFileSync(path, `${firstKey}\n`, { mode: 0o600 });
    const serve = await serveWith({ OPENAI_API_KEY_FILE: path });
    const response = await chat(serve);
    expect(response.status).toBe(200);
    expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${firstKey}`);
    expect(serve.output()).toContain(`key: file ${path} (OPENAI_API_KEY_FILE)`);
    expect(serve.output()).not.toContain(firstKey);
  });

  it("reads systemd's $CREDENTIALS_DIRECTORY/OPENAI_API_KEY, and a rotated file at `switchyard reload`", async () => {
    fake.apiKey = firstKey;
    const directory = mkdtempSync(join(tmpdir(), 'sy-credentials-'));
    writeFileSync(join(directory, 'OPENAI_API_KEY'), firstKey, { mode: 0o600 });
    const serve = await serveWith({ CREDENTIALS_DIRECTORY: directory });
    expect((await chat(serve)).status).toBe(200);
    expect(serve.output()).toContain(`key: file ${join(directory, 'OPENAI_API_KEY')} (CREDENTIALS_DIRECTORY)`);

    // the secret is rotated: the upstream takes only the new key, and the gateway reads the file again at a reload
    writeFileSync(join(directory, 'OPENAI_API_KEY'), rotatedKey);
    fake.apiKey = rotatedKey;
    expect((await chat(serve)).status).toBe(401);
    const reload = await runCli(['reload', '--url', serve.url, '--data-dir', serve.dataDir]);
    expect(reload.code).toBe(0);
    expect((await chat(serve)).status).toBe(200);
    expect(fake.requests.at(-1)?.headers['authorization']).toBe(`Bearer ${rotatedKey}`);
  });
});
