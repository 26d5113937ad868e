import { useMemo, useState } from 'react';

import { store, useApp, useBufferVersion } from '../state/store';
import { LogHistory } from './LogHistory';
import { LogView } from './LogView';

/** Both charons' logs side by side, live, with one filter for both. */
export function LogsPanel() {
  const filter = useApp((s) => s.logFilter);
  const diagnosis = useApp((s) => s.diagnosis);
  const buf = store().logs;
  useBufferVersion(buf.subscribe, () => buf.groups.size);
  const groups = [...buf.groups].sort();
  const cited = useMemo(() => {
    const set = new Set<string>();
    for (const f of diagnosis?.findings ?? [])
      for (const e of f.evidence) if (e.source === 'left' || e.source === 'right') set.add(`${e.source}:${e.line}`);
    return set;
  }, [diagnosis]);
  const [history, setHistory] = useState(false);
  const set = (patch: Partial<typeof filter>) => store().set((s) => ({ logFilter: { ...s.logFilter, ...patch } }));
  return (
    <div className="logs-panel">
      <div className="toolbar">
        <input
          type="search"
          aria-label="filter both logs by text, or /regex/"
          placeholder="filter text (or /regex/)"
          value={filter.text}
          onChange={(e) => set({ text: e.target.value })}
          data-testid="log-filter-text"
        />
        <label>
          level ≤
          <select value={filter.maxLevel} onChange={(e) => set({ maxLevel: Number(e.target.value) })}>
            {[0, 1, 2, 3, 4].map((l) => (
              <option key={l} value={l}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="groups" role="group" aria-label="log groups shown">
          {groups.map((g) => {
            const on = !filter.hiddenGroups.includes(g);
            return (
              <button
                key={g}
                className={`chip toggle ${on ? 'on' : ''}`}
                aria-pressed={on}
                onClick={() =>
                  set({ hiddenGroups: on ? [...filter.hiddenGroups, g] : filter.hiddenGroups.filter((x) => x !== g) })
                }
              >
                {g}
              </button>
            );
          })}
        </span>
        <label title="charon's lines about the lab's own SA polling over VICI">
          <input type="checkbox" checked={filter.hideVici} onChange={(e) => set({ hideVici: e.target.checked })} /> hide
          VICI polling
        </label>
        <label title="long lines continue under themselves; off: one line per row, the whole line on click">
          <input type="checkbox" checked={filter.wrap} onChange={(e) => set({ wrap: e.target.checked })} /> wrap lines
        </label>
        <select
          aria-label="which gateway's log"
          value={filter.sides}
          onChange={(e) => set({ sides: e.target.value as typeof filter.sides })}
        >
          <option value="both">both gateways</option>
          <option value="left">gw-left</option>
          <option value="right">gw-right</option>
        </select>
        <span className="spacer" />
        <button
          onClick={() => setHistory(true)}
          data-testid="log-history-open"
          title="every line of a gateway's log, also those the live view no longer holds"
        >
          History…
        </button>
        <button
          className={filter.follow ? 'primary' : ''}
          onClick={() => set({ follow: !filter.follow })}
          data-testid="follow"
        >
          {filter.follow ? '❚❚ Pause' : '▶ Follow'}
        </button>
      </div>
      {history ? (
        <LogHistory onClose={() => setHistory(false)} />
      ) : (
        <div className={`logs-sides ${filter.sides}`}>
          {filter.sides !== 'right' && <LogView side="left" cited={cited} />}
          {filter.sides !== 'left' && <LogView side="right" cited={cited} />}
        </div>
      )}
    </div>
  );
}
