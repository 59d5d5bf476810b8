// Which model a connected tool is given: the one the user picked, else the tool's own model names when Switchyard
// can serve them (a provider of that family, or a wildcard route catching them), else a route alias ('smart' first).
import type { ConnectTool } from './tools.js';

/** The part of the gateway config the choice reads. */
export interface ModelSources {
  readonly routes: ReadonlyArray<{ readonly name: string }>;
  readonly providers: ReadonlyArray<{ readonly id: string; readonly type: string; readonly models: readonly string[] }>;
}

/** The route aliases (not the wildcard patterns), 'smart' and 'fast' first: what a tool is offered. */
export function modelChoices(sources: ModelSources): string[] {
  const aliases = sources.routes.map((route) => route.name).filter((name) => !name.includes('*'));
  const rank = (name: string): number => (name === 'smart' ? 0 : name === 'fast' ? 1 : 2);
  return aliases.sort((left, right) => rank(left) - rank(right));
}

/** The model written for `tool`; null when the tool keeps asking for its own model names. */
export function chooseModel(tool: ConnectTool, sources: ModelSources, requested: string | undefined): string | null {
  if (requested !== undefined) return requested;
  if (tool.ownModel !== undefined && servesOwnNames(tool, sources)) return null;
  const [first] = modelChoices(sources);
  if (first !== undefined) return first;
  for (const provider of sources.providers) {
    const [model] = provider.models;
    if (model !== undefined) return `${provider.id}/${model}`;
  }
  return null;
}

/** A provider of the tool's own family, or a route (exact or wildcard) that catches the name it asks for. */
function servesOwnNames(tool: ConnectTool, sources: ModelSources): boolean {
  const own = tool.ownModel;
  if (own === undefined) return false;
  const family = tool.dialect === 'anthropic-messages' ? 'anthropic' : tool.dialect === 'gemini' ? 'gemini' : undefined;
  if (family !== undefined && sources.providers.some((provider) => provider.type === family)) return true;
  return sources.routes.some((route) => route.name === own || (route.name.includes('*') && wildcardMatches(route.name, own)));
}

function wildcardMatches(pattern: string, name: string): boolean {
  const expression = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${expression}$`).test(name);
}
