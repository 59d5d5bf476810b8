// limits.* and a route's limits: edits of the config file (`limits` per client token, `routes.<name>.limits` per
// route), applied live like every other edit. The gateway keeps its counters across the reload.
import type { YAMLMap } from 'yaml';
import type { ClientLimitsDto, RateLimitsDto, RouteLimitsDto } from '../../shared/control/contract.js';
import type { RateLimits, RouteLimits } from '../config/limits.js';
import { ensureMap, type ConfigDocument } from './config-editor.js';
import type { ControlContext } from './context.js';

const none: RateLimitsDto = { requestsPerMinute: null, tokensPerMinute: null, concurrent: null };

export function getLimits(context: ControlContext): ClientLimitsDto {
  const limits = context.gateway.config.limits;
  return {
    everyClient: rateLimitsDto(limits?.everyClient),
    clients: Object.fromEntries(Object.entries(limits?.clients ?? {}).map(([name, entry]) => [name, rateLimitsDto(entry)])),
  };
}

export async function setLimits(context: ControlContext, input: ClientLimitsDto): Promise<ClientLimitsDto> {
  await context.editor.edit((document) => {
    const section = ensureMap(document, ['limits']);
    writeLimits(document, section, 'every_client', input.everyClient);
    const named = Object.entries(input.clients).filter(([, entry]) => !isEmpty(entry));
    if (named.length === 0) section.delete('clients');
    else section.set('clients', document.createNode(Object.fromEntries(named.map(([name, entry]) => [name, fileLimits(entry)]))));
    if (section.items.length === 0) document.delete('limits');
  });
  return getLimits(context);
}

/** Writes a route's `limits` (called inside routes.save's edit); all empty removes the key. */
export function writeRouteLimits(document: ConfigDocument, route: YAMLMap, limits: RouteLimitsDto): void {
  if (isEmpty(limits) && limits.queue === null) {
    route.delete('limits');
    return;
  }
  const written: Record<string, unknown> = fileLimits(limits);
  if (limits.queue) written['queue'] = { max_wait_ms: limits.queue.maxWaitMs, max_length: limits.queue.maxLength };
  route.set('limits', document.createNode(written));
}

export function routeLimitsDto(limits: RouteLimits | undefined): RouteLimitsDto | null {
  if (!limits) return null;
  return { ...rateLimitsDto(limits), queue: limits.queue ? { maxWaitMs: limits.queue.maxWaitMs, maxLength: limits.queue.maxLength } : null };
}

function rateLimitsDto(limits: RateLimits | undefined): RateLimitsDto {
  if (!limits) return none;
  return { requestsPerMinute: limits.requestsPerMinute ?? null, tokensPerMinute: limits.tokensPerMinute ?? null, concurrent: limits.concurrent ?? null };
}

function writeLimits(document: ConfigDocument, section: YAMLMap, key: string, limits: RateLimitsDto): void {
  if (isEmpty(limits)) section.delete(key);
  else section.set(key, document.createNode(fileLimits(limits)));
}

function fileLimits(limits: RateLimitsDto): Record<string, number> {
  return {
    ...(limits.requestsPerMinute !== null ? { requests_per_minute: limits.requestsPerMinute } : {}),
    ...(limits.tokensPerMinute !== null ? { tokens_per_minute: limits.tokensPerMinute } : {}),
    ...(limits.concurrent !== null ? { concurrent: limits.concurrent } : {}),
  };
}

function isEmpty(limits: RateLimitsDto): boolean {
  return limits.requestsPerMinute === null && limits.tokensPerMinute === null && limits.concurrent === null;
}
