// @vitest-environment happy-dom
// A hostile corpus through the answer renderer: nothing in the DOM can run script, load a remote resource or
// navigate; links only report what they name, and only attached images load.
import { within } from '@testing-library/dom';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SafeMarkdown } from './SafeMarkdown';
import { isAllowedImage, openableUrl } from './url-policy';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const attached = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

const hostileCorpus = [
  '# Answer',
  '<script>alert("script tag")</script>',
  '<img src="https://evil.example/pixel.png" onerror="alert(\'onerror\')">',
  '<iframe src="https://evil.example/frame"></iframe>',
  '<svg><script>alert("svg")</script></svg>',
  '<a href="javascript:alert(\'html link\')">html link</a>',
  '<div onclick="alert(1)" style="background:url(https://evil.example/bg.png)">styled</div>',
  '<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/y">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example/"><base href="https://evil.example/">',
  '[javascript link](javascript:alert("md"))',
  '[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[vbscript](vbscript:msgbox)',
  '[click me](https://example.com/docs?q=1)',
  '![remote image](https://evil.example/tracker.gif)',
  '![svg image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+PC9zdmc+)',
  `![my attachment](${attached})`,
  '<https://autolink.example/path>',
  'www.literal-autolink.example and https://bare.example/x',
  '[ref link][1]\n\n[1]: javascript:alert("ref")',
  '```html\n<script>alert("in code")</script>\n```',
  '| a | b |\n|---|---|\n| <img src=x onerror=alert(2)> | ok |',
].join('\n\n');

let container: HTMLElement | undefined;
afterEach(() => {
  container?.remove();
  container = undefined;
});

function render(text: string, onLink: (url: string) => void = () => undefined): HTMLElement {
  container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  act(() => root.render(<SafeMarkdown text={text} attachedImages={new Set([attached])} onLink={onLink} />));
  return container;
}

describe('SafeMarkdown with a hostile answer', () => {
  it('creates no script, frame, object, style, meta or base element', () => {
    const dom = render(hostileCorpus);
    expect(dom.querySelectorAll('script, iframe, frame, object, embed, svg, style, meta, base, link, form, input:not([type="checkbox"])')).toHaveLength(0);
  });

  it('sets no event handler, style or navigating attribute anywhere', () => {
    const dom = render(hostileCorpus);
    for (const element of dom.querySelectorAll('*')) {
      for (const attribute of element.attributes) {
        expect(attribute.name, `${element.tagName} ${attribute.name}`).not.toMatch(/^on|^style$|^href$|^srcset$|^action$|^formaction$/i);
        expect(attribute.value.toLowerCase(), `${element.tagName} ${attribute.name}`).not.toMatch(/^\s*(javascript|vbscript):/);
      }
    }
    expect(dom.querySelectorAll('a')).toHaveLength(0);
  });

  it('loads no remote image: only the attached one, the rest as placeholders naming their URL', () => {
    const dom = render(hostileCorpus);
    const images = [...dom.querySelectorAll('img')];
    expect(images.map((image) => image.getAttribute('src'))).toEqual([attached]);
    const placeholders = [...dom.querySelectorAll('[data-testid="blocked-image"]')].map((element) => element.textContent);
    expect(placeholders.some((text) => text?.includes('https://evil.example/tracker.gif'))).toBe(true);
    expect(placeholders.some((text) => text?.includes('data:image/svg+xml'))).toBe(true);
  });

  it('shows raw HTML and code as text', () => {
    const dom = render(hostileCorpus);
    expect(dom.textContent).toContain('<script>alert("script tag")</script>');
    expect(dom.querySelector('pre code')?.textContent).toContain('<script>alert("in code")</script>');
  });

  it('turns every link into a button that only reports its URL (unsafe schemes removed)', () => {
    const onLink = vi.fn();
    const dom = render(hostileCorpus, onLink);
    const byText = (text: string) => within(dom).getByRole('button', { name: text });
    act(() => byText('click me')?.click());
    act(() => byText('javascript link')?.click());
    act(() => byText('data link')?.click());
    act(() => byText('ref link')?.click());
    act(() => byText('https://autolink.example/path')?.click());
    act(() => byText('www.literal-autolink.example')?.click());
    expect(onLink.mock.calls.map(([url]) => url)).toEqual([
      'https://example.com/docs?q=1',
      '',
      '',
      '',
      'https://autolink.example/path',
      'http://www.literal-autolink.example',
    ]);
    expect(window.location.href).not.toContain('example');
  });
});

describe('url policy', () => {
  it('opens https only, without credentials', () => {
    expect(openableUrl('https://example.com/a b')).toBe('https://example.com/a%20b');
    for (const url of [
      'http://example.com',
      'javascript:alert(1)',
      'data:text/html,x',
      'https://user:pw@example.com/',
      '//example.com',
      '',
      null,
      'file:///etc/passwd',
    ]) {
      expect(openableUrl(url), String(url)).toBeUndefined();
    }
  });

  it('allows an image only when it is an attached data: image', () => {
    const set = new Set([attached]);
    expect(isAllowedImage(attached, set)).toBe(true);
    expect(isAllowedImage('https://example.com/a.png', new Set(['https://example.com/a.png']))).toBe(false);
    expect(isAllowedImage('data:image/png;base64,AAAA', set)).toBe(false);
  });
});
