// Decisions for links and navigations inside the window: the window only ever shows the app's own page; links
// to the web open in the user's browser, and only https ones.
import { isAppPageUrl, parseUrl, type RendererSource } from './renderer-source.js';

export type NavigationDecision = { readonly action: 'allow' } | { readonly action: 'deny' } | { readonly action: 'open-externally'; readonly url: string };

/**
 * The URL to hand to the OS browser, or undefined. Only https, parsed (never string-matched), no credentials in
 * it, returned in its normalised form so what is checked is exactly what is opened.
 */
export function externalUrl(candidate: string): string | undefined {
  const url = parseUrl(candidate);
  if (!url || url.protocol !== 'https:' || url.username || url.password || url.hostname === '') return undefined;
  return url.href;
}

/** For `will-navigate` / `will-redirect`: stay on the app's page, send https elsewhere to the browser. */
export function decideNavigation(target: string, source: RendererSource): NavigationDecision {
  if (isAppPageUrl(target, source)) return { action: 'allow' };
  const url = externalUrl(target);
  return url ? { action: 'open-externally', url } : { action: 'deny' };
}

/** For `setWindowOpenHandler`: never a new Electron window; an https link goes to the browser. */
export function decideWindowOpen(target: string): Exclude<NavigationDecision, { action: 'allow' }> {
  const url = externalUrl(target);
  return url ? { action: 'open-externally', url } : { action: 'deny' };
}
