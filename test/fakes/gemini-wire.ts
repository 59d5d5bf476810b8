// Exact Gemini API wire shapes for the fake upstream: google.rpc.Status error bodies as Google sends them (with
// ErrorInfo, QuotaFailure, RetryInfo details), model resources, SSE frames, and the request checks Google makes
// (unknown fields, empty parts, mutually exclusive fields) with Google's wording, so a misspelt field fails here too.

export interface GoogleErrorReply {
  readonly kind: 'error';
  readonly status: number;
  /** an object is sent as JSON; a string is sent as it is (Google's HTML 404 page, a proxy's text) */
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export const googleStatusNames: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface GoogleStatusBody {
  code: number;
  message: string;
  status: string;
  details?: unknown[];
}

export function googleStatus(code: number, message: string, status = googleStatusNames[code] ?? 'UNKNOWN', details?: unknown[]): GoogleStatusBody {
  return { code, message, status, ...(details ? { details } : {}) };
}

export function errorReply(code: number, message: string, status?: string, details?: unknown[], headers?: Readonly<Record<string, string>>): GoogleErrorReply {
  return { kind: 'error', status: code, body: { error: googleStatus(code, message, status, details) }, ...(headers ? { headers } : {}) };
}

const help = {
  '@type': 'type.googleapis.com/google.rpc.Help',
  links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }],
};

/** A wrong key: 400 INVALID_ARGUMENT with ErrorInfo reason API_KEY_INVALID. `echoedKey` adds the DebugInfo Google sometimes includes, which repeats the key. */
export function apiKeyInvalid(echoedKey?: string): GoogleErrorReply {
  const message = 'API key not valid. Please pass a valid API key.';
  return errorReply(400, message, 'INVALID_ARGUMENT', [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { service: 'generativelanguage.googleapis.com' },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    ...(echoedKey !== undefined ? [{ '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${echoedKey}` }] : []),
  ]);
}

/** No key at all. */
export function missingApiKey(): GoogleErrorReply {
  return errorReply(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    'PERMISSION_DENIED',
  );
}

/** Not Google's behaviour (Google accepts ?key=): the fake refuses it so a test proves the adapter never sends one. */
export function keyInUrlRefused(): GoogleErrorReply {
  return errorReply(400, 'fake Gemini: an API key in the URL (?key=) is refused here; send it in the x-goog-api-key header', 'INVALID_ARGUMENT');
}

export function modelNotFound(model: string, method: string): GoogleErrorReply {
  return errorReply(
    404,
    `models/${model} is not found for API version v1beta, or is not supported for ${method}. Call ListModels to see the list of available models and their supported methods.`,
    'NOT_FOUND',
  );
}

/** A per-minute limit: retry after RetryInfo.retryDelay. */
export function rateLimited(retryDelay = '34.4s'): GoogleErrorReply {
  return errorReply(429, 'You exceeded your current quota, please check your plan.', 'RESOURCE_EXHAUSTED', [
    {
      '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
      violations: [
        {
          quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
          quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
          quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' },
          quotaValue: '10',
        },
      ],
    },
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay },
  ]);
}

/** The day's quota is gone: retrying today is pointless, whatever RetryInfo says. */
export function dailyQuotaExhausted(): GoogleErrorReply {
  return errorReply(
    429,
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
    'RESOURCE_EXHAUSTED',
    [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model: 'gemini-2.5-pro' },
            quotaValue: '50',
          },
        ],
      },
      help,
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '13s' },
    ],
  );
}

