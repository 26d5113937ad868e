import { useState } from 'react';

import type { Direction, Impairment } from '../../../lab/api/contract';
import { store, useApp } from '../state/store';

const DIRS: { id: Direction; label: string }[] = [
  { id: 'left-to-right', label: 'left → right' },
  { id: 'right-to-left', label: 'right → left' },
];
const NUMS: { key: keyof Impairment; label: string; unit: string }[] = [
  { key: 'lossPercent', label: 'loss', unit: '%' },
  { key: 'delayMs', label: 'delay', unit: 'ms' },
  { key: 'jitterMs', label: 'jitter', unit: 'ms' },
  { key: 'rateKbit', label: 'rate', unit: 'kbit/s' },
  { key: 'duplicatePercent', label: 'duplicate', unit: '%' },
  { key: 'reorderPercent', label: 'reorder', unit: '%' },
  { key: 'corruptPercent', label: 'corrupt', unit: '%' },
  { key: 'flapPeriodS', label: 'flap period', unit: 's' },
];

/** Common WAN conditions, filled into the form (Apply makes them live). */
const PRESETS: { label: string; title: string; imp: Record<Direction, Impairment> }[] = [
  {
    label: 'Lossy internet',
    title: '5 % loss each way',
    imp: { 'left-to-right': { lossPercent: 5 }, 'right-to-left': { lossPercent: 5 } },
  },
  {
    label: 'Heavy loss',
    title: '30 % loss each way: IKE retransmits, some exchanges give up',
    imp: { 'left-to-right': { lossPercent: 30 }, 'right-to-left': { lossPercent: 30 } },
  },
  {
    label: 'Satellite',
    title: '300 ms ± 20 ms each way (600 ms round trip); needs netem',
    imp: { 'left-to-right': { delayMs: 300, jitterMs: 20 }, 'right-to-left': { delayMs: 300, jitterMs: 20 } },
  },
  {
    label: 'Slow uplink',
    title: 'left → right limited to 256 kbit/s',
    imp: { 'left-to-right': { rateKbit: 256 }, 'right-to-left': {} },
  },
  {
    label: 'One-way outage',
    title: 'right → left drops everything: requests arrive, answers never do',
    imp: { 'left-to-right': {}, 'right-to-left': { down: true } },
  },
  {
    label: 'Flapping',
    title: 'the link goes down and up every 10 s (both ways)',
    imp: { 'left-to-right': { flapPeriodS: 10 }, 'right-to-left': { flapPeriodS: 10 } },
  },
];

const same = (
  a: Record<Direction, Impairment> | null | undefined,
  b: Record<Direction, Impairment> | null | undefined,
) => JSON.stringify(a) === JSON.stringify(b);

