// Classification of upstream errors from OpenAI-compatible servers: every error body the fake upstream sends
// (OpenAI's exact ones), OpenRouter, vLLM/Mistral, FastAPI and plain-text bodies, in-band stream errors, and
// the Retry-After forms. Routing acts on errorClass and retryable, so those are what is asserted.
import { describe, expect, it } from 'vitest';
import * as wire from '../../../../test/fakes/openai-wire.js';
import { parseRetryAfter } from '../errors.js';
import { classify, inBandError, parseErrorBody, upstreamHttpError } from './openai-error.js';

function fromReply(reply: wire.ErrorReply): ReturnType<typeof upstreamHttpError> {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  return upstreamHttpError('test-provider', reply.status, { ...reply.headers }, text);
}

function sixCharacterPieces(secret: string): string[] {
  return Array.from({ length: secret.length - 5 }, (_unused, start) => secret.slice(start, start + 6));
}

describe('parseErrorBody', () => {
  it('reads OpenAI {"error":{message,type,param,code}}', () => {
    const parsed = parseErrorBody(JSON.stringify(wire.contextLengthExceeded().body));
    expect(parsed).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
    expect(parsed?.message).toMatch(/^This model's maximum context length is 128000 tokens\./);
  });

  it('reads OpenRouter numeric codes as strings', () => {
    expect(parseErrorBody('{"error":{"code":402,"message":"Insufficient credits"}}')).toEqual({ message: 'Insufficient credits', code: '402' });
  });

  it('reads the vLLM / Mistral top-level {"object":"error"} shape', () => {
    expect(parseErrorBody('{"object":"error","message":"max_tokens must be at least 1, got -2815.","type":"BadRequestError","param":null,"code":400}')).toEqual(
      {
        message: 'max_tokens must be at least 1, got -2815.',
        type: 'BadRequestError',
        code: '400',
      },
    );
  });

  it('reads FastAPI {"detail": …} (a string, or a validation list turned into text)', () => {
    expect(parseErrorBody('{"detail":"Not Found"}')).toEqual({ message: 'Not Found' });
    const validation = parseErrorBody('{"detail":[{"loc":["body","messages"],"msg":"field required","type":"value_error.missing"}]}');
    expect(validation?.message).toContain('field required');
  });

  it('reads {"error":"text"} and Anthropic-style {"type":"error","error":{…}}', () => {
    expect(parseErrorBody('{"error":"model not loaded"}')).toEqual({ message: 'model not loaded' });
    expect(parseErrorBody(JSON.stringify(wire.overloaded529().body))).toEqual({ message: 'Overloaded', type: 'overloaded_error' });
  });

  it('returns undefined for plain text, HTML, empty bodies and JSON without an error', () => {
    expect(parseErrorBody('Bad Gateway')).toBeUndefined();
    expect(parseErrorBody('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBeUndefined();
    expect(parseErrorBody('')).toBeUndefined();
    expect(parseErrorBody('"just a string"')).toBeUndefined();
    expect(parseErrorBody('{"status":"ok"}')).toBeUndefined();
  });
});

describe("upstreamHttpError: the fake upstream's OpenAI error bodies", () => {
  const cases: Array<[string, wire.ErrorReply, { errorClass: string; retryable: boolean; code: string | null; type: string; param?: string | null }]> = [
    [
      '401 invalid API key',
      wire.invalidApiKey('sk-proj-abcdefghijklmnopqrstuvwxyz0123456789'),
      { errorClass: 'auth', retryable: false, code: 'invalid_api_key', type: 'invalid_request_error' },
    ],
    ['401 missing API key', wire.missingApiKey(), { errorClass: 'auth', retryable: false, code: null, type: 'invalid_request_error' }],
    ['429 rate limit (requests)', wire.rateLimited(), { errorClass: 'rate_limit', retryable: true, code: 'rate_limit_exceeded', type: 'requests' }],
    [
      '429 rate limit (tokens)',
      wire.rateLimited({ limit: 'tokens' }),
      { errorClass: 'rate_limit', retryable: true, code: 'rate_limit_exceeded', type: 'tokens' },
    ],
    ['429 insufficient_quota', wire.insufficientQuota(), { errorClass: 'quota', retryable: false, code: 'insufficient_quota', type: 'insufficient_quota' }],
    [
      '400 context_length_exceeded',
      wire.contextLengthExceeded(),
      { errorClass: 'context_length', retryable: false, code: 'context_length_exceeded', type: 'invalid_request_error', param: 'messages' },
    ],
    [
      '400 invalid_request_error',
      wire.invalidRequest("Invalid value for 'temperature': must be at most 2.", 'temperature'),
      { errorClass: 'bad_request', retryable: false, code: null, type: 'invalid_request_error', param: 'temperature' },
    ],
    ['404 model_not_found', wire.modelNotFound('gpt-9'), { errorClass: 'not_found', retryable: false, code: 'model_not_found', type: 'invalid_request_error' }],
    [
      '404 unknown URL',
      wire.unknownUrl('POST', '/v1/chat/completion'),
      { errorClass: 'not_found', retryable: false, code: null, type: 'invalid_request_error' },
    ],
    ['500 server_error', wire.serverError(), { errorClass: 'server', retryable: true, code: null, type: 'server_error' }],
    ['503 overloaded', wire.overloaded(), { errorClass: 'unavailable', retryable: true, code: null, type: 'server_error' }],
    ['529 overloaded (proxy)', wire.overloaded529(), { errorClass: 'overloaded', retryable: true, code: null, type: 'overloaded_error' }],
  ];

  it.each(cases)('%s', (_name, reply, expected) => {
    const error = fromReply(reply);
    expect(error.kind).toBe('http');
    expect(error.status).toBe(reply.status);
    expect(error.providerId).toBe('test-provider');
    expect({ errorClass: error.errorClass, retryable: error.retryable, code: error.code, type: error.type }).toEqual({
      errorClass: expected.errorClass,
      retryable: expected.retryable,
      code: expected.code,
      type: expected.type,
    });
    if (expected.param !== undefined) expect(error.param).toBe(expected.param);
    const body = reply.body as { error: { message: string } };
    expect(error.message.length).toBeGreaterThan(0);
    expect(body.error.message.startsWith(error.message.slice(0, 20))).toBe(true);
  });

  it('takes the rate-limit wait from retry-after-ms before retry-after', () => {
    expect(fromReply(wire.rateLimited({ retryAfterSeconds: 20, retryAfterMs: 150 })).retryAfterMs).toBe(150);
    expect(fromReply(wire.rateLimited({ retryAfterSeconds: 7, retryAfterMs: null })).retryAfterMs).toBe(7000);
    expect(fromReply(wire.serverError()).retryAfterMs).toBeUndefined();
  });

  it('never keeps a 6-character piece of the key OpenAI echoes back partially masked', () => {
    const canary = 'sk-CANARY-1234abcdEFGH5678ijklMNOPqrst9012';
    const reply = wire.invalidApiKey(canary);
    const echoed = (reply.body as { error: { message: string } }).error.message;
    expect(echoed).toContain('sk-CANAR*'); // the fake echoes like OpenAI does, so the check below means something
    const error = fromReply(reply);
    const leaked = sixCharacterPieces(canary).filter((piece) => error.message.includes(piece) || (error.upstreamBody ?? '').includes(piece));
    expect(leaked).toEqual([]);
    expect(error.message).toContain('Incorrect API key provided');
  });
});

describe('upstreamHttpError: other OpenAI-compatible servers', () => {
  it('OpenRouter 402 insufficient credits is quota, not retryable', () => {
    const error = fromReply(wire.openRouterInsufficientCredits());
    expect([error.errorClass, error.retryable, error.code]).toEqual(['quota', false, '402']);
  });

  it('OpenRouter 429 / 502 / 503 are retryable', () => {
    expect(fromReply(wire.openRouterError(429, 'Rate limit exceeded: free-models-per-min')).errorClass).toBe('rate_limit');
    const down = fromReply(wire.openRouterError(502, 'Provider returned error', { provider_name: 'Lambda', raw: 'upstream 500' }));
    expect([down.errorClass, down.retryable]).toEqual(['server', true]);
    expect(fromReply(wire.openRouterError(503, 'No endpoints found that can handle the requested parameters.')).retryable).toBe(true);
  });

  it('vLLM context-length errors are context_length even without a code', () => {
    const error = fromReply(
      wire.vllmError(
        400,
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4000 in the messages, 1000 in the completion). Please reduce the length of the messages or completion.",
      ),
    );
    expect([error.errorClass, error.retryable]).toEqual(['context_length', false]);
  });

  it('Mistral context-length errors (type invalid_request_error, code null) are context_length', () => {
    const body = {
      object: 'error',
      message: 'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
      type: 'invalid_request_error',
      param: null,
      code: null,
    };
    expect(upstreamHttpError('mistral', 400, {}, JSON.stringify(body)).errorClass).toBe('context_length');
  });

  it('other vLLM 400s are bad_request', () => {
    expect(fromReply(wire.vllmError(400, 'max_tokens must be at least 1, got -2815.')).errorClass).toBe('bad_request');
  });

  it('FastAPI bodies: 404 detail is not_found; a 422 validation list is bad_request', () => {
    const missing = fromReply(wire.fastApiError(404, 'Not Found'));
    expect([missing.errorClass, missing.message]).toEqual(['not_found', 'Not Found']);
    expect(fromReply(wire.fastApiError(422, [{ loc: ['body', 'model'], msg: 'field required', type: 'value_error.missing' }])).errorClass).toBe('bad_request');
  });

  it('plain-text and HTML bodies keep their status class and become the message', () => {
    const gateway = fromReply(wire.plainTextError(502, 'Bad Gateway'));
    expect([gateway.errorClass, gateway.retryable, gateway.message, gateway.code]).toEqual(['server', true, 'Bad Gateway', null]);
    const html = fromReply(wire.plainTextError(503, `<html><body>${'x'.repeat(2000)}</body></html>`, 'text/html'));
    expect([html.errorClass, html.retryable]).toEqual(['unavailable', true]);
    expect(html.message.length).toBeLessThanOrEqual(500);
    const empty = upstreamHttpError('local', 500, {}, '   ');
    expect(empty.message).toBe("provider 'local' answered HTTP 500");
    expect(upstreamHttpError('local', 401, {}, 'Unauthorized').errorClass).toBe('auth');
    expect(upstreamHttpError('local', 403, {}, 'Forbidden').errorClass).toBe('permission');
  });

  it('408 is a retryable timeout; 413 is context_length', () => {
    const timeout = upstreamHttpError('x', 408, {}, '');
    expect([timeout.errorClass, timeout.retryable]).toEqual(['timeout', true]);
    expect(upstreamHttpError('x', 413, {}, 'Request Entity Too Large').errorClass).toBe('context_length');
  });

  it('keeps at most 4 KB of the upstream body', () => {
    expect(upstreamHttpError('x', 500, {}, 'e'.repeat(10_000)).upstreamBody).toHaveLength(4096);
  });
});

describe('classify', () => {
  it('a rate-limit code on a status other than 429 follows the status', () => {
    expect(classify(500, { message: 'm', code: 'rate_limit_exceeded' })).toBe('server');
  });

  it('insufficient_quota wins over the 429 status, whether in code or type', () => {
    expect(classify(429, { message: 'm', type: 'insufficient_quota' })).toBe('quota');
    expect(classify(429, { message: 'm', code: 'insufficient_quota' })).toBe('quota');
  });
});

describe('inBandError (errors inside a 200 stream)', () => {
  it("OpenAI's mid-stream server_error is retryable with status 502", () => {
    const error = inBandError('openai', JSON.parse(wire.openAIStreamError()) as Record<string, unknown>);
    expect([error.kind, error.errorClass, error.status, error.retryable]).toEqual(['in-band', 'server', 502, true]);
    expect(error.message).toBe(wire.serverErrorMessage);
  });

  it("OpenRouter's mid-stream error chunk (string code) is a retryable server error", () => {
    const payload = JSON.parse(wire.openRouterStreamError({ id: 'gen-1', created: 1, model: 'openai/gpt-4o' })) as Record<string, unknown>;
    const error = inBandError('openrouter', payload);
    expect([error.errorClass, error.retryable, error.message]).toEqual(['server', true, 'Provider disconnected unexpectedly']);
  });

  it('a numeric code becomes the status (OpenRouter 429 in-band is a rate limit)', () => {
    const error = inBandError('openrouter', { error: { code: 429, message: 'Rate limit exceeded' } });
    expect([error.status, error.errorClass, error.retryable]).toEqual([429, 'rate_limit', true]);
  });

  it("OpenAI's own in-band rate limit (type 'requests', code rate_limit_exceeded) is a rate limit, not a server error", () => {
    const error = inBandError('openai', {
      error: {
        message: 'Rate limit reached for gpt-4.1 in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1.',
        type: 'requests',
        param: null,
        code: 'rate_limit_exceeded',
      },
    });
    expect([error.status, error.errorClass, error.retryable]).toEqual([429, 'rate_limit', true]);
  });

  it('an in-band overloaded_error is overloaded (529) and retryable', () => {
    const error = inBandError('proxy', JSON.parse(wire.overloadedStreamError()) as Record<string, unknown>);
    expect([error.status, error.errorClass, error.retryable]).toEqual([529, 'overloaded', true]);
  });

  it('an in-band context-length error is not retryable', () => {
    const error = inBandError('openai', {
      error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' },
    });
    expect([error.status, error.errorClass, error.retryable]).toEqual([400, 'context_length', false]);
  });

  it('a 200 JSON error body (kind http) keeps that kind', () => {
    expect(inBandError('local', { error: 'model is loading' }, 'http').kind).toBe('http');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('reads retry-after in seconds, including fractions', () => {
    expect(parseRetryAfter({ 'retry-after': '20' }, now)).toBe(20_000);
    expect(parseRetryAfter({ 'retry-after': '1.5' }, now)).toBe(1500);
  });

  it('prefers retry-after-ms', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '20' }, now)).toBe(250);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter({ 'retry-after': ['3', '9'] }, now)).toBe(3000);
  });

  it('ignores unusable values and falls back from a bad retry-after-ms to retry-after', () => {
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': '-5' }, now) ?? 0).toBe(0); // never a negative wait
    expect(parseRetryAfter({ 'retry-after-ms': 'abc', 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });
});
