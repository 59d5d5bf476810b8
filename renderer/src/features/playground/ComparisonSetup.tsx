// The comparison to run: models, saved sets, system prompt, parameters, task tag, an optional image, blind mode,
// whether to keep it in the history, and the prompt. Run sends it to every model at once.
import { useId, type FormEvent } from 'react';
import { useAppStore } from '../../app/stores';
import { ImagePicker } from './ImagePicker';
import { ModelPicker } from './ModelPicker';
import { ParametersFields } from './ParametersFields';
import { isRunning, maximumModels, minimumModels } from './playground-types';
import { SavedSets } from './SavedSets';

const noTags: ReadonlyArray<{ readonly tag: string; readonly votes: number }> = [];

export function ComparisonSetup() {
  const draft = useAppStore('playground', (state) => state.draft);
  const update = useAppStore('playground', (state) => state.update);
  const run = useAppStore('playground', (state) => state.run);
  const running = useAppStore('playground', (state) => state.comparison?.columns.some(isRunning) ?? false);
  const tags = useAppStore('playgroundRecords', (state) => state.leaderboard.data?.tags ?? noTags);
  const fieldId = useId();
  const ready = draft.models.length >= minimumModels && draft.models.length <= maximumModels && draft.prompt.trim() !== '';
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (ready && !running) run();
  };
  return (
    <section className="card playground-setup" aria-labelledby={`${fieldId}-title`}>
      <h2 id={`${fieldId}-title`}>Comparison</h2>
      <form className="form" onSubmit={submit}>
        <ModelPicker models={draft.models} disabled={running} onChange={(models) => update({ models })} />
        <SavedSets disabled={running} />
        <div className="field">
          <label htmlFor={`${fieldId}-system`}>System prompt (optional)</label>
          <textarea
            id={`${fieldId}-system`}
            rows={2}
            value={draft.systemPrompt}
            disabled={running}
            onChange={(event) => update({ systemPrompt: event.target.value })}
          />
        </div>
        <div className="field-row field-row-top">
          <ParametersFields parameters={draft.parameters} disabled={running} onChange={(parameters) => update({ parameters })} />
          <div className="field">
            <label htmlFor={`${fieldId}-tag`}>Task tag</label>
            <input
              id={`${fieldId}-tag`}
              list={`${fieldId}-tags`}
              maxLength={40}
              value={draft.taskTag}
              disabled={running}
              onChange={(event) => update({ taskTag: event.target.value })}
            />
            <datalist id={`${fieldId}-tags`}>
              {tags.map((tag) => (
                <option key={tag.tag} value={tag.tag} />
              ))}
            </datalist>
            <p className="hint">Votes rank models per tag (code, writing, …).</p>
          </div>
        </div>
        <ImagePicker image={draft.image} disabled={running} onChange={(image) => update({ image })} />
        <div className="field">
          <label htmlFor={`${fieldId}-prompt`}>Prompt</label>
          <textarea id={`${fieldId}-prompt`} rows={4} value={draft.prompt} disabled={running} onChange={(event) => update({ prompt: event.target.value })} />
        </div>
        <div className="choice-row">
          <label className="checkbox">
            <input type="checkbox" checked={draft.blind} disabled={running} onChange={(event) => update({ blind: event.target.checked })} />
            Blind mode: hide which model wrote which answer until I vote
          </label>
          <label className="checkbox">
            <input type="checkbox" checked={draft.keepHistory} disabled={running} onChange={(event) => update({ keepHistory: event.target.checked })} />
            Keep prompt and answers in the playground history
          </label>
        </div>
        <div className="form-actions">
          {!ready && (
            <p className="hint">
              Pick {minimumModels} to {maximumModels} models and write a prompt.
            </p>
          )}
          <button type="submit" className="button button-primary" disabled={!ready || running}>
            Run comparison
          </button>
        </div>
      </form>
    </section>
  );
}
