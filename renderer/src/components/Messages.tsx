import { store, useApp } from '../state/store';

/** Errors as readable messages (with the fix when the host knows it), and short notices. */
export function Messages() {
  const errors = useApp((s) => s.errors);
  const notices = useApp((s) => s.notices);
  if (!errors.length && !notices.length) return null;
  return (
    <div className="messages">
      {errors.map((e) => (
        <div key={e.id} className="banner error" role="alert" data-code={e.code}>
          <b>{e.title}:</b> {e.message}
          {e.hint && <span className="hint"> — fix: {e.hint}</span>}
          <button className="link" onClick={() => store().dismissError(e.id)} aria-label="dismiss">✕</button>
        </div>
      ))}
      {notices.map((n) => (
        <div key={n.id} className="banner info">{n.text}</div>
      ))}
    </div>
  );
}
