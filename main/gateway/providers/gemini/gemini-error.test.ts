// Google's error bodies → ProviderErrors: each status string and code to its class, quota versus rate limit,
// RetryInfo delays, a bad key as 401, and the key cut out of every text.
import { describe, expect, it } from 'vitest';
import {
  apiKeyInvalid,
  contextTooLong,
  dailyQuotaExhausted,
  deadlineExceeded,
  internalError,
  locationNotSupported,
  missingApiKey,
  modelNotFound,
  overloaded,
  permissionDenied,
  rateLimited,
  type GoogleErrorReply,
} from '../../../../test/fakes/gemini-wire.js';
import { geminiHttpError, geminiInBandError, retryDelayMs } from './gemini-error.js';
import { modelPathSegment } from './model-path.js';

function classify(reply: GoogleErrorReply, headers: Record<string, string> = {}, apiKey?: string) {
  return geminiHttpError({ providerId: 'gemini', status: reply.status, headers, text: JSON.stringify(reply.body), apiKey });
}

describe('geminiHttpError', () => {
  it.each([
    [
      'a per-minute rate limit',
      rateLimited('30s'),
      { errorClass: 'rate_limit', status: 429, retryable: true, retryAfterMs: 30_000, code: 'RESOURCE_EXHAUSTED' },
    ],
    ["the day's quota", dailyQuotaExhausted(), { errorClass: 'quota', status: 429, retryable: false }],
    ['an overloaded model', overloaded(), { errorClass: 'overloaded', status: 503, retryable: true, code: 'UNAVAILABLE' }],
    ['an internal error', internalError(), { errorClass: 'server', status: 500, retryable: true }],
    ['a deadline', deadlineExceeded(), { errorClass: 'timeout', status: 504, retryable: true }],
    ['a prompt over the limit', contextTooLong(), { errorClass: 'context_length', status: 400, retryable: false }],
    ['an unsupported location', locationNotSupported(), { errorClass: 'bad_request', status: 400, retryable: false, code: 'FAILED_PRECONDITION' }],
    ['a bad key', apiKeyInvalid(), { errorClass: 'auth', status: 401, retryable: false, code: 'API_KEY_INVALID' }],
    ['no key', missingApiKey(), { errorClass: 'auth', status: 401, retryable: false }],
    ['a denied permission', permissionDenied(), { errorClass: 'permission', status: 403, retryable: false }],
    ['an unknown model', modelNotFound('nope', 'generateContent'), { errorClass: 'not_found', status: 404, retryable: false }],
  ])('classifies %s', (_what, reply, expected) => {
    expect(classify(reply)).toMatchObject({ kind: 'http', ...expected });
  });

  it('calls a 429 without details quota only when it says so (billing) or has a limit of 0', () => {
    const bare = (message: string): GoogleErrorReply => ({ kind: 'error', status: 429, body: { error: { code: 429, message, status: 'RESOURCE_EXHAUSTED' } } });
    expect(classify(bare('Resource has been exhausted (e.g. check quota).'))).toMatchObject({ errorClass: 'rate_limit', retryable: true });
    expect(classify(bare('You exceeded your current quota, please check your plan and billing details.'))).toMatchObject({
      errorClass: 'quota',
      retryable: false,
    });
    expect(classify(bare('Quota exceeded for metric: generate_content_free_tier_requests, limit: 0, model: gemini-2.5-pro'))).toMatchObject({
      errorClass: 'quota',
    });
  });

  it('takes the retry delay from the retry-after header when RetryInfo is missing', () => {
    expect(classify(overloaded(), { 'retry-after': '7' })).toMatchObject({ retryAfterMs: 7000 });
  });

  it('keeps the key out of the message and the stored body, even when Google echoes it', () => {
    const key = 'zz-test-key-9f8e7d6c5b4a';
    const error = classify(apiKeyInvalid(key), {}, key);
    expect(error.message).toBe('API key not valid. Please pass a valid API key.');
    expect(error.upstreamBody).toContain('Invalid API key: ***');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(key);
  });

  it('describes a non-JSON error page by its text', () => {
    expect(geminiHttpError({ providerId: 'gemini', status: 502, headers: {}, text: '<html>Bad Gateway</html>', apiKey: undefined })).toMatchObject({
      errorClass: 'server',
      status: 502,
      retryable: true,
      message: '<html>Bad Gateway</html>',
    });
  });
});

describe('geminiInBandError', () => {
  it('classifies an error frame by its code and status', () => {
    expect(geminiInBandError('gemini', { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' }, undefined)).toMatchObject({
      kind: 'in-band',
      errorClass: 'overloaded',
      retryable: true,
    });
  });
});

describe('retryDelayMs', () => {
  it('reads protobuf durations', () => {
    const retry = (retryDelay: string) => [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }];
    expect(retryDelayMs(retry('34.4s'))).toBe(34_400);
    expect(retryDelayMs(retry('0.250s'))).toBe(250);
    expect(retryDelayMs(retry('soon'))).toBeUndefined();
    expect(retryDelayMs(undefined)).toBeUndefined();
  });
});

describe('modelPathSegment', () => {
  it('accepts plain names, with or without "models/"', () => {
    expect(modelPathSegment('gemini-2.5-flash', 'gemini')).toBe('gemini-2.5-flash');
    expect(modelPathSegment('models/gemini-2.5-flash-lite-preview_09', 'gemini')).toBe('gemini-2.5-flash-lite-preview_09');
  });

  it.each(['../files', 'a/b', 'gemini:streamGenerateContent', 'x?alt=json', 'x#y', 'x%2Fy', 'with space', '', '.hidden', 'a..b'])('refuses %j', (name) => {
    expect(() => modelPathSegment(name, 'gemini')).toThrow(expect.objectContaining({ status: 400, param: 'model' }));
  });
});
