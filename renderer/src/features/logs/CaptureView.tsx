// A request's captured bodies in the detail drawer, as plain text only: a prompt or answer may hold markup or
// links, and none of it is rendered. JSON is indented for reading; anything else is shown as stored.
import type { CaptureDto } from '../../../../shared/control/contract';

/** Indented when the text is whole JSON; a cut or non-JSON body is shown as it is. */
export function readableBody(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function CaptureView({ capture }: { readonly capture: CaptureDto | null }) {
  return (
    <section aria-labelledby="detail-capture">
      <h3 id="detail-capture">Captured bodies</h3>
      {capture === null ? (
        <p className="muted">Not captured: bodies are stored only while capture is on (Settings).</p>
      ) : (
        <>
          <p className="muted small">
            Secrets were masked before storing{capture.truncated ? '; cut to the size limit where marked' : ''}. Headers are never stored.
          </p>
          <section aria-label="Captured request">
            <h4 className="capture-title">Request</h4>
            <pre className="capture-body">{readableBody(capture.request)}</pre>
          </section>
          <section aria-label="Captured answer">
            <h4 className="capture-title">Answer</h4>
            <pre className="capture-body">{readableBody(capture.response)}</pre>
          </section>
        </>
      )}
    </section>
  );
}
