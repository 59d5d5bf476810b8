// The endpoints answered from Switchyard's own state: `GET /` ("Ollama is running"), /api/version, /api/tags (route
// aliases and every provider's models), /api/show (capabilities and model_info as GitHub Copilot reads them), /api/ps
// (nothing is loaded: a router holds no models), and the model-store calls a router cannot serve.
import { createHash } from 'node:crypto';
import type { AnswerSink, InboundRequest } from '../../http/answer-sink.js';
import { parseJsonBody } from '../../http/body.js';
import type { RequestContext } from '../../http/context.js';
import { GatewayError, sendJson } from '../../http/errors.js';
import type { ModelDetails } from '../../providers/types.js';
import { requireSurfaceOn } from './access.js';
import { toOllamaName, toSwitchyardModel } from './names.js';
import { ollamaShowSchema, parseInbound } from './ollama-request-schema.js';
import { splitModelName } from '../../../config/defaults.js';
import type { Target } from '../../../config/types.js';

/**
 * The Ollama API level this surface speaks, as /api/version reports it. Clients gate features on it (Copilot wants
 * 0.6.4 or later); it is not Switchyard's own version.
 */
export const ollamaApiVersion = '0.12.6';

/** What a model's `details.family` and `general.architecture` say: it is routed by Switchyard, not a local file. */
const architecture = 'switchyard';
/** the context length reported when the provider does not say (local: Ollama's common default; cloud: today's usual) */
const unknownContext = { local: 32_768, cloud: 131_072 } as const;
const listedAt = new Date().toISOString();

export async function handleRoot(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const text = 'Ollama is running';
  sink.writeHead(200, { ...context.corsHeaders, 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  sink.end(inbound.method === 'HEAD' ? undefined : text);
  await Promise.resolve();
}

export async function handleVersion(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  sendObject(context, inbound, sink, { version: ollamaApiVersion });
  await Promise.resolve();
}

export async function handleTags(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  sendObject(context, inbound, sink, { models: await listedModels(context) });
}

export async function handlePs(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  sendObject(context, inbound, sink, { models: [] });
  await Promise.resolve();
}

export async function handleShow(context: RequestContext, inbound: InboundRequest, sink: AnswerSink): Promise<void> {
  requireSurfaceOn(context.gateway);
  const body = parseInbound(ollamaShowSchema, parseJsonBody(inbound.body));
  const name = (body.model ?? body.name) as string;
  sendJson(sink, 200, await showModel(context, name), context.corsHeaders);
}

/** pull, push, create, copy, delete, blobs: Ollama's model store, which a router does not have. */
export async function handleModelStore(context: RequestContext, inbound: InboundRequest): Promise<void> {
  requireSurfaceOn(context.gateway);
  await Promise.resolve();
  const call = inbound.path.replace(/^\/v1/, '');
  throw new GatewayError(
    501,
    `Switchyard is a router, not a model store: ${call} is not available. Models come from its providers (pull them on the Ollama server Switchyard routes to) and from route aliases in its config.`,
    'invalid_request_error',
    'not_supported',
  );
}

export interface TagEntry {
  readonly name: string;
  readonly model: string;
  readonly modified_at: string;
  readonly size: number;
  readonly digest: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Route aliases first (wildcard routes are patterns, not models), then every provider's models. */
export async function listedModels(context: RequestContext): Promise<TagEntry[]> {
  const routes = context.gateway.config.routes.filter((route) => !route.pattern).map((route) => route.name);
  const providerModels = (await context.gateway.catalog.list()).map((entry) => entry.id);
  const seen = new Set<string>();
  const entries: TagEntry[] = [];
  for (const id of [...routes, ...providerModels]) {
    const name = toOllamaName(id);
    if (seen.has(name)) continue;
    seen.add(name);
    entries.push(tagEntry(name));
  }
  return entries;
}

export function tagEntry(name: string): TagEntry {
  return { name, model: name, modified_at: listedAt, size: 0, digest: createHash('sha256').update(name).digest('hex'), details: modelDetailsBlock() };
}

function modelDetailsBlock(): Record<string, unknown> {
  return { parent_model: '', format: architecture, family: architecture, families: [architecture], parameter_size: '', quantization_level: '' };
}

export async function showModel(context: RequestContext, name: string): Promise<Record<string, unknown>> {
  const { config, registry, routing, catalog } = context.gateway;
  const wanted = toSwitchyardModel(name);
  const route = config.routes.find((candidate) => !candidate.pattern && candidate.name === wanted);
  const split = splitModelName(wanted);
  const target: Target | undefined = route ? route.tiers[0]?.[0] : split && registry.get(split.providerId) ? split : undefined;
  if (!target) throw new GatewayError(404, `model '${name}' not found`, 'not_found_error', 'model_not_found', 'model');
  await routing.details.ensure([target], (id) => registry.get(id), 1_500);
  const details = routing.details.get(target) ?? catalog.details(target);
  const locality = registry.get(target.providerId)?.locality ?? 'local';
  return showBody(name, details, locality);
}

/** The /api/show answer for a model with what is known of it. */
export function showBody(name: string, details: ModelDetails | undefined, locality: 'local' | 'cloud'): Record<string, unknown> {
  const contextLength = details?.contextWindow ?? unknownContext[locality];
  return {
    license: '',
    modelfile: `# ${name} is routed by Switchyard, not stored on this machine\nFROM ${name}\n`,
    parameters: '',
    template: '{{ .Prompt }}',
    details: modelDetailsBlock(),
    model_info: {
      'general.architecture': architecture,
      'general.basename': name,
      [`${architecture}.context_length`]: contextLength,
    },
    capabilities: capabilitiesOf(details, locality),
    modified_at: listedAt,
  };
}

/**
 * What the provider reported (Ollama's /api/show), else an assumption: chat with tools, and images for cloud
 * models — "unknown means it can", as routing's own capability checks assume; the provider's error is the authority.
 */
export function capabilitiesOf(details: ModelDetails | undefined, locality: 'local' | 'cloud'): string[] {
  const known = details?.capabilities;
  if (known && known.length > 0) return [...known];
  return locality === 'cloud' ? ['completion', 'tools', 'vision'] : ['completion', 'tools'];
}

function sendObject(context: RequestContext, inbound: InboundRequest, sink: AnswerSink, body: unknown): void {
  if (inbound.method !== 'HEAD') {
    sendJson(sink, 200, body, context.corsHeaders);
    return;
  }
  sink.writeHead(200, { ...context.corsHeaders, 'content-type': 'application/json' });
  sink.end();
}
