import { useState } from 'react';

import { store, useApp } from '../state/store';

/** Validate a template before deploying it: the settings shown, on a lab of their own, every check. */
export function ValidatePanel() {
  const v = useApp((s) => s.validation);
  const busy = useApp((s) => s.busy);
  const source = useApp((s) => s.settings?.source);
  const [quick, setQuick] = useState(false);
  const r = v.result;
  // A download, not a new window: the app opens no windows of its own content (see electron/main).
  const saveReport = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([r!.reportHtml], { type: 'text/html' }));
    a.download = `ipsec-lab-validation-${r!.lab}.html`;
    a.click();
  };
  return (
    <div className="validate-panel pad" data-testid="validate">
      <p>
        Runs the template checks of <code>ipsec-lab validate</code> on the{' '}
        {source === 'lab' ? "running lab's" : 'default'} settings, in a lab of their own next to this one: the tunnel
        establishes, traffic passes both ways, CHILD and IKE rekeys succeed with traffic continuing, the tunnel recovers
        after the peer restarts (DPD), it survives loss (and latency where the kernel has netem), it works behind NAT,
        and strongSwan 6.0 and 5.9 interoperate. About a minute and a half.
      </p>
      <div className="toolbar">
        <button
          className="primary"
          disabled={!!busy || v.running}
          onClick={() => void store().validateSettings(quick)}
          data-testid="validate-run"
        >
          {v.running ? 'Validating…' : 'Validate these settings'}
        </button>
        <label>
          <input type="checkbox" checked={quick} onChange={(e) => setQuick(e.target.checked)} /> quick (skip the release
          interop lab)
        </label>
        {r && (
          <span className={`badge ${r.ok ? 'ok' : 'bad'}`} data-testid="validate-verdict">
            {r.ok ? 'passed' : 'failed'}
          </span>
        )}
        {r && (
          <button onClick={saveReport} data-testid="validate-report">
            Save the HTML report
          </button>
        )}
      </div>
      {v.running && (
        <ul className="progress" data-testid="validate-progress">
          {v.progress.map((l, i) => (
            <li key={i}>
              <code>{l}</code>
            </li>
          ))}
        </ul>
      )}
      {r && (
        <table className="grid validate-checks">
          <thead>
            <tr>
              <th>check</th>
              <th>result</th>
              <th>what the lab showed</th>
            </tr>
          </thead>
          <tbody>
            {r.checks.map((c) => (
              <tr key={c.id} className={c.status} data-testid={`validate-check-${c.id}`} data-status={c.status}>
                <td>{c.title}</td>
                <td>
                  <span className={`badge ${c.status === 'pass' ? 'ok' : c.status === 'fail' ? 'bad' : ''}`}>
                    {c.status}
                  </span>{' '}
                  <span className="muted">{(c.durationMs / 1000).toFixed(1)} s</span>
                </td>
                <td>
                  {c.reason && <div>{c.reason}</div>}
                  {c.cause && (
                    <div className="bad">
                      diagnosed cause: <code>{c.cause.cause}</code>: {c.cause.summary}
                    </div>
                  )}
                  {c.status === 'pass' &&
                    c.facts.slice(0, 2).map((f, i) => (
                      <div key={i} className="muted">
                        {f}
                      </div>
                    ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
