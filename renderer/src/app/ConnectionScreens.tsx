// Full-window states before the UI can work: connecting, signed out (open it again from `switchyard ui`), and
// unavailable (no desktop bridge and not served by the gateway).
import './connection-screens.css';

export function ConnectingScreen() {
  return (
    <main className="screen" aria-busy="true">
      <div className="screen-card" role="status">
        <span className="spinner" aria-hidden="true" />
        <p>Connecting to Switchyard…</p>
      </div>
    </main>
  );
}

export function SignedOutScreen() {
  return (
    <main className="screen">
      <section className="screen-card" aria-labelledby="signed-out-title">
        <h1 id="signed-out-title">
          Open Switchyard from <code>switchyard ui</code>
        </h1>
        <p>This browser is not signed in to Switchyard, or its session has expired.</p>
        <ol className="steps">
          <li>
            In a terminal on this machine, run <code>switchyard ui</code>.
          </li>
          <li>Open the link it prints within a minute. It signs one browser in, once; a used or expired link no longer works.</li>
        </ol>
        <p className="muted small">In the desktop app this page never appears: the window talks to Switchyard directly.</p>
      </section>
    </main>
  );
}

export function UnavailableScreen({ reason }: { readonly reason: string | null }) {
  return (
    <main className="screen">
      <section className="screen-card" aria-labelledby="unavailable-title">
        <h1 id="unavailable-title">Switchyard is not reachable</h1>
        <p>{reason ?? 'The management API did not answer.'}</p>
        <p className="muted small">
          Start it with <code>switchyard serve</code> and open the link <code>switchyard ui</code> prints, or use the desktop app.
        </p>
      </section>
    </main>
  );
}
