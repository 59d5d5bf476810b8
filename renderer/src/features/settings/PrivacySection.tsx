// The privacy guard: what happens when a detector fires (by default, per route, per client token), which detectors
// run, your own patterns and file-path globs, and a test box that runs the detectors on pasted text (these settings,
// saved or not) and shows where each fired. Also the response cache's size, with a button to empty it. Everything is
// written to the config file (privacy, routes.<name>.privacy) and applies at once.
import { useId, useState, type FormEvent } from 'react';
import type { CallResponse, PrivacyActionDto, PrivacyDto, PrivacyInput } from '../../../../shared/control/contract';
import { useAppStore } from '../../app/stores';
import { ConfirmButton } from '../../ui/ConfirmButton';
import { FormStatus } from '../../ui/FormError';
import { ResourceView } from '../../ui/states';

const actions: ReadonlyArray<readonly [PrivacyActionDto, string]> = [
  ['off', 'Off: not read'],
  ['warn', 'Warn: header and request log only'],
  ['redact', 'Redact: placeholders go upstream'],
  ['local-only', 'Local only: cloud targets skipped'],
  ['block', 'Block: refused (403)'],
];

/** One `name: pattern` per line. */
function parsePatterns(text: string): PrivacyInput['patterns'] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const colon = line.indexOf(':');
      return { name: line.slice(0, colon).trim(), pattern: line.slice(colon + 1).trim() };
    });
}

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

function ActionSelect({
  id,
  value,
  onChange,
  inherit,
}: {
  readonly id: string;
  readonly value: PrivacyActionDto | null;
  readonly onChange: (value: PrivacyActionDto | null) => void;
  readonly inherit?: string;
}) {
  return (
    <select id={id} value={value ?? ''} onChange={(event) => onChange(event.target.value === '' ? null : (event.target.value as PrivacyActionDto))}>
      {inherit !== undefined && <option value="">{inherit}</option>}
      {actions.map(([action, label]) => (
        <option key={action} value={action}>
          {label}
        </option>
      ))}
    </select>
  );
}

