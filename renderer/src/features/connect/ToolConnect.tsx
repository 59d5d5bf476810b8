// One tool, connected: the model it should ask for, what to paste (with its own client token once made), for tools
// with a config file the change Switchyard would make (a diff per file) and, after a confirmation, the write itself
// with a backup of each file; then "Check", which sends one real request as the tool would and shows who answered.
import { useId, useState } from 'react';
import type { ConnectToolDto } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { CopyButton } from '../../ui/CopyButton';
import { ModelCombobox } from '../../ui/ModelCombobox';
import { ErrorState, LoadingState } from '../../ui/states';
import type { ApplyState } from './connect-store';
import { DiffView } from './DiffView';
import './connect.css';

const noOptions: never[] = [];

export function ToolConnect({ tool }: { readonly tool: ConnectToolDto }) {
  const preview = useAppStore('connect', (state) => state.preview);
  const model = useAppStore('connect', (state) => state.model);
  const setModel = useAppStore('connect', (state) => state.setModel);
  const reloadPreview = useAppStore('connect', (state) => state.reloadPreview);
  const applied = useAppStore('connect', (state) => state.applied[tool.id]);
  const options = useAppStore('models', (state) => state.options.data ?? noOptions);
  const catalogLoading = useAppStore('models', (state) => state.options.loading);
  const ensureCatalog = useAppStore('models', (state) => state.ensure);
  const [candidate, setCandidate] = useState('');
  const headingId = useId();
  const done = applied?.phase === 'done' ? applied.result : undefined;
  const snippet = done?.snippet ?? preview.data?.snippet;
  const fileTool = tool.kind === 'config-file';

  return (
    <section className="card tool-connect" aria-labelledby={headingId} data-tool={tool.id}>
      <div className="card-header">
        <h2 id={headingId}>{tool.label}</h2>
        <div className="card-header-tags">
          {tool.connected && <span className="tag tag-local">Connected</span>}
          <span className="tag">{fileTool ? `Config: ${tool.configPath ?? ''}` : 'Paste'}</span>
        </div>
      </div>

      <div className="connect-model">
        <ModelCombobox
          label={`Model ${tool.label} asks for`}
          value={candidate}
          onValueChange={setCandidate}
          onCommit={(value) => {
            setCandidate('');
            void setModel(value);
          }}
          options={options}
          loading={catalogLoading}
          onOpen={() => void ensureCatalog()}
          placeholder={preview.data?.model ?? 'the tool’s own model names'}
          hint={
            model !== null ? (
              <>
                Using <code>{model}</code>.{' '}
                <button type="button" className="link-button" onClick={() => void setModel(null)}>
                  Use the default
                </button>
              </>
            ) : preview.data?.model ? (
              <>
                Default: <code>{preview.data.model}</code>. Pick a route alias to change where its requests go.
              </>
            ) : (
              <>Default: {tool.label} keeps asking for its own model names, which your routes and providers resolve.</>
            )
          }
        />
      </div>

      {preview.data === undefined ? (
        preview.error !== null ? (
          <ErrorState title="Could not prepare the set-up" message={preview.error} onRetry={() => void reloadPreview()} />
        ) : (
          <LoadingState label="Preparing the set-up…" rows={2} />
        )
      ) : (
        <>
          {fileTool && <ConfigFiles tool={tool} files={preview.data.files} applied={applied} />}
          <div className="snippet">
            <h3>{fileTool ? 'Or set it up by hand' : 'What to paste'}</h3>
            <pre tabIndex={0}>
              <code data-testid="connect-snippet">{snippet}</code>
            </pre>
            <div className="card-actions">
              {snippet !== undefined && <CopyButton text={snippet} label={`Copy ${tool.label} set-up`} />}
              {!fileTool && <PasteToken tool={tool} applied={applied} />}
            </div>
            {done && !fileTool && <TokenNote tool={tool} applied={done} />}
          </div>
        </>
      )}
      <CheckTool tool={tool} />
    </section>
  );
}

