// "Point your tools at Switchyard": one tab per tool, each snippet with the real gateway address and a copy button.
import { useState, type KeyboardEvent } from 'react';
import { gatewayBaseUrl } from '../../app/status-store';
import { useAppStore } from '../../app/stores';
import { CopyButton } from '../../ui/CopyButton';
import { snippetsFor } from './snippets';

export function SnippetsSection({ origin }: { readonly origin: string | undefined }) {
  const status = useAppStore('status', (state) => state.status.data);
  const baseUrl = gatewayBaseUrl(status, origin);
  const model = status?.routes[0]?.name ?? 'smart';
  const snippets = snippetsFor(baseUrl, model);
  const [selected, setSelected] = useState(0);
  const current = snippets[selected] ?? snippets[0]!;
  const onTabKey = (event: KeyboardEvent<HTMLButtonElement>): void => {
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (selected + step + snippets.length) % snippets.length;
    setSelected(next);
    document.getElementById(`snippet-tab-${snippets[next]!.id}`)?.focus();
  };
  return (
    <section className="card" aria-labelledby="snippets-title">
      <h2 id="snippets-title">Point your tools at Switchyard</h2>
      <p className="muted">
        OpenAI-compatible tools use <code>{baseUrl}/v1</code>; Anthropic ones use <code>{baseUrl}</code>. Replace the token placeholder with a client token from above.
      </p>
      <div className="tabs" role="tablist" aria-label="Tools">
        {snippets.map((snippet, index) => (
          <button
            key={snippet.id}
            id={`snippet-tab-${snippet.id}`}
            type="button"
            role="tab"
            aria-selected={index === selected}
            aria-controls="snippet-panel"
            tabIndex={index === selected ? 0 : -1}
            onClick={() => setSelected(index)}
            onKeyDown={onTabKey}
          >
            {snippet.title}
          </button>
        ))}
      </div>
      <div id="snippet-panel" role="tabpanel" aria-labelledby={`snippet-tab-${current.id}`} className="snippet">
        <p className="hint">{current.note}</p>
        <pre tabIndex={0}>
          <code data-testid="snippet-code">{current.code}</code>
        </pre>
        <CopyButton text={current.code} label={`Copy ${current.title} snippet`} />
      </div>
    </section>
  );
}
