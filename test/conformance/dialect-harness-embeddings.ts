// The embeddings family of the dialect conformance suite: what an embeddings API's cases are, how its harnesses
// script the fake's /v1/embeddings, and OpenAI's /v1/embeddings itself (Ollama's /api/embed and Gemini's
// embedContent are beside their dialects' chat harnesses).
import { handleEmbeddings } from '../../main/gateway/dialects/openai/embeddings.js';
import { embeddingVector, invalidApiKey, serverError, type FakeOpenAI, type RecordedRequest } from '../fakes/openai-fake.js';
import {
  embeddingsModel,
  openAIError,
  upstreamId,
  whole,
  type DialectCases,
  type DialectHarness,
  type Expected,
  type UpstreamFailure,
} from './dialect-harness.js';
import { asArray, asRecord } from './harness.js';

export const embeddingsInput = 'Switchyard embeds this sentence for the conformance suite.';
export const embeddingsDimensions = 8;

/** The cases of an embeddings API (OpenAI's, Ollama's /api/embed, Gemini's embedContent). */
export const embeddingsCases: DialectCases = {
  text: [whole],
  // An embeddings answer is one JSON body: the API has no stream, so there are no deltas, end marker or in-band
  // error to check, and a client can only leave before the answer (abort: whole answers only).
  stream: [],
  inBandError: [],
  abort: [whole],
  // Embeddings take no tools.
  tools: [],
  usage: [whole],
  errorBeforeFirstByte: [
    { ...whole, upstreamStatus: 401 },
    { ...whole, upstreamStatus: 500 },
  ],
  budget: [whole],
};

/** How every embeddings harness scripts and watches the fake (its /v1/embeddings). */
export const embeddingsUpstream = {
  scriptAnswer(fake: FakeOpenAI): Expected {
    fake.onEmbeddings = () => ({ kind: 'reply' });
    // the fake's rule: one token per 4 characters, unit vectors seeded by the text
    const tokens = Math.ceil(embeddingsInput.length / 4);
    return { content: [embeddingVector(embeddingsInput, embeddingsDimensions)], usage: { input: tokens, output: 0 }, firstPieces: () => '' };
  },
  scriptFailure(fake: FakeOpenAI, status: UpstreamFailure['upstreamStatus']): void {
    fake.onEmbeddings = () => (status === 401 ? invalidApiKey('sk-conformance-wrong-key-0000') : serverError());
  },
  scriptSlowAnswer(fake: FakeOpenAI): void {
    fake.onEmbeddings = () => ({ kind: 'stall-before-headers' });
  },
  upstreamCalls: (fake: FakeOpenAI): RecordedRequest[] =>
    fake.requests.filter((request) => request.method === 'POST' && request.path.split('?')[0] === '/v1/embeddings'),
} as const;

export const embeddingsHarness: DialectHarness = {
  name: 'embeddings',
  endpoint: 'embeddings',
  path: '/v1/embeddings',
  handler: handleEmbeddings,
  model: embeddingsModel,
  answeredBy: { providerId: upstreamId, model: 'text-embedding-3-small' },
  cases: embeddingsCases,
  headers: (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'OpenAI/JS 6.30.1' }),
  request: () => ({ model: embeddingsModel, input: embeddingsInput, dimensions: embeddingsDimensions }),
  ...embeddingsUpstream,
  parseComplete(body) {
    const usage = asRecord(asRecord(body)['usage']);
    return {
      content: asArray(asRecord(body)['data']).map((item) => asRecord(item)['embedding']),
      toolCall: undefined,
      usage: typeof usage['prompt_tokens'] === 'number' ? { input: usage['prompt_tokens'], output: 0 } : undefined,
    };
  },
  parseStream() {
    throw new Error('embeddings have no stream');
  },
  errorBody: openAIError,
};
