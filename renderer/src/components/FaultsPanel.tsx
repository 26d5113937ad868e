import { useState } from 'react';

import type { FaultFamilyInfo, FaultInfo } from '../../../lab/api/contract';
import { store, useApp } from '../state/store';

const FAMILIES: { id: FaultFamilyInfo; title: string }[] = [
  { id: 'phase1', title: 'Phase 1 (IKE)' },
  { id: 'phase2', title: 'Phase 2 (CHILD_SA)' },
  { id: 'no-traffic', title: 'Tunnel up, no traffic' },
  { id: 'flapping', title: 'Flapping' },
  { id: 'condition', title: 'Conditions' },
];

/**
 * A symptom line as the catalogue writes it from a fault's evidence rows: charon's own log lines
 * between backticks, shown as code (the diagnosis panel's convention).
 */
function Symptom({ text }: { text: string }) {
  const parts = text.split(/`([^`]+)`/);
  return <>{parts.map((p, i) => (i % 2 ? <code key={i}>{p}</code> : p))}</>;
}

function FaultRow({ f }: { f: FaultInfo }) {
  const [open, setOpen] = useState(false);
  const busy = useApp((s) => s.busy);
  const s = store();
  return (
    <>
      <tr className={`${f.active ? 'active' : ''} ${f.unavailable ? 'unavailable' : ''}`} data-fault={f.id}>
        <td>
          {f.active ? (
            <button
              className="fixbtn"
              disabled={!!busy}
              onClick={() => void s.revertFault(f.id)}
              data-testid={`fix-${f.id}`}
              title={f.revert}
            >
              Fix
            </button>
          ) : (
            <button
              className="danger"
              disabled={!!busy || !!f.unavailable}
              onClick={() => void s.applyFault(f.id)}
              data-testid={`break-${f.id}`}
              title={f.unavailable ?? f.change}
            >
              Break
            </button>
          )}
        </td>
        <td>
          <button className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? '▾' : '▸'} {f.title}
          </button>
          {f.active && <span className="badge bad">active</span>}
        </td>
        <td>
          <code>{f.id}</code>
        </td>
        <td>
          {f.change}
          {f.unavailable && <div className="muted">unavailable here: {f.unavailable}</div>}
        </td>
        <td className="muted">IKEv{f.ikeVersions.join('/')}</td>
      </tr>
      {open && (
        <tr className="detail">
          <td />
          <td colSpan={4}>
            <div>
              <b>Symptoms:</b>
            </div>
            <ul>
              {f.symptoms.map((x, i) => (
                <li key={i}>
                  <Symptom text={x} />
                </li>
              ))}
            </ul>
            <div>
              <b>Fix reverts:</b> {f.revert}
            </div>
            {f.note && <div className="muted">Note: {f.note}</div>}
          </td>
        </tr>
      )}
    </>
  );
}

/** The fault catalogue: one click breaks, one click fixes; faults compose. */
export function FaultsPanel() {
  const cat = useApp((s) => s.faults);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);
  if (!exists) return <p className="muted pad">Start the lab to break it: the catalogue applies to a running lab.</p>;
  if (!cat) return <p className="muted pad">Loading the fault catalogue…</p>;
  const active = cat.faults.filter((f) => f.active);
  return (
    <div className="faults-panel" data-testid="faults">
      <div className="toolbar">
        <span>
          {active.length ? (
            <>
              Active:{' '}
              {active.map((f) => (
                <code key={f.id}>{f.id} </code>
              ))}
            </>
          ) : (
            <span className="muted">No fault applied</span>
          )}
        </span>
        <span className="spacer" />
        <button disabled={!!busy} onClick={() => void store().revertFault()}>
          Fix everything (faults and impairments)
        </button>
      </div>
      <table className="grid faults">
        {FAMILIES.map((fam) => {
          const list = cat.faults.filter((f) => f.family === fam.id);
          if (!list.length) return null;
          return (
            <tbody key={fam.id}>
              <tr className="group">
                <th colSpan={5}>{fam.title}</th>
              </tr>
              {list.map((f) => (
                <FaultRow key={f.id} f={f} />
              ))}
            </tbody>
          );
        })}
      </table>
      <details className="impossible">
        <summary>Causes a strongSwan lab cannot produce ({cat.impossible.length})</summary>
        <ul>
          {cat.impossible.map((c) => (
            <li key={c.cause}>
              <code>{c.cause}</code>: {c.why}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
