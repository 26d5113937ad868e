import { useEffect, useState } from 'react';

import type { ScenarioInfo } from '../../../lab/api/contract';
import { store, useApp } from '../state/store';
import { RichText } from './RichText';

const FAMILY: Record<ScenarioInfo['family'], string> = {
  phase1: 'Phase 1 fails',
  phase2: 'Phase 2 fails',
  'no-traffic': 'Tunnel up, no traffic',
  flapping: 'Flapping',
};

/** Guided demonstrations: a presenter steps through start, break, observe, diagnose, fix. */
export function ScenariosPanel() {
  const scenarios = useApp((s) => s.scenarios);
  const run = useApp((s) => s.scenarioRun);
  const busy = useApp((s) => s.busy);
  const [selected, setSelected] = useState<string | null>(run?.id ?? null);
  useEffect(() => void store().loadScenarios(), []);
  if (!scenarios) return <p className="muted pad">Loading the scenarios…</p>;
  const sc = scenarios.find((s) => s.id === (selected ?? scenarios[0]?.id));
  if (!sc) return <p className="muted pad">No scenarios.</p>;
  const reports = run?.id === sc.id ? run.steps : [];
  const next = reports.filter((r) => r !== 'running' && r.ok).length;
  const finished = next >= sc.steps.length;
  const failed = reports.some((r) => r !== 'running' && !r.ok);
  return (
    <div className="scenarios-panel" data-testid="scenarios">
      <nav className="scenario-list" aria-label="Scenarios">
        {scenarios.map((s) => (
          <button
            aria-pressed={s.id === sc.id}
            key={s.id}
            className={s.id === sc.id ? 'active' : ''}
            onClick={() => setSelected(s.id)}
            data-testid={`scenario-${s.id}`}
          >
            <span className="muted">{FAMILY[s.family]}</span>
            <b>{s.title}</b>
          </button>
        ))}
      </nav>
      <div className="scenario-body">
        <p>
          <RichText text={sc.summary} />
        </p>
        <div className="toolbar">
          <button
            className="primary"
            disabled={!!busy || finished}
            onClick={() => void store().scenarioNext(sc.id)}
            data-testid="scenario-next"
          >
            {finished
              ? 'All steps done'
              : failed
                ? `Retry step ${next + 1}`
                : next === 0
                  ? 'Start: run step 1'
                  : `Run step ${Math.min(next + 1, sc.steps.length)}`}
          </button>
          <button disabled={!!busy} onClick={() => void store().scenarioAll(sc.id)} data-testid="scenario-all">
            {finished ? 'Run again, unattended' : 'Run the rest unattended'}
          </button>
          {finished && (
            <span className="badge ok" data-testid="scenario-done">
              completed
            </span>
          )}
        </div>
        <ol className="scenario-steps">
          {sc.steps.map((st, i) => {
            const r = reports[i];
            const state = r === undefined ? 'pending' : r === 'running' ? 'running' : r.ok ? 'ok' : 'failed';
            return (
              <li key={i} className={`step ${state}`} data-testid={`scenario-step-${i}`} data-state={state}>
                <div className="step-title">
                  <b>{st.title}</b>
                  {st.action?.fault && <code>{st.action.fault}</code>}
                  <span className={`badge ${state === 'ok' ? 'ok' : state === 'failed' ? 'bad' : ''}`}>
                    {state === 'ok' ? `✔ ${((r as { ms: number }).ms / 1000).toFixed(1)} s` : state}
                  </span>
                </div>
                {(state !== 'pending' || i === next) && (
                  <ul className="narration">
                    {st.narration.map((n, k) => (
                      <li key={k}>
                        <RichText text={n} />
                      </li>
                    ))}
                  </ul>
                )}
                {state === 'pending' && i === next && st.checks.length > 0 && (
                  <div className="checks" data-testid={`scenario-checks-${i}`}>
                    <span>Checks on the lab:</span>
                    <ul>
                      {st.checks.map((c, k) => (
                        <li key={k}>
                          <RichText text={c} />
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {r && r !== 'running' && (
                  <ul className="seen">
                    {r.seen.map((x, k) => (
                      <li key={k}>
                        <code>{x}</code>
                      </li>
                    ))}
                    {r.error && (
                      <li className="bad">
                        <RichText text={r.error} />
                      </li>
                    )}
                  </ul>
                )}
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