/** The link between the gateways, per direction: loss, delay, rate, down, flapping. */
export function LinkPanel() {
  const cat = useApp((s) => s.faults);
  const exists = useApp((s) => s.status?.exists ?? false);
  const busy = useApp((s) => s.busy);
  const base = cat?.impairments ?? null;
  const [draft, setDraft] = useState<Record<Direction, Impairment> | null>(base);
  // The catalogue reloads on every lab event and poll: only a change of the lab's impairments
  // themselves moves the form, and only when the user has not edited it (a preset or typed values
  // must survive until Apply).
  const [seen, setSeen] = useState(base);
  if (!same(seen, base)) {
    setSeen(base);
    if (draft === null || same(draft, seen)) setDraft(base);
  }
  const s = store();
  if (!exists) return <p className="muted pad">Start the lab to impair its link.</p>;
  if (!draft) return <p className="muted pad">Loading…</p>;
  const set = (d: Direction, key: keyof Impairment, v: number | boolean | undefined) =>
    setDraft({ ...draft, [d]: { ...draft[d], [key]: v } });
  const apply = () =>
    s.act('Impairing the link…', async () => {
      // Empty fields clear that impairment; the whole direction is replaced by what is shown.
      const changes = Object.fromEntries(
        DIRS.map(({ id }) => [
          id,
          Object.fromEntries(
            Object.entries(draft[id]).filter(([, v]) => v !== undefined && v !== 0 && v !== false && !Number.isNaN(v)),
          ),
        ]),
      );
      await s.client.call('impair', changes, { replace: true });
      s.notice('Link impairments applied');
    });
  const edited = !same(draft, cat?.impairments);
  // What this engine's kernel cannot do is disabled before anyone types a value, with the reason.
  const unavailable = (key: keyof Impairment) => cat?.impairmentsUnavailable?.[key];
  const limited = NUMS.filter((n) => unavailable(n.key));
  const presetBlocked = (imp: Record<Direction, Impairment>) =>
    DIRS.flatMap((d) => Object.keys(imp[d.id]) as (keyof Impairment)[]).find((k) => unavailable(k));
  return (
    <div className="link-panel" data-testid="link">
      <div className="link-form">
        <table className="grid">
          <thead>
            <tr>
              <td />
              {DIRS.map((d) => (
                <th key={d.id} scope="col">
                  {d.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {NUMS.map((n) => {
              const why = unavailable(n.key);
              return (
                <tr key={n.key} className={why ? 'unavailable' : ''}>
                  <th scope="row">
                    {n.label} <span className="muted">({n.unit})</span>
                    {why && (
                      <div className="muted small" id={`why-${n.key}`} title={why}>
                        unavailable here: {why.split(',')[0]}
                      </div>
                    )}
                  </th>
                  {DIRS.map((d) => (
                    <td key={d.id}>
                      <input
                        type="number"
                        min={0}
                        aria-label={`${n.label} (${n.unit}), ${d.label}`}
                        aria-describedby={why ? `why-${n.key}` : undefined}
                        disabled={!!why}
                        title={why ? `unavailable: ${why}` : undefined}
                        value={(draft[d.id][n.key] as number | undefined) ?? ''}
                        placeholder={why ? 'n/a' : '—'}
                        onChange={(e) => set(d.id, n.key, e.target.value === '' ? undefined : Number(e.target.value))}
                        data-testid={`imp-${d.id}-${n.key}`}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
            <tr>
              <th scope="row">link down</th>
              {DIRS.map((d) => (
                <td key={d.id}>
                  <input
                    type="checkbox"
                    aria-label={`link down, ${d.label}`}
                    checked={!!draft[d.id].down}
                    onChange={(e) => set(d.id, 'down', e.target.checked || undefined)}
                  />
                </td>
              ))}
            </tr>
          </tbody>
        </table>
        <div className="toolbar">
          <button
            className="primary"
            disabled={!!busy || !edited}
            onClick={() => void apply()}
            data-testid="apply-impairments"
          >
            Apply
          </button>
          {edited && <span className="warn-text">edited, not applied yet</span>}
          <button
            disabled={!!busy}
            onClick={() =>
              void s.act('Clearing the link…', async () => {
                await s.client.call('impair', { 'left-to-right': {}, 'right-to-left': {} }, { replace: true });
                s.notice('Link impairments cleared');
              })
            }
          >
            Clear both directions
          </button>
        </div>
      </div>
      <aside className="link-help">
        <h4>Presets</h4>
        <div className="presets">
          {PRESETS.map((p) => {
            const blocked = presetBlocked(p.imp);
            return (
              <button
                key={p.label}
                onClick={() => setDraft(structuredClone(p.imp))}
                disabled={!!blocked}
                title={blocked ? `unavailable: ${unavailable(blocked)}` : p.title}
                data-testid={`preset-${p.label.toLowerCase().replace(/\W+/g, '-')}`}
              >
                {p.label}
                <span className="muted"> · {blocked ? `unavailable here: ${unavailable(blocked)}` : p.title}</span>
              </button>
            );
          })}
        </div>
        <p className="muted">
          Impairments act on the router between the two WAN segments, per direction, on IKE and ESP alike. Empty fields
          clear that impairment.
        </p>
        <p className="muted" data-testid="netem-note">
          {limited.length
            ? `This engine's kernel has no netem: ${limited.map((n) => n.label).join(', ')} cannot be set here (the fields are disabled). Loss, rate, link down and flapping work.`
            : "Delay, jitter, duplication, reordering and corruption use netem in the engine's kernel; loss, rate, link down and flapping work everywhere."}
        </p>
      </aside>
    </div>
  );
}
