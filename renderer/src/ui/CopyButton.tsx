// Copies text to the clipboard and says so (visibly and to screen readers); falls back to selecting the text when
// the clipboard API is refused.
import { useEffect, useState } from 'react';

export function CopyButton({ text, label = 'Copy', className = 'button' }: { readonly text: string; readonly label?: string; readonly className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button type="button" className={className} onClick={() => void copy()} aria-live="polite">
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed — select and copy' : label}
    </button>
  );
}
