// What both Messages-dialect endpoints do with a request before routing it: validate the body (400 naming the
// field), keep the client's dialect headers for passthrough, keep a request that only Anthropic can serve (server
// tools, Files API sources) away from targets that would have to drop part of it, and not ask for thinking from
// models known to be unable to think.
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';
import { formatPath } from '../../../../shared/openai-schema.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { ChatRequest } from '../../../../shared/openai-types.js';
import type { ModelDetails, NativeRequest, RequestBody } from '../../providers/types.js';
import type { Candidate } from '../../routing/plan.js';
import type { RoutedPlan } from '../../routing/service.js';
import { GatewayError } from '../../http/errors.js';
import type { Unsupported } from './convert-content.js';

export function validateInbound<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GatewayError(400, 'request body must be a JSON object', 'invalid_request_error', 'invalid_type');
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = deepestIssue(result.error.issues);
    const param = issue ? formatPath(issue.path) : '';
    const message = `${param ? `${param}: ` : ''}${issue?.message ?? 'invalid request'}`;
    throw new GatewayError(400, message, 'invalid_request_error', 'invalid_value', param || null);
  }
  return result.data;
}

/** `content` is a string or a list of blocks; when neither fits, the list's own complaint names the real field. */
function deepestIssue(issues: readonly z.core.$ZodIssue[]): z.core.$ZodIssue | undefined {
  const [first] = issues;
  if (first?.code !== 'invalid_union' || first.errors.length === 0) return first;
  const candidates = first.errors.map((branch) => deepestIssue(branch)).filter((issue): issue is z.core.$ZodIssue => issue !== undefined);
  const deepest = candidates.reduce<z.core.$ZodIssue | undefined>(
    (best, issue) => (best === undefined || issue.path.length > best.path.length ? issue : best),
    undefined,
  );
  return deepest ? { ...deepest, path: [...first.path, ...deepest.path] } : first;
}

/**
 * The request as an Anthropic upstream gets it: the client's bytes, and the dialect headers it should see
 * (credentials and everything else stay here). System entries among the messages (Claude Code's, for model names it
 * does not know) are moved into `system`, which is where Anthropic takes them.
 */
export function nativeRequest(body: Record<string, unknown>, raw: RequestBody, requestHeaders: IncomingHttpHeaders): NativeRequest {
  const headers: Record<string, string> = {};
  for (const name of ['anthropic-beta', 'anthropic-version']) {
    const value = requestHeaders[name];
    const text = Array.isArray(value) ? value.join(',') : value;
    if (text) headers[name] = text;
  }
  const hoisted = withSystemHoisted(body);
  return hoisted ? { dialect: 'anthropic-messages', body: hoisted, headers } : { dialect: 'anthropic-messages', body, raw, headers };
}

function withSystemHoisted(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const messages = Array.isArray(body['messages']) ? (body['messages'] as Array<Record<string, unknown>>) : [];
  if (!messages.some((message) => message['role'] === 'system')) return undefined;
  const blocks = (content: unknown): unknown[] =>
    typeof content === 'string' ? (content === '' ? [] : [{ type: 'text', text: content }]) : Array.isArray(content) ? content : [];
  const system = [...blocks(body['system']), ...messages.filter((message) => message['role'] === 'system').flatMap((message) => blocks(message['content']))];
  return { ...body, system, messages: messages.filter((message) => message['role'] !== 'system') };
}

/**
 * Targets that would have to drop part of the request are skipped (with the reason in the attempt trail); when none
 * is left, a 400 says what only Anthropic can serve.
 */
export function restrictToCapable(plan: RoutedPlan, unsupported: readonly Unsupported[], registry: ProviderRegistry): RoutedPlan {
  const [first] = unsupported;
  if (!first) return plan;
  const isAnthropic = (providerId: string): boolean => registry.get(providerId)?.forwards.has('anthropic-messages') === true;
  const candidates = plan.candidates.filter((candidate) => isAnthropic(candidate.providerId));
  const reason = `${first.param}: ${first.what} cannot be sent to this provider`;
  if (candidates.length === 0) {
    const more = unsupported.length > 1 ? ` (and ${unsupported.length - 1} more)` : '';
    throw new GatewayError(400, `${reason}${more}; route this request to an Anthropic provider`, 'invalid_request_error', 'unsupported_content', first.param);
  }
  const skipped = plan.candidates.filter((candidate) => !isAnthropic(candidate.providerId)).map((candidate) => ({ candidate, reason }));
  return {
    ...plan,
    candidates,
    skipped: [...plan.skipped, ...skipped],
    contextFallbacks: plan.contextFallbacks.filter((candidate) => isAnthropic(candidate.providerId)),
  };
}

/**
 * Claude Code asks for thinking whenever the user has it on; translated, that is reasoning_effort, which a model
 * that cannot think refuses with a 400 (Ollama says "does not support thinking"). When every target is known (from
 * its reported capabilities) not to think, the request goes without it; targets that say nothing keep it.
 */
export function withoutImpossibleThinking(request: ChatRequest, plan: RoutedPlan, details: (candidate: Candidate) => ModelDetails | undefined): ChatRequest {
  if (request.reasoning_effort === undefined) return request;
  const nobodyThinks = plan.candidates.every((candidate) => {
    const capabilities = details(candidate)?.capabilities;
    return capabilities !== undefined && capabilities.length > 0 && !capabilities.includes('thinking');
  });
  if (!nobodyThinks) return request;
  const { reasoning_effort: _dropped, ...rest } = request;
  return rest;
}
