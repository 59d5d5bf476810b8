// The comparison being run: its columns side by side (anonymised and shuffled in blind mode until the vote), Stop
// all, the vote once a turn is over, and the follow-up prompt that continues every column.
import { useCallback, useId, useMemo, useState, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { EmptyState } from '../../ui/states';
import { AnswerColumn } from './AnswerColumn';
import { blindLabel, isRunning, type ColumnState } from './playground-types';
import { VoteBar } from './VoteBar';

export function ComparisonView({ onLink, onPromote }: { readonly onLink: (url: string) => void; readonly onPromote: (column: ColumnState) => void }) {
  const comparison = useAppStore('playground', (state) => state.comparison);
  const revealed = useAppStore('playground', (state) => state.revealed);
  const notice = useAppStore('playground', (state) => state.notice);
  const stop = useAppStore('playground', (state) => state.stop);
  const stopAll = useAppStore('playground', (state) => state.stopAll);
  const carryForward = useAppStore('playground', (state) => state.carryForward);
  const followUp = useAppStore('playground', (state) => state.followUp);
  const image = useAppStore('playground', (state) => state.draft.image);
  const [next, setNext] = useState('');
  const fieldId = useId();
  const attachedImages = useMemo(() => new Set(image ? [image.dataUrl] : []), [image]);
  const hidden = comparison !== null && comparison.blind && !revealed;
  const labelOf = useCallback((column: ColumnState, position: number): string => (hidden ? blindLabel(position) : column.model), [hidden]);
  if (!comparison) {
    return (
      <EmptyState title="Nothing compared yet">
        Pick two to six models, write a prompt and run it: the answers stream in side by side with their speed and exact cost.
      </EmptyState>
    );
  }
  const running = comparison.columns.some(isRunning);
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    followUp(next);
    setNext('');
  };
  return (
    <section className="comparison" aria-label="Answers">
      <div className="comparison-toolbar">
        <p className="muted small" role="status">
          {running
            ? `Streaming from ${comparison.columns.filter(isRunning).length} model(s)…`
            : comparison.turn === 0
              ? ''
              : `Turn ${comparison.turn} finished.`}{' '}
          {notice}
        </p>
        {running && (
          <button type="button" className="button" onClick={stopAll}>
            Stop all
          </button>
        )}
      </div>
      <div className="answer-grid" data-columns={comparison.columns.length}>
        {comparison.columns.map((column, position) => (
          <AnswerColumn
            key={column.key}
            column={column}
            label={labelOf(column, position)}
            hidden={hidden}
            attachedImages={attachedImages}
            busy={running}
            onStop={stop}
            onCarry={carryForward}
            onPromote={onPromote}
            onLink={onLink}
          />
        ))}
      </div>
      {!running && comparison.turn > 0 && <VoteBar columns={comparison.columns} labelOf={labelOf} />}
      {!running && comparison.turn > 0 && (
        <form className="follow-up" onSubmit={submit}>
          <label htmlFor={`${fieldId}-next`}>Follow-up</label>
          <textarea
            id={`${fieldId}-next`}
            rows={2}
            value={next}
            onChange={(event) => setNext(event.target.value)}
            placeholder="Ask every model the next question; each keeps its own conversation"
          />
          <button type="submit" className="button button-primary" disabled={next.trim() === ''}>
            Continue in every column
          </button>
        </form>
      )}
    </section>
  );
}
