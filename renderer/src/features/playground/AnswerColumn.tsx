// One model's column: its conversation so far, the answer streaming in (as safe markdown), its figures, and its own
// Stop; then "Carry forward" (this answer continues every column) and "Use this" (make it a route).
import { memo } from 'react';
import { ColumnMetrics } from './ColumnMetrics';
import { SafeMarkdown } from './markdown/SafeMarkdown';
import { isRunning, type ColumnState } from './playground-types';

const phaseLabels: Record<ColumnState['phase'], string> = {
  idle: 'Ready',
  waiting: 'Waiting',
  streaming: 'Streaming',
  done: 'Done',
  stopped: 'Stopped',
  error: 'Failed',
};

export interface AnswerColumnProps {
  readonly column: ColumnState;
  readonly label: string;
  /** blind and not voted yet: no model, provider or cost */
  readonly hidden: boolean;
  readonly attachedImages: ReadonlySet<string>;
  /** another column is still running: no carry-forward yet */
  readonly busy: boolean;
  readonly onStop: (key: string) => void;
  readonly onCarry: (key: string) => void;
  readonly onPromote: (column: ColumnState) => void;
  readonly onLink: (url: string) => void;
}

function AnswerColumnView({ column, label, hidden, attachedImages, busy, onStop, onCarry, onPromote, onLink }: AnswerColumnProps) {
  const running = isRunning(column);
  // the conversation before the turn shown below it (its prompt included)
  const earlier = column.messages.at(-1)?.role === 'assistant' ? column.messages.slice(0, -1) : column.messages;
  const prompt = earlier.at(-1);
  const previous = earlier.slice(0, -1);
  return (
    <section className={`card answer-column answer-${column.phase}`} aria-label={label} data-testid="answer-column" data-phase={column.phase}>
      <header className="answer-header">
        <h3 className="answer-title">{label}</h3>
        <span className={`status-pill status-pill-${column.phase}`} data-testid="column-phase">
          {phaseLabels[column.phase]}
        </span>
        {running && (
          <button type="button" className="button button-quiet" onClick={() => onStop(column.key)}>
            Stop
          </button>
        )}
      </header>
      <ColumnMetrics column={column} hidden={hidden} />
      {previous.length > 0 && (
        <details className="earlier-turns">
          <summary>
            {previous.length / 2} earlier turn{previous.length === 2 ? '' : 's'}
          </summary>
          {previous.map((message, index) => (
            <div key={index} className={`turn turn-${message.role}`}>
              {message.role === 'user' ? <p className="turn-prompt">{message.content}</p> : <SafeMarkdown text={message.content} onLink={onLink} />}
            </div>
          ))}
        </details>
      )}
      {prompt && previous.length > 0 && <p className="turn-prompt">{prompt.content}</p>}
      <div className="answer-body" data-testid="answer-body" aria-live={running ? 'off' : 'polite'}>
        {column.answer === '' && running ? (
          <p className="muted">Waiting for the first token…</p>
        ) : (
          <SafeMarkdown text={column.answer} attachedImages={attachedImages} onLink={onLink} />
        )}
      </div>
      {column.error && (
        <p className="form-error" role="alert" data-testid="column-error">
          {column.error}
        </p>
      )}
      {!running && column.answer !== '' && (
        <footer className="card-actions">
          <button
            type="button"
            className="button button-quiet"
            disabled={busy}
            onClick={() => onCarry(column.key)}
            title="Replace the last answer in every column's conversation with this one"
          >
            Carry forward
          </button>
          {!hidden && (
            <button type="button" className="button" onClick={() => onPromote(column)}>
              Use this
            </button>
          )}
        </footer>
      )}
    </section>
  );
}

export const AnswerColumn = memo(AnswerColumnView);