function PrivacyForm({ privacy, tokenNames }: { readonly privacy: PrivacyDto; readonly tokenNames: readonly string[] }) {
  const save = useAppStore('settings', (state) => state.savePrivacy);
  const test = useAppStore('settings', (state) => state.testPrivacy);
  const clearCache = useAppStore('settings', (state) => state.clearCache);
  const [action, setAction] = useState<PrivacyActionDto>(privacy.action);
  const [detectors, setDetectors] = useState<ReadonlySet<string>>(new Set(privacy.detectors));
  const [patterns, setPatterns] = useState(privacy.patterns.map((pattern) => `${pattern.name}: ${pattern.pattern}`).join('\n'));
  const [globs, setGlobs] = useState(privacy.pathGlobs.join('\n'));
  const [clients, setClients] = useState<Record<string, PrivacyActionDto>>({ ...privacy.clients });
  const [routes, setRoutes] = useState<Record<string, PrivacyActionDto | null>>(Object.fromEntries(privacy.routes.map((route) => [route.name, route.action])));
  const [sample, setSample] = useState('');
  const [fileName, setFileName] = useState('');
  const [result, setResult] = useState<CallResponse<'privacy.test'> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const fieldId = useId();

  const enabled = (name: string, group: string): boolean => detectors.has(name) || detectors.has(group);
  const toggle = (name: string, group: string, on: boolean): void => {
    const next = new Set(detectors);
    // a group switched on stands for its members: spell them out before changing one
    if (next.has(group)) {
      next.delete(group);
      for (const entry of privacy.available) if (entry.group === group) next.add(entry.name);
    }
    if (on) next.add(name);
    else next.delete(name);
    setDetectors(next);
  };
  const input = (): PrivacyInput => ({ action, detectors: [...detectors], patterns: parsePatterns(patterns), pathGlobs: lines(globs), clients, routes });
  const run = (work: () => Promise<string | null>): void => {
    setError(null);
    setSaved(null);
    work().then(setSaved, (failure: unknown) => setError(failure));
  };
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    run(async () => {
      await save(input());
      return 'Privacy settings saved.';
    });
  };

  return (
    <form className="form" onSubmit={submit}>
      <p className="hint">
        Every request is read before it leaves this computer. When a detector fires, the action decides: warn, redact the match, keep the request on local
        models, or refuse it. The request log records which detectors fired, never what they matched.
      </p>
      <div className="field">
        <label htmlFor={`${fieldId}-action`}>When a detector fires (routes without their own action)</label>
        <ActionSelect id={`${fieldId}-action`} value={action} onChange={(value) => setAction(value ?? 'warn')} />
      </div>
      {(['secrets', 'personal'] as const).map((group) => (
        <fieldset key={group} className="choice-row">
          <legend>{group === 'secrets' ? 'Keys and secrets' : 'Personal data'}</legend>
          {privacy.available
            .filter((entry) => entry.group === group)
            .map((entry) => (
              <label key={entry.name}>
                <input type="checkbox" checked={enabled(entry.name, group)} onChange={(event) => toggle(entry.name, group, event.target.checked)} />{' '}
                {entry.name}
              </label>
            ))}
        </fieldset>
      ))}
      <div className="field-row field-row-top">
        <div className="field">
          <label htmlFor={`${fieldId}-patterns`}>Your own patterns (one per line: name: regular expression)</label>
          <textarea
            id={`${fieldId}-patterns`}
            rows={3}
            placeholder="project-codename: BLUE-(HERON|FALCON)"
            value={patterns}
            onChange={(event) => setPatterns(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-globs`}>Attached files to treat as secret (globs, one per line)</label>
          <textarea
            id={`${fieldId}-globs`}
            rows={3}
            placeholder={'.env\n*.pem\n**/secrets/**'}
            value={globs}
            onChange={(event) => setGlobs(event.target.value)}
          />
        </div>
      </div>
      {privacy.routes.length > 0 && (
        <fieldset className="choice-row">
          <legend>Per route</legend>
          {privacy.routes.map((route) => (
            <div key={route.name} className="field field-narrow">
              <label htmlFor={`${fieldId}-route-${route.name}`}>
                {route.name}
                {route.cache ? ` (cached ${route.cache.ttlSeconds} s)` : ''}
              </label>
              <ActionSelect
                id={`${fieldId}-route-${route.name}`}
                value={routes[route.name] ?? null}
                inherit="As above"
                onChange={(value) => setRoutes({ ...routes, [route.name]: value })}
              />
            </div>
          ))}
        </fieldset>
      )}
      {tokenNames.length > 0 && (
        <fieldset className="choice-row">
          <legend>Per client token (the stricter of this and the route’s applies)</legend>
          {tokenNames.map((name) => (
            <div key={name} className="field field-narrow">
              <label htmlFor={`${fieldId}-client-${name}`}>{name}</label>
              <ActionSelect
                id={`${fieldId}-client-${name}`}
                value={clients[name] ?? null}
                inherit="As the route says"
                onChange={(value) => {
                  const next = { ...clients };
                  if (value === null) delete next[name];
                  else next[name] = value;
                  setClients(next);
                }}
              />
            </div>
          ))}
        </fieldset>
      )}
      <div className="field">
        <label htmlFor={`${fieldId}-sample`}>Test the detectors (with the settings above, saved or not)</label>
        <textarea id={`${fieldId}-sample`} rows={4} placeholder="Paste text to check" value={sample} onChange={(event) => setSample(event.target.value)} />
        <input
          aria-label="Attached file name to check"
          placeholder="optional file name, e.g. config/.env"
          value={fileName}
          onChange={(event) => setFileName(event.target.value)}
        />
        <button
          type="button"
          className="button"
          onClick={() =>
            run(async () => {
              setResult(await test({ text: sample, settings: input(), ...(fileName.trim() ? { fileName: fileName.trim() } : {}) }));
              return null;
            })
          }
        >
          Run detectors
        </button>
      </div>
      {result && (
        <div role="status" aria-label="Detector results">
          {result.findings.length === 0 && !result.fileMatched ? (
            <p className="muted">Nothing found.</p>
          ) : (
            <ul className="privacy-findings">
              {result.fileMatched && <li>file-path: the file name matches a glob</li>}
              {result.findings.map((finding) => (
                <li key={`${finding.detector}-${finding.start}`}>
                  {finding.detector}: characters {finding.start}–{finding.end}{' '}
                  <mark>{sample.slice(finding.start, Math.min(finding.end, finding.start + 12))}…</mark>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p className="hint">
        Response cache: {privacy.cache.entries} answer{privacy.cache.entries === 1 ? '' : 's'}, {Math.round(privacy.cache.bytes / 1024)} KiB of{' '}
        {Math.round(privacy.cache.maxBytes / 1_048_576)} MiB. Routes turn it on in the config file (routes.&lt;name&gt;.cache).
      </p>
      <div>
        <ConfirmButton
          label="Empty the response cache…"
          confirmLabel="Delete every cached answer"
          onConfirm={() =>
            run(async () => {
              const cleared = await clearCache();
              return `Deleted ${cleared} cached answer${cleared === 1 ? '' : 's'}.`;
            })
          }
        />
      </div>
      <FormStatus error={error} saved={saved} />
      <div className="form-actions">
        <button type="submit" className="button button-primary">
          Save privacy settings
        </button>
      </div>
    </form>
  );
}

export function PrivacySection() {
  const privacy = useAppStore('settings', (state) => state.privacy);
  const tokens = useAppStore('settings', (state) => state.tokens);
  const refresh = useAppStore('settings', (state) => state.refresh);
  const tokenNames = tokens.data?.filter((token) => token.revokedAt === null).map((token) => token.name) ?? [];
  return (
    <section className="card" aria-labelledby="privacy-title">
      <h2 id="privacy-title">Privacy guard and response cache</h2>
      <ResourceView resource={privacy} onRetry={() => void refresh()}>
        {(loaded) => <PrivacyForm privacy={loaded} tokenNames={tokenNames} />}
      </ResourceView>
    </section>
  );
}
