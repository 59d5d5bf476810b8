// A request with parts only Gemini can serve (built-in tools such as googleSearch, cached contents, files by URI,
// image or audio output) stays on targets that take Gemini's format as written; the others are skipped with the
// reason in the attempt trail. When none is left, a 400 says what needs a Gemini target.
import { GatewayError } from '../../http/errors.js';
import type { ProviderRegistry } from '../../providers/registry.js';
import type { RoutedPlan } from '../../routing/service.js';
import type { Unsupported } from './convert-contents.js';

export function restrictToGemini(plan: RoutedPlan, unsupported: readonly Unsupported[], registry: ProviderRegistry): RoutedPlan {
  const [first] = unsupported;
  if (!first) return plan;
  const isGemini = (providerId: string): boolean => registry.get(providerId)?.forwards.has('gemini-generate-content') === true;
  const candidates = plan.candidates.filter((candidate) => isGemini(candidate.providerId));
  const reason = `${first.param}: ${first.what} cannot be sent to this provider`;
  if (candidates.length === 0) {
    const more = unsupported.length > 1 ? ` (and ${unsupported.length - 1} more)` : '';
    throw new GatewayError(400, `${reason}${more}; route this request to a Gemini provider`, 'invalid_request_error', 'unsupported_content', first.param);
  }
  const skipped = plan.candidates.filter((candidate) => !isGemini(candidate.providerId)).map((candidate) => ({ candidate, reason }));
  return {
    ...plan,
    candidates,
    skipped: [...plan.skipped, ...skipped],
    contextFallbacks: plan.contextFallbacks.filter((candidate) => isGemini(candidate.providerId)),
  };
}
