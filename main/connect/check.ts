// The connection check: one real request, in the tool's own API family and with its token, through the running
// gateway — so it is routed, metered and filed under the tool like the tool's own traffic. The answer's text and
// Switchyard's x-switchyard-provider / -model headers say what answered; any failure comes back as a sentence.
import type { ConnectDialect } from './tools.js';

export interface CheckTarget {
  readonly dialect: ConnectDialect;
  /** the gateway's root (or, for 'ollama', the Ollama surface's) address */
  readonly url: string;
  /** null: no key is sent (the Ollama surface on loopback) */
  readonly token: string | null;
  /** Anthropic clients: Claude Code sends the token as a Bearer, the SDK as x-api-key */
  readonly anthropicHeader?: 'bearer' | 'x-api-key';
  readonly model: string;
  readonly client: string;
  readonly timeoutMs?: number;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly answer: string | null;
  readonly provider: string | null;
  readonly model: string | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

const prompt = 'Reply with a short greeting.';

interface Call {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
  readonly answer: (body: unknown) => string | undefined;
}

function callFor(target: CheckTarget): Call {
  const bearer: Record<string, string> = target.token === null ? {} : { authorization: `Bearer ${target.token}` };
  switch (target.dialect) {
    case 'anthropic-messages':
      return {
        path: '/v1/messages',
        headers: {
          'anthropic-version': '2023-06-01',
          ...(target.anthropicHeader === 'x-api-key' && target.token !== null ? { 'x-api-key': target.token } : bearer),
        },
        body: { model: target.model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] },
        answer: (body) => texts(field(body, 'content'), (block) => (field(block, 'type') === 'text' ? field(block, 'text') : undefined)),
      };
    case 'openai-responses':
      return {
        path: '/v1/responses',
        headers: bearer,
        body: { model: target.model, input: prompt, max_output_tokens: 64, store: false },
        answer: (body) =>
          texts(field(body, 'output'), (item) =>
            texts(field(item, 'content'), (part) => (field(part, 'type') === 'output_text' ? field(part, 'text') : undefined)),
          ),
      };
    case 'gemini':
      return {
        // the slash and an Ollama tag's colon written out, as the GenAI SDK sends them
        path: `/v1beta/models/${target.model
          .split('/')
          .map((part) => encodeURIComponent(part).replace(/%3A/gi, ':'))
          .join('/')}:generateContent`,
        headers: target.token === null ? {} : { 'x-goog-api-key': target.token },
        body: { contents: [{ role: 'user', parts: [{ text: prompt }] }], generationConfig: { maxOutputTokens: 64 } },
        answer: (body) => texts(field(field(first(field(body, 'candidates')), 'content'), 'parts'), (part) => field(part, 'text')),
      };
    case 'ollama':
      return {
        path: '/api/chat',
        headers: bearer,
        body: { model: target.model, stream: false, messages: [{ role: 'user', content: prompt }], options: { num_predict: 64 } },
        answer: (body) => stringOrUndefined(field(field(body, 'message'), 'content')),
      };
    case 'openai-chat':
      return {
        path: '/v1/chat/completions',
        headers: bearer,
        body: { model: target.model, max_tokens: 64, messages: [{ role: 'user', content: prompt }] },
        answer: (body) => stringOrUndefined(field(field(first(field(body, 'choices')), 'message'), 'content')),
      };
  }
}

export async function checkConnection(target: CheckTarget): Promise<CheckResult> {
  const call = callFor(target);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const timeoutMs = target.timeoutMs ?? 60_000;
  try {
    const { request } = await import('undici'); // loaded at the first check, not when the gateway starts
    const response = await request(`${target.url}${call.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': `switchyard-connect-check (${target.client})`, ...call.headers },
      body: JSON.stringify(call.body),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    const provider = header(response.headers['x-switchyard-provider']);
    const model = header(response.headers['x-switchyard-model']);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.statusCode >= 400) {
      return {
        ok: false,
        answer: null,
        provider,
        model,
        latencyMs: elapsed(),
        error: `HTTP ${response.statusCode}: ${errorMessage(body) ?? text.slice(0, 300)}`,
      };
    }
    const answer = call.answer(body);
    if (answer === undefined) return { ok: false, answer: null, provider, model, latencyMs: elapsed(), error: `an answer without text: ${text.slice(0, 300)}` };
    return { ok: true, answer, provider, model, latencyMs: elapsed(), error: null };
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ECONNREFUSED' ? `nothing answers at ${target.url}; is Switchyard running?` : error instanceof Error ? error.message : String(error);
    return { ok: false, answer: null, provider: null, model: null, latencyMs: elapsed(), error: reason };
  }
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function first(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The text pieces `pick` finds in a list, joined; undefined when there are none. */
function texts(list: unknown, pick: (item: unknown) => unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const found = list.map(pick).filter((piece): piece is string => typeof piece === 'string');
  return found.length > 0 ? found.join('') : undefined;
}

/** The message of an error body in any of the four families' shapes. */
function errorMessage(body: unknown): string | undefined {
  const error = field(body, 'error');
  if (typeof error === 'string') return error;
  return stringOrUndefined(field(error, 'message'));
}

function header(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
