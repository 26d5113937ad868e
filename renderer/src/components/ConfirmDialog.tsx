import { useEffect, useRef } from 'react';

import { store, useApp } from '../state/store';

/**
 * Asks before a destructive action (stopping the lab, dropping edits): a modal dialog that says
 * what will be lost, with the safe choice focused, so Enter or Escape never destroys anything.
 */
export function ConfirmDialog() {
  const ask = useApp((s) => s.confirm);
  const ref = useRef<HTMLDialogElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (ask && !d.open) {
      d.showModal();
      cancel.current?.focus();
    } else if (!ask && d.open) d.close();
  }, [ask]);
  const close = () => store().set({ confirm: null });
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onClose={close}
      data-testid="confirm"
    >
      {ask && (
        <>
          <h2 id="confirm-title">{ask.title}</h2>
          <p id="confirm-body">{ask.body}</p>
          <div className="toolbar">
            <span className="spacer" />
            <button ref={cancel} onClick={close} data-testid="confirm-cancel">
              Cancel
            </button>
            <button
              className="danger"
              onClick={() => {
                close();
                ask.run();
              }}
              data-testid="confirm-ok"
            >
              {ask.action}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
