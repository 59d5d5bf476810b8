// The gateway as the fake core's playground sees it: streams a made-up markdown answer word by word as real SSE
// (with the routing headers, the usage chunk and its cost), honours a stop, and writes the ledger row into the fake
// state so usage.detail confirms the cost — for the demo mode and component tests.
import type { RequestRowDto } from '../../../../shared/control/contract';
import type { GatewayFetch, GatewayReply } from '../../features/playground/stream/chat-stream';
import type { FakeControl } from './fake-control-client';

export interface FakeGatewayOptions {
  /** the answer for a model (default: a short markdown answer naming it) */
  readonly answer?: (model: string) => string;
  /** pause between words (default 40 ms; 0 for tests) */
  readonly delayMs?: number;
  /** models that answer with this HTTP error */
  readonly failing?: Readonly<Record<string, string>>;
}

const pricePerToken = { input: 1e-6, output: 2e-6 };

export function createFakeGateway(fake: FakeControl, options: FakeGatewayOptions = {}): GatewayFetch & { readonly bodies: string[] } {
  const bodies: string[] = [];
  const answerFor =
    options.answer ?? ((model: string) => `**${model}** here. A short answer:\n\n1. first point\n2. second point\n\n\`\`\`js\nconsole.log('hi');\n\`\`\``);
  const send = async (body: string, signal: AbortSignal): Promise<GatewayReply> => {
    bodies.push(body);
    const request = JSON.parse(body) as { model: string; messages: unknown[] };
    const model = request.model;
    const [providerId, ...rest] = model.includes('/') ? model.split('/') : ['openai', 'gpt-4.1-mini'];
    const id = `fake-${bodies.length}-${Math.floor(Math.random() * 1e9)}`;
    const headers = new Map([
      ['x-switchyard-request-id', id],
      ['x-switchyard-provider', providerId ?? 'openai'],
      ['x-switchyard-model', rest.join('/')],
      ['x-switchyard-attempts', `${providerId ?? ''}/${rest.join('/')}=ok`],
    ]);
    const failure = options.failing?.[model];
    if (failure !== undefined) {
      return {
        status: 502,
        headers: { get: (name) => headers.get(name) ?? null },
        body: null,
        text: async () => JSON.stringify({ error: { message: failure } }),
      };
    }
    const words = answerFor(model).split(/(?<= )/);
    const inputTokens = 10 + request.messages.length;
    const outputTokens = words.length;
    const costUsd = inputTokens * pricePerToken.input + outputTokens * pricePerToken.output;
    const startedAt = Date.now();
    const record = (status: RequestRowDto['status']): void => {
      const delivered = status === 'ok' ? outputTokens : Math.max(0, index - 1);
      const cost = inputTokens * pricePerToken.input + delivered * pricePerToken.output;
      fake.state.requests = [
        ledgerRow(id, model, providerId ?? 'openai', rest.join('/'), status, startedAt, inputTokens, delivered, cost),
        ...fake.state.requests,
      ];
    };
    const encoder = new TextEncoder();
    let index = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (signal.aborted) {
          record('cancelled');
          controller.error(new DOMException('stopped', 'AbortError'));
          return;
        }
        if (index > 0 && (options.delayMs ?? 40) > 0) await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 40));
        const word = words[index++];
        if (word !== undefined)
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: word } }], usage: null })}\n\n`));
        else {
          controller.enqueue(
            encoder.encode(
              `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: inputTokens, completion_tokens: outputTokens, cost: costUsd } })}\n\ndata: [DONE]\n\n`,
            ),
          );
          record('ok');
          controller.close();
        }
      },
    });
    return { status: 200, headers: { get: (name) => headers.get(name) ?? null }, body: stream, text: async () => '' };
  };
  return Object.assign(send, { bodies });
}

function ledgerRow(
  id: string,
  requestedModel: string,
  providerId: string,
  model: string,
  status: RequestRowDto['status'],
  startedAt: number,
  inputTokens: number,
  outputTokens: number,
  costUsd: number,
): RequestRowDto {
  return {
    id,
    startedAt,
    finishedAt: Date.now(),
    clientTokenName: 'playground',
    clientFamily: 'other',
    endpoint: '/v1/chat/completions',
    requestedModel,
    route: null,
    providerId,
    model,
    status,
    errorClass: status === 'cancelled' ? 'cancelled' : null,
    httpStatus: 200,
    inputTokens,
    outputTokens,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    tokensEstimated: false,
    costUsd,
    costReferenceUsd: null,
    latencyMs: Date.now() - startedAt,
    ttftMs: 5,
    upstreamMs: Date.now() - startedAt,
    overheadMs: 1,
    localComputeMs: null,
    finishReason: status === 'ok' ? 'stop' : null,
    nativeFinishReason: null,
    stream: true,
  };
}
