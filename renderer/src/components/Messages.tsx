import { store, useApp } from '../state/store';

/**
 * Errors as readable banners (with the fix when the host knows it), kept until dismissed; short
 * notices as toasts over the corner, so they never push the screen around while they come and go.
 */
export function Messages() {
  const errors = useApp((s) => s.errors);
  const notices = useApp((s) => s.notices);
  return (
    <>
      {errors.length > 0 && (
        <div className="messages">
          {errors.map((e) => (
            <div key={e.id} className="banner error" role="alert" data-code={e.code}>
              <b>{e.title}:</b> {e.message}
              {e.hint && <span className="hint"> — fix: {e.hint}</span>}
              <button className="link" onClick={() => store().dismissError(e.id)} aria-label="dismiss">
                ✕
              </button>
            </div>
          ))}
        </div>
      )}
      {notices.length > 0 && (
        <div className="toasts" role="status" aria-live="polite">
          {notices.map((n) => (
            <div key={n.id} className="banner info toast" data-testid="notice">
              {n.text}
            </div>
          ))}
        </div>
      )}
    </>
  );
}
