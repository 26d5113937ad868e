import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { LogRecord, Side } from '../../../lab/api/contract';
import { store, useApp, useFrameVersion, type LogFilter } from '../state/store';

const ROW = 18;
const ERROR_RE = /fail|error|unacceptable|mismatch|giving up|no .* found|not responding|dead|refused|invalid|denied|timeout/i;
const OK_RE = /established|installed/i;

export function compileFilter(f: LogFilter): (r: LogRecord) => boolean {
  const hidden = new Set(f.hiddenGroups);
  let text: ((s: string) => boolean) | undefined;
  const t = f.text.trim();
  if (t.length > 2 && t.startsWith('/') && t.endsWith('/')) {
    try {
      const re = new RegExp(t.slice(1, -1), 'i');
      text = (s) => re.test(s);
    } catch {
      text = () => false;
    }
  } else if (t) {
    const needle = t.toLowerCase();
    text = (s) => s.toLowerCase().includes(needle);
  }
  const vici = /^vici client \d+ /;
  return (r) => !hidden.has(r.group) && r.level <= f.maxLevel && (!f.hideVici || !vici.test(r.message)) && (!text || text(r.raw));
}

interface Rows {
  generation: number;
  /** Lines of the buffer's side already looked at (absolute count). */
  seen: number;
  key: string;
  rows: LogRecord[];
}

/**
 * One gateway's log, virtualised: only the visible rows exist in the DOM, the filter runs
 * incrementally over new lines, and redraws happen at most once per frame.
 */
export function LogView({ side, cited }: { side: Side; cited: Set<string> }) {
  const buf = store().logs;
  useFrameVersion(buf.subscribe, () => buf.version);
  const filter = useApp((s) => s.logFilter);
  const jump = useApp((s) => s.jump);
  const [target, setTarget] = useState<number | null>(null);
  const cache = useRef<Rows>({ generation: -1, seen: 0, key: '', rows: [] });

  // Filter incrementally: only lines appended since the last frame are tested.
  const key = JSON.stringify([filter.hiddenGroups, filter.maxLevel, filter.text, filter.hideVici]);
  const lines = buf.lines[side];
  const total = buf.total[side];
  let c = cache.current;
  if (c.generation !== buf.generation || c.key !== key) {
    const match = compileFilter(filter);
    c = cache.current = { generation: buf.generation, key, seen: total, rows: lines.filter(match) };
  } else if (c.seen < total) {
    const match = compileFilter(filter);
    const start = lines.length - (total - c.seen);
    for (let i = Math.max(0, start); i < lines.length; i++) if (match(lines[i])) c.rows.push(lines[i]);
    c.seen = total;
  }
  const rows = c.rows;

  const parentRef = useRef<HTMLDivElement>(null);
  const programmatic = useRef(false);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => parentRef.current, estimateSize: () => ROW, overscan: 30 });

  // Follow: keep the newest line in view.
  useLayoutEffect(() => {
    const el = parentRef.current;
    if (!filter.follow || !el) return;
    programmatic.current = true;
    el.scrollTop = el.scrollHeight;
  });

  // Jump to a cited line: show it even when the filter hid it.
  useEffect(() => {
    if (!jump || jump.side !== side) return;
    const idx = rows.findIndex((r) => r.seq === jump.seq);
    if (idx < 0) {
      if (buf.find(side, jump.seq)) {
        store().set({ logFilter: { hiddenGroups: [], maxLevel: 4, text: '', sides: 'both', follow: false, hideVici: false } });
      } else {
        store().notice(`${side} line ${jump.seq} is older than the lines kept in this view`);
        store().set({ jump: null });
      }
      return;
    }
    if (filter.follow) store().set((s) => ({ logFilter: { ...s.logFilter, follow: false } }));
    setTarget(jump.seq);
    programmatic.current = true;
    virtualizer.scrollToIndex(idx, { align: 'center' });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jump?.nonce, rows.length === 0, filter]);

  const onScroll = () => {
    const el = parentRef.current;
    if (!el) return;
    if (programmatic.current) {
      programmatic.current = false;
      return;
    }
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW * 2;
    if (filter.follow && !atBottom) store().set((s) => ({ logFilter: { ...s.logFilter, follow: false } }));
  };

  return (
    <div className="logview" data-testid={`log-${side}`}>
      <div className="logview-head">
        <b>gw-{side}</b> <span className="muted">charon · {rows.length.toLocaleString()} of {lines.length.toLocaleString()} lines</span>
      </div>
      <div className="logview-scroll" ref={parentRef} onScroll={onScroll}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = rows[item.index];
            const isCited = cited.has(`${side}:${r.seq}`);
            const cls = `logline lv${r.level}${isCited ? ' cited' : ''}${target === r.seq ? ' target' : ''}${ERROR_RE.test(r.message) ? ' err' : OK_RE.test(r.message) ? ' good' : ''}`;
            return (
              <div key={item.key} className={cls} data-seq={r.seq} title={r.raw} style={{ transform: `translateY(${item.start}px)` }}>
                <span className="ln">{r.seq}</span>
                <span className="ts">{r.time.slice(7)}</span>
                <span className="grp">{r.group}{r.level}</span>
                <span className="ike">{r.ikeName ? `${r.ikeName}[${r.ikeId}]` : ''}</span>
                <span className="msg">{r.message}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
