// Fuzzing every inbound dialect's request decoding: arbitrary JSON, and bodies shaped like each dialect's with
// arbitrary values in its fields, go through the real endpoint handlers in-process (decode, translate, plan — no
// provider is configured, so nothing leaves the process). Whatever comes in, the answer is a 4xx in the dialect's
// shape or a routing refusal: never a 500, never a stack overflow, never an exception that is not a client error.
// FUZZ_RUNS sets the number of bodies per endpoint (npm run fuzz runs many more than CI does).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../config/load.js';
import type { GatewayState } from '../http/context.js';
import { describeError } from '../http/errors.js';
import { RequestGuard } from '../http/guard.js';
import { MemorySink } from '../pipeline/memory-sink.js';
import { ProviderRegistry } from '../providers/registry.js';
import { ModelCatalog } from '../routing/model-catalog.js';
import { RoutingService } from '../routing/service.js';
import { gatewayRoutes } from './index.js';
import { StaticTokenVerifier } from '../../secrets/token-verifier.js';

const runs = Number(process.env['FUZZ_RUNS'] ?? 150);

const config = resolveConfig({ ollama_api: { enabled: true }, providers: [], routing: { auto_offline: false } }, { path: undefined, env: {} });
const registry = new ProviderRegistry(config.providers, () => undefined);
const catalog = new ModelCatalog(registry);
const state: GatewayState = {
  config,
  registry,
  catalog,
  routing: new RoutingService(config, registry, catalog),
  tokens: new StaticTokenVerifier([]),
  guard: new RequestGuard({ port: 0, host: '127.0.0.1', allowedHosts: [], allowedOrigins: [] }),
  metering: undefined,
  budgets: undefined,
  responses: undefined,
};

/** Each POST endpoint with the fields its clients send, so the generated bodies reach past the first check. */
const endpoints: ReadonlyArray<{ readonly path: string; readonly fields: readonly string[] }> = [
  {
    path: '/v1/chat/completions',
    fields: [
      'model',
      'messages',
      'tools',
      'tool_choice',
      'response_format',
      'stream',
      'stream_options',
      'max_tokens',
      'temperature',
      'models',
      'reasoning_effort',
    ],
  },
  { path: '/v1/embeddings', fields: ['model', 'input', 'dimensions', 'encoding_format'] },
  {
    path: '/v1/messages',
    fields: ['model', 'messages', 'system', 'max_tokens', 'tools', 'tool_choice', 'thinking', 'stream', 'stop_sequences', 'output_config', 'mcp_servers'],
  },
  { path: '/v1/messages/count_tokens', fields: ['model', 'messages', 'system', 'tools', 'thinking'] },
  {
    path: '/v1/responses',
    fields: [
      'model',
      'input',
      'instructions',
      'tools',
      'tool_choice',
      'text',
      'reasoning',
      'stream',
      'store',
      'previous_response_id',
      'include',
      'max_output_tokens',
    ],
  },
  { path: '/api/chat', fields: ['model', 'messages', 'tools', 'format', 'options', 'stream', 'think', 'keep_alive'] },
  { path: '/api/generate', fields: ['model', 'prompt', 'system', 'images', 'format', 'options', 'stream', 'suffix', 'raw'] },
  { path: '/api/embed', fields: ['model', 'input', 'truncate', 'dimensions'] },
  { path: '/api/show', fields: ['model', 'name', 'verbose'] },
  { path: '/v1beta/models/smart:generateContent', fields: ['contents', 'systemInstruction', 'tools', 'toolConfig', 'generationConfig', 'safetySettings'] },
  { path: '/v1beta/models/smart:streamGenerateContent', fields: ['contents', 'systemInstruction', 'tools', 'generationConfig'] },
  { path: '/v1beta/models/smart:countTokens', fields: ['contents', 'generateContentRequest'] },
  { path: '/v1beta/models/smart:embedContent', fields: ['content', 'taskType', 'outputDimensionality'] },
  { path: '/v1beta/models/smart:batchEmbedContents', fields: ['requests'] },
];

/** A value that is sometimes a plausible message or part, sometimes anything at all. */
const plausible = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      { role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer', 'model', 'function', ''), content: tie('value') },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        type: fc.constantFrom(
          'text',
          'image_url',
          'input_text',
          'function_call',
          'tool_use',
          'tool_result',
          'message',
          'reasoning',
          'item_reference',
          'custom',
          'web_search',
        ),
        text: tie('value'),
        parts: tie('value'),
      },
      { requiredKeys: [] },
    ),
    fc.array(tie('value'), { maxLength: 4 }),
  ),
})).value;

function bodyFor(fields: readonly string[]): fc.Arbitrary<unknown> {
  const shaped = fc.dictionary(fc.constantFrom(...fields), plausible, { maxKeys: fields.length }).map((body) => ({ model: 'nowhere/model', ...body }));
  return fc.oneof(fc.jsonValue({ maxDepth: 4 }), shaped, shaped);
}

async function post(path: string, body: Buffer): Promise<{ status: number; thrown: unknown }> {
  const match = gatewayRoutes.match(path);
  const handler = match?.endpoint.methods.POST;
  if (!match || !handler) throw new Error(`no POST endpoint at ${path}`);
  const sink = new MemorySink();
  let thrown: unknown;
  try {
    await handler(
      { gateway: state, identity: { name: 'fuzz' }, signal: new AbortController().signal, startedAt: performance.now(), corsHeaders: {} },
      { method: 'POST', path, query: new URLSearchParams(), params: match.params, headers: {}, body },
      sink,
    );
  } catch (error) {
    thrown = error;
  }
  return { status: thrown === undefined ? (sink.status ?? 0) : describeError(thrown).status, thrown };
}

describe('request decoders under fuzzing', () => {
  for (const { path, fields } of endpoints) {
    it(`${path}: never a 500 or an exception that is not a client error`, async () => {
      await fc.assert(
        fc.asyncProperty(bodyFor(fields), async (body) => {
          const { status, thrown } = await post(path, Buffer.from(JSON.stringify(body) ?? 'null'));
          if (status >= 500)
            throw new Error(
              `${status} for ${JSON.stringify(body).slice(0, 300)}: ${thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown)}`,
            );
          expect(status).toBeGreaterThanOrEqual(200);
        }),
        { numRuns: runs },
      );
    });
  }

  it('bodies that are not JSON, or JSON nested far too deep, are 400s everywhere', async () => {
    for (const { path } of endpoints) {
      for (const text of ['', '{', '[1,2', 'null', '"text"', `${'['.repeat(50_000)}${']'.repeat(50_000)}`]) {
        const { status } = await post(path, Buffer.from(text));
        expect(status, `${path} ${text.slice(0, 10)}`).toBeGreaterThanOrEqual(400);
        expect(status, `${path} ${text.slice(0, 10)}`).toBeLessThan(500);
      }
    }
  });
});
