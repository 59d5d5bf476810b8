// Model output as markdown, safe against a hostile answer: no raw HTML (shown as text), no script, no remote
// image (a placeholder naming the URL instead), and links that do nothing but ask first (LinkConfirmDialog).
import { memo, type ReactNode } from 'react';
import Markdown, { defaultUrlTransform, type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { htmlAsText, isAllowedImage } from './url-policy';
import './markdown.css';

export interface SafeMarkdownProps {
  readonly text: string;
  /** data: URLs of images the user attached; the only images that load */
  readonly attachedImages?: ReadonlySet<string>;
  /** a link was clicked: the URL it names (after the unsafe-scheme filter; '' when removed) */
  readonly onLink: (url: string) => void;
}

const noImages: ReadonlySet<string> = new Set();
const remarkPlugins = [remarkGfm, htmlAsText];

// href goes through react-markdown's filter (javascript:, vbscript:, data: … become ''); src is kept as written so
// the placeholder can name it — it is never put in an attribute unless it is an attached image.
function urlTransform(url: string, key: string): string {
  return key === 'src' ? url : defaultUrlTransform(url);
}

function SafeMarkdownView({ text, attachedImages = noImages, onLink }: SafeMarkdownProps) {
  const components: Components = {
    a: ({ href, children }) => (
      <button type="button" className="md-link" title={href || 'a link that cannot be opened'} onClick={() => onLink(href ?? '')}>
        {children as ReactNode}
      </button>
    ),
    img: ({ src, alt }) => {
      const source = typeof src === 'string' ? src : '';
      if (isAllowedImage(source, attachedImages)) return <img src={source} alt={alt ?? ''} className="md-image" />;
      return (
        <span className="md-image-blocked" data-testid="blocked-image">
          [image not loaded{alt ? `: ${alt}` : ''}] <code>{source.length > 200 ? `${source.slice(0, 200)}…` : source}</code>
        </span>
      );
    },
  };
  return (
    <div className="markdown">
      <Markdown remarkPlugins={remarkPlugins} urlTransform={urlTransform} components={components}>
        {text}
      </Markdown>
    </div>
  );
}

/** Re-parsing only when the text grows: a streaming column re-renders often. */
export const SafeMarkdown = memo(SafeMarkdownView);
