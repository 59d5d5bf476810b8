// The first-run screen: what Switchyard found on this machine (local model servers, cloud keys in the environment),
// each taken in one click, then a tool connected, then the dashboard. Every step can be skipped, and the whole
// screen too; it opens by itself once, on a fresh install, and stays reachable from the dashboard and Providers.
import { useEffect } from 'react';
import { useAppStore, useStores } from '../../app/stores';
import { PageHeader } from '../../ui/PageHeader';
import { ConnectTools } from '../connect/ConnectPage';
import { firstRunStepLabels, firstRunSteps, type FirstRunStep } from './first-run-store';
import { CloudKeysStep, LocalServersStep } from './FirstRunSteps';
import './onboarding.css';

export function FirstRunPage() {
  const step = useAppStore('firstRun', (state) => state.step);
  const goTo = useAppStore('firstRun', (state) => state.goTo);
  const finish = useAppStore('firstRun', (state) => state.finish);
  const go = useAppStore('navigation', (state) => state.go);
  // opened again after finishing (from the dashboard or Providers): start over
  const stores = useStores();
  useEffect(() => {
    if (stores.firstRun.getState().step === 'done') goTo('servers');
  }, [stores, goTo]);
  const position = firstRunSteps.indexOf(step);
  const next = firstRunSteps[position + 1];
  const previous = position > 0 ? firstRunSteps[position - 1] : undefined;
  const leave = (): void => {
    void finish();
    go('dashboard');
  };
  return (
    <div className="first-run">
      <PageHeader
        title="Welcome to Switchyard"
        description="One address for all your AI tools. A few things found on this machine can be set up right now; each step can be skipped."
        actions={
          step !== 'done' && (
            <button type="button" className="button button-quiet" onClick={leave}>
              Skip setup
            </button>
          )
        }
      />
      <ol className="first-run-steps" aria-label="Set-up steps">
        {firstRunSteps.map((candidate, index) => (
          <li key={candidate} aria-current={candidate === step ? 'step' : undefined} className={index < position ? 'step-past' : undefined}>
            <span className="step-number" aria-hidden="true">
              {index + 1}
            </span>
            {firstRunStepLabels[candidate]}
          </li>
        ))}
      </ol>
      <section className="card first-run-step" aria-labelledby="first-run-step-title">
        <h2 id="first-run-step-title">
          Step {position + 1} of {firstRunSteps.length}: {firstRunStepLabels[step]}
        </h2>
        <StepBody step={step} onLeave={leave} />
        <div className="form-actions first-run-nav">
          {previous && (
            <button type="button" className="button button-quiet" onClick={() => goTo(previous)}>
              Back
            </button>
          )}
          {next && (
            <button type="button" className="button button-primary" onClick={() => goTo(next)}>
              {next === 'done' ? 'Finish' : `Next: ${firstRunStepLabels[next]}`}
            </button>
          )}
        </div>
      </section>
    </div>
  );
}

function StepBody({ step, onLeave }: { readonly step: FirstRunStep; readonly onLeave: () => void }) {
  switch (step) {
    case 'servers':
      return <LocalServersStep />;
    case 'keys':
      return <CloudKeysStep />;
    case 'connect':
      return (
        <>
          <p className="muted">
            Pick the tool you use; Switchyard writes its config (after showing the change) or gives you the lines to paste, with a client token of its own.
          </p>
          <ConnectTools />
        </>
      );
    case 'done':
      return <DoneStep onLeave={onLeave} />;
  }
}

function DoneStep({ onLeave }: { readonly onLeave: () => void }) {
  const url = useAppStore('status', (state) => state.status.data?.url);
  const finish = useAppStore('firstRun', (state) => state.finish);
  const go = useAppStore('navigation', (state) => state.go);
  useEffect(() => {
    // reaching the end counts as done even if the window is closed here
    void finish();
  }, [finish]);
  return (
    <div className="first-run-done">
      <p>
        Switchyard is ready
        {url ? (
          <>
            {' '}
            at <code>{url}/v1</code>
          </>
        ) : null}
        . Requests your tools send show up on the dashboard within seconds.
      </p>
      <div className="card-actions">
        <button type="button" className="button button-primary" onClick={onLeave}>
          Open the dashboard
        </button>
        <button type="button" className="button" onClick={() => go('playground')}>
          Compare models in the playground
        </button>
      </div>
    </div>
  );
}