function ConfigFiles({
  tool,
  files,
  applied,
}: {
  readonly tool: ConnectToolDto;
  readonly files: ReadonlyArray<{ readonly path: string; readonly exists: boolean; readonly diff: string }>;
  readonly applied: ApplyState | undefined;
}) {
  const apply = useAppStore('connect', (state) => state.apply);
  const [confirming, setConfirming] = useState(false);
  const existing = files.filter((file) => file.exists);
  const changes = files.filter((file) => file.diff.trim() !== '');
  return (
    <div className="connect-files">
      <h3>What Switchyard would change</h3>
      {changes.length === 0 ? (
        <p className="muted">Nothing: {tool.label}’s config points at this Switchyard already.</p>
      ) : (
        changes.map((file) => (
          <div key={file.path} className="connect-file">
            <p>
              <code>{file.path}</code> <span className="muted small">{file.exists ? '(your file: only Switchyard’s settings change)' : '(new file)'}</span>
            </p>
            <DiffView diff={file.diff} label={`Changes to ${file.path}`} />
          </div>
        ))
      )}
      <div className="card-actions">
        {changes.length === 0 ? null : confirming ? (
          <span className="confirm" role="group" aria-label="Confirm writing the config" onKeyDown={(event) => event.key === 'Escape' && setConfirming(false)}>
            <span>
              Write {files.length === 1 ? <code>{files[0]?.path}</code> : `${files.length} files`}?{' '}
              {existing.length > 0 ? 'A backup of each existing file is kept next to it.' : 'Nothing is there yet, so nothing needs a backup.'}
            </span>
            <button
              type="button"
              className="button button-primary"
              autoFocus
              onClick={() => {
                setConfirming(false);
                void apply();
              }}
            >
              Write it
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="button button-primary" disabled={applied?.phase === 'running'} onClick={() => setConfirming(true)}>
            {applied?.phase === 'running' ? 'Writing…' : 'Write config'}
          </button>
        )}
      </div>
      {applied?.phase === 'failed' && (
        <p className="form-error" role="alert">
          {applied.error}
        </p>
      )}
      {applied?.phase === 'done' && (
        <div className="form-saved" role="status" data-testid="connect-written">
          <ul className="plain-list">
            {applied.result.written.map((file) => (
              <li key={file.path}>
                Wrote <code>{file.path}</code>
                {file.backup !== null ? (
                  <>
                    ; the previous version is in <code>{file.backup}</code>
                  </>
                ) : (
                  ' (new file)'
                )}
                .
              </li>
            ))}
          </ul>
          <TokenNote tool={tool} applied={applied.result} />
        </div>
      )}
    </div>
  );
}

function PasteToken({ tool, applied }: { readonly tool: ConnectToolDto; readonly applied: ApplyState | undefined }) {
  const apply = useAppStore('connect', (state) => state.apply);
  if (applied?.phase === 'done') return null;
  return (
    <>
      <button type="button" className="button button-primary" disabled={applied?.phase === 'running'} onClick={() => void apply()}>
        {applied?.phase === 'running' ? 'Creating…' : `Fill in a token for ${tool.label}`}
      </button>
      {applied?.phase === 'failed' && (
        <p className="form-error" role="alert">
          {applied.error}
        </p>
      )}
    </>
  );
}

function TokenNote({
  tool,
  applied,
}: {
  readonly tool: ConnectToolDto;
  readonly applied: { readonly tokenName: string; readonly tokenCreated: boolean; readonly tokenReplaced: boolean };
}) {
  return (
    <p className="hint">
      {applied.tokenCreated ? (
        <>
          A client token <code>{applied.tokenName}</code> was made for {tool.label}: its requests and spend are filed under that name.
        </>
      ) : (
        <>
          {tool.label} uses its client token <code>{applied.tokenName}</code>.
        </>
      )}
      {applied.tokenReplaced && ' The token of that name made before no longer works.'}
      {tool.kind === 'paste' && applied.tokenCreated && ' This is the only time the token is shown: copy it now.'}
    </p>
  );
}

function CheckTool({ tool }: { readonly tool: ConnectToolDto }) {
  const check = useAppStore('connect', (state) => state.check);
  const state = useAppStore('connect', (current) => current.checks[tool.id]);
  const result = state?.phase === 'done' ? state.result : undefined;
  return (
    <div className="connect-check">
      <h3>Check</h3>
      <p className="muted">Sends one short request the way {tool.label} would, through the running Switchyard.</p>
      <button type="button" className="button" disabled={state?.phase === 'running'} onClick={() => void check(tool.id)}>
        {state?.phase === 'running' ? 'Checking…' : `Check ${tool.label}`}
      </button>
      {result?.ok === true && (
        <div className="check-result check-ok" role="status" data-testid="check-result">
          <p>
            Answered in {Math.round(result.latencyMs)} ms by <strong>{result.provider ?? 'an unknown provider'}</strong>
            {result.model !== null && (
              <>
                {' '}
                as <code>{result.model}</code>
              </>
            )}
            .
          </p>
          {result.answer !== null && <blockquote className="check-answer">{result.answer}</blockquote>}
        </div>
      )}
      {result?.ok === false && (
        <div className="check-result check-failed" role="alert" data-testid="check-result">
          <p>
            The check failed{result.latencyMs > 0 ? ` after ${Math.round(result.latencyMs)} ms` : ''}: {result.error ?? 'no answer'}
          </p>
        </div>
      )}
    </div>
  );
}
