// The live list of model names a picker offers: route aliases first, then each provider's models as the provider
// reports them (context window, capabilities, prices), and what a typed query keeps of it. Pure, so the combobox and its tests
// share one definition of "matches".
import type { CallResponse, ProviderDto, RouteDto } from '../../../../shared/control/contract';
import { formatPricePerMillion } from '../../format/money';
import { formatContextWindow } from '../../format/numbers';

export type ProviderModel = CallResponse<'providers.models'>[number];

export interface ModelOption {
  /** what the picker puts in the field: a route alias or provider/model */
  readonly value: string;
  readonly kind: 'route' | 'model';
  /** the group it is listed under: "Route aliases" or the provider's label */
  readonly group: string;
  /** one line under the name: context window, capabilities and prices, or a route's targets */
  readonly detail: string;
  readonly locality: 'local' | 'cloud' | null;
}

export function routeOption(route: RouteDto): ModelOption {
  const targets = route.targets.map((target) => target.model);
  const shown = targets.slice(0, 3).join(', ') + (targets.length > 3 ? `, +${targets.length - 3}` : '');
  return { value: route.name, kind: 'route', group: 'Route aliases', detail: `route → ${shown}`, locality: null };
}

export function describeModel(model: ProviderModel, locality: 'local' | 'cloud'): string {
  const parts: string[] = [];
  if (model.contextWindow !== null) parts.push(`${formatContextWindow(model.contextWindow)} context`);
  if (model.capabilities.length > 0) parts.push(model.capabilities.join(', '));
  if (model.priceInputPerMillion === 0 && model.priceOutputPerMillion === 0) parts.push('free');
  else if (model.priceInputPerMillion !== null || model.priceOutputPerMillion !== null)
    parts.push(`in ${formatPricePerMillion(model.priceInputPerMillion)} · out ${formatPricePerMillion(model.priceOutputPerMillion)}`);
  parts.push(locality);
  return parts.join(' · ');
}

/**
 * Route aliases, then every provider's models: the live list where the provider answered (`live[id]`), the
 * configured names otherwise, so a provider that is down still offers what the config says it has.
 */
export function buildModelOptions(
  routes: readonly RouteDto[],
  providers: readonly ProviderDto[],
  live: Readonly<Record<string, readonly ProviderModel[] | undefined>>,
): ModelOption[] {
  const options: ModelOption[] = [...routes].sort((a, b) => a.name.localeCompare(b.name)).map(routeOption);
  for (const provider of providers) {
    const known = new Map<string, ProviderModel>();
    for (const model of live[provider.id] ?? []) known.set(model.id, model);
    for (const name of provider.models)
      if (!known.has(name)) known.set(name, { id: name, contextWindow: null, priceInputPerMillion: null, priceOutputPerMillion: null, capabilities: [] });
    const sorted = [...known.values()].sort((a, b) => a.id.localeCompare(b.id));
    const group = groupName(provider);
    for (const model of sorted)
      options.push({ value: `${provider.id}/${model.id}`, kind: 'model', group, detail: describeModel(model, provider.locality), locality: provider.locality });
  }
  return options;
}

/** "Ollama" for the provider `ollama`; "OpenAI (openai-work)" for a second account of a preset. */
function groupName(provider: ProviderDto): string {
  const plain = (text: string): string => text.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (provider.label === '' || provider.label === provider.id) return provider.id;
  return plain(provider.label) === plain(provider.id) ? provider.label : `${provider.label} (${provider.id})`;
}

/** Every word of the query must appear in the name, group or detail (any order, any case). */
export function filterModelOptions(options: readonly ModelOption[], query: string, limit = 200): ModelOption[] {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) return options.slice(0, limit);
  const matches: ModelOption[] = [];
  for (const option of options) {
    const haystack = `${option.value} ${option.group} ${option.detail}`.toLowerCase();
    if (words.every((word) => haystack.includes(word))) matches.push(option);
    if (matches.length >= limit) break;
  }
  // exact and prefix matches of the name first, the rest in list order
  const rank = (option: ModelOption): number => {
    const name = option.value.toLowerCase();
    const whole = words.join(' ');
    if (name === whole) return 0;
    if (name.startsWith(whole) || name.split('/')[1]?.startsWith(whole)) return 1;
    return 2;
  };
  return matches
    .map((option, index) => ({ option, index }))
    .sort((a, b) => rank(a.option) - rank(b.option) || a.index - b.index)
    .map((entry) => entry.option);
}
