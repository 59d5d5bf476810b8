// The privacy guard in the pipeline: read the request before it is planned (the route's action, or privacy.action,
// with the client token's on top), and act on what fired — refuse it (block, or local-only with no local target:
// 403 naming the detectors, never what they matched), keep it to local targets, redact what goes upstream, or only
// say so (x-switchyard-privacy and the ledger row).
import { GatewayError } from '../http/errors.js';
import type { RequestContext } from '../http/context.js';
import { effectiveAction, privacyOf, scannerFor, verdictOf, type PrivacyVerdict } from '../privacy/guard.js';
import { detectInChat, detectInEmbeddings, redactChat, redactEmbeddings, redactJson } from '../privacy/request-text.js';
import type { NativeRequest } from '../providers/types.js';
import type { ChatRequest, EmbeddingsRequest } from '../../../shared/openai-types.js';
import type { RoutedCall, Upstream } from './routed.js';

export type { PrivacyVerdict };

export function inspectPrivacy(context: RequestContext, call: RoutedCall | { readonly request: ChatRequest }): PrivacyVerdict | undefined {
  const settings = privacyOf(context.gateway.config.privacy);
  const model = 'embeddings' in call ? call.embeddings.model : call.request.model;
  const action = effectiveAction(settings, context.gateway.routing.routeFor(model)?.privacy, context.identity.name);
  if (action === 'off') return undefined;
  const scanner = scannerFor(settings);
  if (scanner.empty) return undefined;
  const fired = 'embeddings' in call ? detectInEmbeddings(scanner, call.embeddings) : detectInChat(scanner, call.request);
  return verdictOf(action, fired, scanner);
}

/** The reason routing records for the cloud targets it skips. */
export function localOnlyReason(verdict: PrivacyVerdict): string {
  return `privacy guard: ${verdict.detectors.join(', ')} found, local targets only`;
}

export function privacyRefusal(verdict: PrivacyVerdict, model: string): GatewayError {
  const found = verdict.detectors.join(', ');
  const message =
    verdict.action === 'block'
      ? `the privacy guard refused this request: it contains ${found} (privacy action: block). Remove it, or change the action in Settings → Privacy`
      : `the privacy guard keeps this request on local targets (it contains ${found}), and '${model}' has no local target. Route it to a local model, or remove it`;
  return new GatewayError(403, message, 'permission_error', verdict.action === 'block' ? 'privacy_blocked' : 'privacy_local_only', null, {
    'x-switchyard-privacy': verdict.detectors.join(','),
    'x-should-retry': 'false',
  });
}

/**
 * What goes upstream with every finding redacted: the canonical request, the dialect's own body (every string in it:
 * it may carry text the canonical request does not), and never the client's raw bytes.
 */
export function redactUpstream(verdict: PrivacyVerdict, upstream: Upstream, canonical: ChatRequest): Upstream {
  const { scanner } = verdict;
  return {
    // a dialect that sends only its own body still has the canonical request go to translated targets
    request: redactChat(scanner, upstream.request ?? canonical),
    rawBody: undefined,
    native: upstream.native ? redactNative(verdict, upstream.native) : undefined,
  };
}

function redactNative(verdict: PrivacyVerdict, native: NativeRequest): NativeRequest {
  return { dialect: native.dialect, headers: native.headers, body: redactJson(verdict.scanner, native.body) as Record<string, unknown> };
}

export function redactEmbeddingsRequest(verdict: PrivacyVerdict, request: EmbeddingsRequest): EmbeddingsRequest {
  return redactEmbeddings(verdict.scanner, request);
}
