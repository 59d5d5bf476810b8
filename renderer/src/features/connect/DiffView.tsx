// A unified diff as the core made it, each line marked added, removed or context by more than colour (the +/- stays).
export function DiffView({ diff, label }: { readonly diff: string; readonly label: string }) {
  const lines = diff.split('\n');
  return (
    <pre className="diff" tabIndex={0} aria-label={label}>
      <code>
        {lines.map((line, index) => {
          const kind =
            line.startsWith('+++') || line.startsWith('---')
              ? 'file'
              : line.startsWith('@@')
                ? 'hunk'
                : line.startsWith('+')
                  ? 'added'
                  : line.startsWith('-')
                    ? 'removed'
                    : 'context';
          return (
            <span key={index} className={`diff-line diff-${kind}`}>
              {line}
              {'\n'}
            </span>
          );
        })}
      </code>
    </pre>
  );
}