export const overloaded = (): GoogleErrorReply => errorReply(503, 'The model is overloaded. Please try again later.', 'UNAVAILABLE');
export const internalError = (): GoogleErrorReply =>
  errorReply(500, 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting', 'INTERNAL');
export const deadlineExceeded = (): GoogleErrorReply => errorReply(504, 'Deadline expired before operation could complete.', 'DEADLINE_EXCEEDED');
export const contextTooLong = (tokens = 1_200_000, limit = 1_048_576): GoogleErrorReply =>
  errorReply(400, `The input token count (${tokens}) exceeds the maximum number of tokens allowed (${limit}).`, 'INVALID_ARGUMENT');
export const locationNotSupported = (): GoogleErrorReply => errorReply(400, 'User location is not supported for the API use.', 'FAILED_PRECONDITION');
export const permissionDenied = (): GoogleErrorReply => errorReply(403, 'The caller does not have permission', 'PERMISSION_DENIED');

/** Google's front end answers unknown URLs with an HTML page, not JSON. */
export function unknownUrl(method: string, path: string): GoogleErrorReply {
  const page = `<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n  <title>Error 404 (Not Found)!!1</title>\n  <p><b>404.</b> <ins>That’s an error.</ins>\n  <p>The requested URL <code>${path.replace(/[<>&]/g, '')}</code> was not found on this server.  <ins>That’s all we know.</ins>\n`;
  return { kind: 'error', status: 404, body: page, headers: { 'content-type': 'text/html; charset=UTF-8', 'x-fake-method': method } };
}

// ---------------------------------------------------------------------------------------------------------
// Framing and headers

export type SseLineEnding = '\r\n' | '\n';

/** One SSE event as Google writes it: a single `data:` line, then a blank line (CRLF line ends by default). */
export function sseFrame(value: unknown, lineEnding: SseLineEnding): string {
  return `data: ${JSON.stringify(value)}${lineEnding}${lineEnding}`;
}

export const jsonContentType = 'application/json; charset=UTF-8';
export const eventStreamContentType = 'text/event-stream';

export function googleHeaders(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    vary: 'Origin, X-Origin, Referer',
    server: 'scaffolding on HTTPServer2',
    'x-xss-protection': '0',
    'x-frame-options': 'SAMEORIGIN',
    'x-content-type-options': 'nosniff',
  };
}

// ---------------------------------------------------------------------------------------------------------
// Models

export interface FakeGeminiModel {
  /** bare, without "models/" */
  readonly name: string;
  readonly displayName: string;
  readonly inputTokenLimit: number;
  readonly outputTokenLimit: number;
  readonly methods: readonly string[];
  readonly thinking?: boolean;
  readonly embeddingDimensions?: number;
}

const chatMethods = ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'];

export const defaultGeminiModels: readonly FakeGeminiModel[] = [
  { name: 'gemini-2.0-flash', displayName: 'Gemini 2.0 Flash', inputTokenLimit: 1_048_576, outputTokenLimit: 8_192, methods: chatMethods },
  { name: 'gemini-2.5-flash', displayName: 'Gemini 2.5 Flash', inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, methods: chatMethods, thinking: true },
  { name: 'gemini-2.5-pro', displayName: 'Gemini 2.5 Pro', inputTokenLimit: 1_048_576, outputTokenLimit: 65_536, methods: chatMethods, thinking: true },
  {
    name: 'gemini-3-pro-preview',
    displayName: 'Gemini 3 Pro Preview',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    methods: chatMethods,
    thinking: true,
  },
  { name: 'gemma-3-27b-it', displayName: 'Gemma 3 27B', inputTokenLimit: 131_072, outputTokenLimit: 8_192, methods: ['generateContent', 'countTokens'] },
  {
    name: 'gemini-embedding-001',
    displayName: 'Gemini Embedding 001',
    inputTokenLimit: 2_048,
    outputTokenLimit: 1,
    methods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
    embeddingDimensions: 3_072,
  },
  {
    name: 'text-embedding-004',
    displayName: 'Text Embedding 004',
    inputTokenLimit: 2_048,
    outputTokenLimit: 1,
    methods: ['embedContent'],
    embeddingDimensions: 768,
  },
  {
    name: 'aqa',
    displayName: 'Model that performs Attributed Question Answering.',
    inputTokenLimit: 7_168,
    outputTokenLimit: 1_024,
    methods: ['generateAnswer'],
  },
  { name: 'imagen-4.0-generate-001', displayName: 'Imagen 4', inputTokenLimit: 480, outputTokenLimit: 8_192, methods: ['predict'] },
];

/** The Model resource as models.get / models.list return it. */
export function modelResource(model: FakeGeminiModel): Record<string, unknown> {
  const chat = model.methods.includes('generateContent');
  return {
    name: `models/${model.name}`,
    version: '001',
    displayName: model.displayName,
    description: `${model.displayName} (fake)`,
    inputTokenLimit: model.inputTokenLimit,
    outputTokenLimit: model.outputTokenLimit,
    supportedGenerationMethods: [...model.methods],
    ...(chat ? { temperature: 1, topP: 0.95, topK: 64, maxTemperature: 2 } : {}),
    ...(model.thinking ? { thinking: true } : {}),
  };
}
