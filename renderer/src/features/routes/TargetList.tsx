// The route's targets in order, reorderable by dragging or, from the keyboard, with Move up / Move down buttons.
// Every move is announced in a live region, so screen-reader users hear where the target went.
import { useState } from 'react';
import { moveTarget, removeTarget, type DraftTarget } from './route-draft';

export function TargetList({ targets, onChange }: { readonly targets: readonly DraftTarget[]; readonly onChange: (targets: DraftTarget[]) => void }) {
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const move = (from: number, to: number): void => {
    const next = moveTarget(targets, from, to);
    onChange(next);
    const moved = targets[from];
    if (moved) setAnnouncement(`${moved.model} moved to position ${Math.max(1, Math.min(targets.length, to + 1))} of ${targets.length}`);
  };
  if (targets.length === 0) return <p className="muted">No targets yet: add at least one model below.</p>;
  return (
    <>
      <ol className="target-list" aria-label="Targets, tried in this order">
        {targets.map((target, index) => (
          <li
            key={target.model}
            className={`target-item${dragged === index ? ' dragging' : ''}${over === index && dragged !== index ? ' drop-here' : ''}`}
            draggable
            onDragStart={(event) => {
              setDragged(index);
              event.dataTransfer.effectAllowed = 'move';
              event.dataTransfer.setData('text/plain', target.model);
            }}
            onDragOver={(event) => {
              event.preventDefault();
              setOver(index);
            }}
            onDragLeave={() => setOver(null)}
            onDrop={(event) => {
              event.preventDefault();
              if (dragged !== null && dragged !== index) move(dragged, index);
              setDragged(null);
              setOver(null);
            }}
            onDragEnd={() => {
              setDragged(null);
              setOver(null);
            }}
            data-testid="route-target"
          >
            <span className="drag-handle" aria-hidden="true">
              ⋮⋮
            </span>
            <span className="target-position">{index + 1}</span>
            <code className="target-model">{target.model}</code>
            {index > 0 && (
              <label className="checkbox small">
                <input
                  type="checkbox"
                  checked={target.withPrevious}
                  onChange={(event) => onChange(targets.map((item, position) => (position === index ? { ...item, withPrevious: event.target.checked } : item)))}
                />
                share load with #{index}
              </label>
            )}
            <span className="target-buttons">
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${target.model} up`}
                disabled={index === 0}
                onClick={() => move(index, index - 1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Move ${target.model} down`}
                disabled={index === targets.length - 1}
                onClick={() => move(index, index + 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={`Remove ${target.model}`}
                onClick={() => {
                  onChange(removeTarget(targets, index));
                  setAnnouncement(`${target.model} removed`);
                }}
              >
                ×
              </button>
            </span>
          </li>
        ))}
      </ol>
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </>
  );
}
