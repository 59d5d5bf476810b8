// What an answer's links and images may do. A link opens only after the user confirms it, and only an https URL
// without credentials (the desktop app's external-link rule, main/app/navigation.ts). An image loads only when it is
// one the user attached to the prompt (a data: URL the page made itself); anything else is shown as text.

/** The normalised URL to open, or undefined when it must not be opened (not https, credentials, unparseable). */
export function openableUrl(candidate: string | null | undefined): string | undefined {
  if (!candidate) return undefined;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username !== '' || url.password !== '' || url.hostname === '') return undefined;
  return url.href;
}

/** Only images of the prompt itself, by exact data: URL; never a remote one, whatever the answer says. */
export function isAllowedImage(source: string | null | undefined, attached: ReadonlySet<string>): boolean {
  return typeof source === 'string' && source.startsWith('data:image/') && attached.has(source);
}

interface MarkdownNode {
  type: string;
  value?: string;
  children?: MarkdownNode[];
}

/**
 * A remark plugin: raw HTML in an answer is shown as the text it is, never as elements (react-markdown would drop
 * it silently; showing it says what the model wrote).
 */
export function htmlAsText(): (tree: MarkdownNode) => void {
  const visit = (node: MarkdownNode): void => {
    for (const child of node.children ?? []) {
      if (child.type === 'html') child.type = 'text';
      else visit(child);
    }
  };
  return visit;
}
