// Classification of Anthropic's error bodies (the fake's exact ones) and in-band stream errors. Routing acts on
// errorClass and retryable, so those are what is asserted, with retry-after and the OpenAI-style codes.
import { describe, expect, it } from 'vitest';
import * as wire from '../../../../test/fakes/anthropic-wire.js';
import { anthropicHttpError, anthropicInBandError } from './anthropic-error.js';

function fromReply(reply: wire.ErrorReply) {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  return anthropicHttpError('anthropic', reply.status, { ...reply.headers }, text);
}

describe('anthropicHttpError', () => {
  const cases: Array<[string, wire.ErrorReply, { errorClass: string; retryable: boolean; type: string; code: string | null }]> = [
    ['529 overloaded', wire.overloaded(), { errorClass: 'overloaded', retryable: true, type: 'overloaded_error', code: null }],
    ['429 rate limit', wire.rateLimited(), { errorClass: 'rate_limit', retryable: true, type: 'rate_limit_error', code: null }],
    ['500 api_error', wire.apiError(), { errorClass: 'server', retryable: true, type: 'api_error', code: null }],
    [
      '400 invalid request',
      wire.invalidRequest('max_tokens: Field required'),
      { errorClass: 'bad_request', retryable: false, type: 'invalid_request_error', code: null },
    ],
    [
      '400 prompt too long',
      wire.promptTooLong(),
      { errorClass: 'context_length', retryable: false, type: 'invalid_request_error', code: 'context_length_exceeded' },
    ],
    ['400 credit balance', wire.creditBalanceTooLow(), { errorClass: 'quota', retryable: false, type: 'invalid_request_error', code: 'insufficient_quota' }],
    ['401 authentication', wire.invalidApiKey(), { errorClass: 'auth', retryable: false, type: 'authentication_error', code: null }],
    ['403 permission', wire.permissionDenied(), { errorClass: 'permission', retryable: false, type: 'permission_error', code: null }],
    ['404 not found', wire.modelNotFound('claude-nope'), { errorClass: 'not_found', retryable: false, type: 'not_found_error', code: null }],
    [
      '413 request too large',
      wire.requestTooLarge(),
      { errorClass: 'context_length', retryable: false, type: 'request_too_large', code: 'context_length_exceeded' },
    ],
  ];

  it.each(cases)('%s', (_name, reply, expected) => {
    const error = fromReply(reply);
    expect({ kind: error.kind, status: error.status, errorClass: error.errorClass, retryable: error.retryable, type: error.type, code: error.code }).toEqual({
      kind: 'http',
      status: reply.status,
      ...expected,
    });
    expect(error.message).toBe((reply.body as { error: { message: string } }).error.message);
    expect(error.upstreamBody).toContain('"type":"error"');
  });

  it('honours retry-after on 429 and 529', () => {
    expect(fromReply(wire.rateLimited(17)).retryAfterMs).toBe(17_000);
    expect(fromReply(wire.overloaded(3)).retryAfterMs).toBe(3000);
    expect(fromReply(wire.apiError()).retryAfterMs).toBeUndefined();
  });

  it('treats a spend-limit 429 and a billing_error as quota, not a rate limit to retry', () => {
    const spend = {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'You have reached your specified workspace API usage limits.',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
    };
    expect(anthropicHttpError('anthropic', 429, {}, JSON.stringify(spend))).toMatchObject({ errorClass: 'quota', retryable: false });
    expect(anthropicHttpError('anthropic', 402, {}, JSON.stringify(wire.errorBody('billing_error', 'Payment required')))).toMatchObject({
      errorClass: 'quota',
      retryable: false,
    });
  });

  it('falls back to the status for bodies that are not Anthropic errors', () => {
    expect(anthropicHttpError('anthropic', 502, {}, '<html>Bad Gateway</html>')).toMatchObject({
      errorClass: 'server',
      retryable: true,
      message: '<html>Bad Gateway</html>',
    });
    expect(anthropicHttpError('anthropic', 503, {}, '')).toMatchObject({
      errorClass: 'unavailable',
      retryable: true,
      message: "provider 'anthropic' answered HTTP 503",
    });
  });
});

describe('anthropicInBandError', () => {
  it('gives stream errors the status and class of their type', () => {
    const error = (type: string, message: string) => anthropicInBandError('anthropic', { type: 'error', error: { type, message } });
    expect(error('overloaded_error', 'Overloaded')).toMatchObject({ kind: 'in-band', status: 529, errorClass: 'overloaded', retryable: true });
    expect(error('api_error', 'Internal server error')).toMatchObject({ status: 500, errorClass: 'server', retryable: true });
    expect(error('rate_limit_error', 'slow down')).toMatchObject({ status: 429, errorClass: 'rate_limit', retryable: true });
    expect(error('invalid_request_error', 'prompt is too long: 300000 tokens > 200000 maximum')).toMatchObject({
      status: 400,
      errorClass: 'context_length',
      retryable: false,
    });
    expect(error('something_new', 'who knows')).toMatchObject({ status: 502, errorClass: 'server', retryable: true });
  });
});
