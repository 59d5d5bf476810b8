// The step between an answer's link and the web: the full URL, and Open only for https (in the desktop window
// window.open ends in the shell's https-only external opener; in a browser it opens a new tab without opener).
import { Dialog } from '../../../ui/Dialog';
import { openableUrl } from './url-policy';
import './markdown.css';

export function LinkConfirmDialog({ url, onClose }: { readonly url: string | null; readonly onClose: () => void }) {
  const target = openableUrl(url);
  return (
    <Dialog title="Open this link?" open={url !== null} onClose={onClose}>
      {url !== null && (
        <div className="link-confirm">
          {url === '' ? (
            <p>The answer’s link was removed: it was not a web address (for example a javascript: or data: link).</p>
          ) : (
            <>
              <p>A model wrote this link. Check where it goes before opening it:</p>
              <p className="secret-box">
                <code data-testid="link-url">{url}</code>
              </p>
              {target === undefined && <p className="form-error">Only https links open from the playground.</p>}
            </>
          )}
          <div className="form-actions">
            {target !== undefined && (
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  window.open(target, '_blank', 'noopener,noreferrer');
                  onClose();
                }}
              >
                Open in browser
              </button>
            )}
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </Dialog>
  );
}
