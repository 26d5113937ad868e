import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';

import type { LogRecord, Side } from '../../../lab/api/contract';
import { FilteredLines, lineMeta, META_WIDTH } from '../state/filtered-lines';
import { RowLayout } from '../state/row-layout';
import { store, useApp, useBufferVersion } from '../state/store';

/** One text line's height (px). A wrapped row is a whole number of them, so the window is arithmetic. */
export const ROW = 18;
/** Right padding of a row (px), kept in step with `.logline` in styles.css. */
const ROW_PAD = 8;
/** Rows drawn beyond the visible ones, so a scroll shows drawn rows while the next frame renders. */
const OVERSCAN = 6;
const ERROR_RE =
  /fail|error|unacceptable|mismatch|giving up|no .* found|not responding|dead|refused|invalid|denied|timeout/i;
const OK_RE = /established|installed/i;

interface RowProps {
  r: LogRecord;
  top: number;
  height: number;
  cited: boolean;
  target: boolean;
  selected: boolean;
}

/**
 * One log line: the row and two text runs, the fixed-width columns padded in the monospace font
 * (no box per cell); a long message wraps under itself (hanging indent), so every line can be read
 * without a click. Rows are keyed by their slot in the window, so a row scrolled out is reused
 * for the one scrolled in (its text changes; nothing is created), and a row whose line and marks
 * stay the same does not render at all.
 */
const LogRow = memo(function LogRow({ r, top, height, cited, target, selected }: RowProps) {
  const tone = ERROR_RE.test(r.message) ? ' err' : OK_RE.test(r.message) ? ' good' : '';
  const cls = `logline lv${r.level}${tone}${cited ? ' cited' : ''}${target ? ' target' : ''}${selected ? ' selected' : ''}`;
  return (
    <div className={cls} data-seq={r.seq} style={{ transform: `translateY(${top}px)`, height }}>
      {lineMeta(r)}
      <span className="msg">{r.message}</span>
    </div>
  );
});

/** The width of one character of the log font (px), measured once per view. */
function charWidth(el: HTMLElement): number {
  const probe = document.createElement('span');
  probe.className = 'logline-probe';
  probe.textContent = '0'.repeat(200);
  el.appendChild(probe);
  const w = probe.getBoundingClientRect().width / 200;
  probe.remove();
  return w || 7;
}

/** Distinct row keys: more than any window has rows (a 4K screen shows about 120). */
const SLOTS = 512;

/**
 * One gateway's log, windowed: only the rows in view (plus a few) exist in the DOM, the filter
 * runs only over new lines, and it redraws at most once per frame however fast lines arrive.
 * Following, the window is simply the newest rows; paused, it is where the user scrolled.
 * A finding's evidence link jumps here (the line is centred and marked); the other gateway's
 * view lines up with the same moment.
 */
