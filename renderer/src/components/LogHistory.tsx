import { useEffect, useState } from 'react';

import type { LogRecord, Side } from '../../../lab/api/contract';
import { store } from '../state/store';

const PAGE = 200;

/**
 * A gateway's whole log, page by page, including the lines the host spilled to disk on a long run
 * (the live view keeps only the newest lines in memory).
 */
export function LogHistory({ onClose }: { onClose: () => void }) {
  const [side, setSide] = useState<Side>('left');
  const [page, setPage] = useState<{ total: number; spilled: number; from: number; records: LogRecord[] } | null>(null);
  const [from, setFrom] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    // No position yet: the newest page.
    const start = from ?? Number.MAX_SAFE_INTEGER;
    void store()
      .client.call('logsPage', side, start === Number.MAX_SAFE_INTEGER ? 0 : start, PAGE)
      .then(
        async (p) => {
          const r =
            from === null && p.total > PAGE ? await store().client.call('logsPage', side, p.total - PAGE, PAGE) : p;
          if (live) setPage(r);
        },
        (e) => store().error('Reading the log history failed', e),
      );
    return () => void (live = false);
  }, [side, from]);
  const go = (to: number) => setFrom(Math.max(0, Math.min(to, (page?.total ?? 1) - 1)));
  return (
    <div className="log-history" data-testid="log-history">
      <div className="toolbar">
        <b>History</b>
        <select
          aria-label="which gateway's log"
          value={side}
          onChange={(e) => {
            setSide(e.target.value as Side);
            setFrom(null);
          }}
        >
          <option value="left">gw-left</option>
          <option value="right">gw-right</option>
        </select>
        <button disabled={!page || page.from === 0} onClick={() => go(0)}>
          ⇤ oldest
        </button>
        <button disabled={!page || page.from === 0} onClick={() => go(page!.from - PAGE)} data-testid="history-older">
          ◀ older
        </button>
        <button
          disabled={!page || page.from + page.records.length >= page.total}
          onClick={() => go(page!.from + PAGE)}
          data-testid="history-newer"
        >
          newer ▶
        </button>
        <button onClick={() => setFrom(null)}>newest ⇥</button>
        {page && (
          <span className="muted" data-testid="history-range">
            lines {page.from + 1}–{page.from + page.records.length} of {page.total}
            {page.spilled ? ` (${page.spilled} on disk)` : ''}
          </span>
        )}
        <span className="spacer" />
        <button onClick={onClose}>Back to live</button>
      </div>
      <div className="history-lines">
        {page?.records.map((r) => (
          <div key={r.seq} className="history-line" data-seq={r.seq}>
            <span className="muted">#{r.seq}</span> {r.raw}
          </div>
        ))}
      </div>
    </div>
  );
}