export function LogView({ side, cited }: { side: Side; cited: Set<string> }) {
  const buf = store().logs;
  useBufferVersion(buf.subscribe, () => buf.version);
  const filter = useApp((s) => s.logFilter);
  const jump = useApp((s) => s.jump);
  const rowsRef = useRef<FilteredLines | null>(null);
  rowsRef.current ??= new FilteredLines(buf, side);
  const rows = rowsRef.current;
  rows.update(filter);
  const count = rows.length;

  const scrollRef = useRef<HTMLDivElement>(null);
  // cols 0: not measured yet (a jump waits for the real width, or it would land on the wrong row).
  const [view, setView] = useState({ top: 0, height: 600, cols: 0 });
  const layoutRef = useRef<RowLayout | null>(null);
  layoutRef.current ??= new RowLayout(ROW, META_WIDTH);
  const layout = layoutRef.current;
  // The row at the top before the rows are laid out again for another width stays at the top.
  const topRow = layout.length ? layout.indexAt(view.top) : 0;
  const reflowTo = useRef<number | null>(null);
  if (layout.sync(rows, view.cols || 120, filter.wrap)) reflowTo.current = topRow;
  const total = layout.total();
  const [target, setTarget] = useState<number | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  /** Scroll events our own scrolling causes are not the user's. */
  const ownScroll = useRef(-1);

  let first: number;
  let last: number;
  if (filter.follow) {
    last = count;
    first = Math.max(0, layout.indexAt(total - view.height) - OVERSCAN);
  } else {
    first = Math.max(0, layout.indexAt(view.top) - OVERSCAN);
    last = Math.min(count, layout.indexAt(view.top + view.height) + 1 + OVERSCAN);
  }

  const scrollTo = (top: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const max = Math.max(0, total - el.clientHeight);
    const t = Math.round(Math.min(max, Math.max(0, top)));
    ownScroll.current = t;
    el.scrollTop = t;
    setView((v) => (v.top === t ? v : { ...v, top: t }));
  };

  // Following: the newest line stays in view. Paused: rows the buffer dropped at the front must
  // not move what the user is reading.
  useLayoutEffect(() => {
    const shift = layout.takeShift();
    const anchor = reflowTo.current;
    reflowTo.current = null;
    if (filter.follow) scrollTo(total);
    else if (anchor !== null) scrollTo(layout.top(anchor));
    else if (shift > 0) scrollTo(view.top - shift);
  });

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const cw = charWidth(el);
    const measure = () => {
      const cols = Math.floor((el.clientWidth - ROW_PAD) / cw - 0.02);
      setView((v) => (v.height === el.clientHeight && v.cols === cols ? v : { ...v, height: el.clientHeight, cols }));
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    // A view opened while paused starts at the newest lines (a jump moves it right after).
    scrollTo(total);
    return () => ro.disconnect();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Jump to a cited line: centre and mark it, even when the filter hid it. The other gateway's
  // view lines up with the same moment.
  useEffect(() => {
    if (!jump || !view.cols) return;
    const rec = buf.find(jump.side, jump.seq);
    if (jump.side !== side) {
      if (rec?.time && count) {
        setTarget(null);
        scrollTo(layout.top(rows.indexNearTime(rec.time)) - view.height / 2);
      }
      return;
    }
    const idx = rows.indexOfSeq(jump.seq);
    if (idx < 0) {
      if (rec) {
        // Hidden by the filter: show everything (the jump runs again with the new filter).
        store().set((s) => ({
          logFilter: { ...s.logFilter, hiddenGroups: [], maxLevel: 4, text: '', hideVici: false, follow: false },
        }));
      } else {
        store().notice(`${side} line ${jump.seq} is older than the lines kept in this view`);
        store().set({ jump: null });
      }
      return;
    }
    if (filter.follow) store().set((s) => ({ logFilter: { ...s.logFilter, follow: false } }));
    setTarget(jump.seq);
    setSelected(jump.seq);
    scrollTo(layout.top(idx) - view.height / 2 + layout.height(idx) / 2);
    // Done (both views ran this commit): a later filter change must not pull the view back here.
    store().set({ jump: null });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [jump?.nonce, filter.hiddenGroups, filter.maxLevel, filter.text, filter.hideVici, view.cols > 0]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const top = el.scrollTop;
    if (ownScroll.current === top) return;
    ownScroll.current = -1;
    setView((v) => (v.top === top ? v : { ...v, top }));
    const atBottom = top + el.clientHeight >= el.scrollHeight - ROW * 2;
    if (filter.follow && !atBottom) store().set((s) => ({ logFilter: { ...s.logFilter, follow: false } }));
  };

  const items = [];
  for (let i = first; i < last; i++) {
    const r = rows.row(i);
    items.push(
      <LogRow
        key={i % SLOTS}
        r={r}
        top={layout.top(i)}
        height={layout.height(i)}
        cited={cited.has(`${side}:${r.seq}`)}
        target={target === r.seq}
        selected={selected === r.seq}
      />,
    );
  }
  const sel = selected !== null ? buf.find(side, selected) : undefined;

  return (
    <div className="logview" data-testid={`log-${side}`} data-rows={count}>
      <div className="logview-head">
        <b>gw-{side}</b>{' '}
        <span className="muted">
          charon · {count.toLocaleString()} of {buf.lines[side].length.toLocaleString()} lines
        </span>
        {count > 0 && !sel && !filter.wrap && <span className="muted hint-right">click a line for all of it</span>}
      </div>
      <div
        className={`logview-scroll${filter.wrap ? ' wrap' : ''}`}
        ref={scrollRef}
        // Scrollable with the keyboard too (arrow keys, Page Up/Down once focused).
        tabIndex={0}
        role="region"
        aria-label={`gw-${side} charon log`}
        onScroll={onScroll}
        onClick={(e) => {
          const seq = Number((e.target as HTMLElement).closest<HTMLElement>('.logline')?.dataset.seq);
          if (seq) setSelected(seq === selected ? null : seq);
        }}
      >
        {count === 0 && (
          <p className="muted pad logview-empty">
            {buf.lines[side].length
              ? 'No line matches the filter.'
              : `No lines yet: gw-${side}'s charon log appears here live once the lab runs.`}
          </p>
        )}
        <div className="logview-rows" style={{ height: total }}>
          {items}
        </div>
      </div>
      {sel && (
        <div className="logline-detail" data-testid={`log-detail-${side}`}>
          <span className="muted">
            line {sel.seq}
            {cited.has(`${side}:${sel.seq}`) ? ' · cited by the diagnosis' : ''}
          </span>
          <button className="link" onClick={() => setSelected(null)} aria-label="close">
            ✕
          </button>
          <code>{sel.raw}</code>
        </div>
      )}
    </div>
  );
}
