import { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { store } from '../state/store';

/** One text row's height (px): a line is one or more of them (a long line wraps under itself). */
const ROW = 18;
/**
 * Tallest scroll area drawn: a text of millions of lines maps the scroll position onto its lines
 * instead (browsers cannot lay out a div of tens of millions of pixels).
 */
const MAX_PX = 3_000_000;
/** Lines fetched from the host per request (the text itself stays on the host). */
const PAGE = 200;
/** Pages kept per text; a 100 MB log is never held here, only the windows looked at. */
const MAX_PAGES = 60;

const cache = new Map<string, Map<number, string[]>>();
const loading = new Set<string>();

function pageOf(upload: string, page: number): string[] | undefined {
  return cache.get(upload)?.get(page);
}

function keep(upload: string, page: number, lines: string[]): void {
  let pages = cache.get(upload);
  if (!pages) cache.set(upload, (pages = new Map()));
  pages.set(page, lines);
  // Oldest first out (a Map keeps insertion order).
  while (pages.size > MAX_PAGES) pages.delete(pages.keys().next().value!);
}

export interface TextTarget {
  /** 0: the top of the text, nothing marked. */
  line: number;
  nonce: number;
}

/**
 * A customer's text as it was given, windowed: only the lines in view exist in the DOM and only
 * their lines are fetched from the host. The scroll position picks the first line in view (one
 * row of scroll per line); the lines from there flow down, a long one (a forum paste) wrapped
 * under itself beside its number. `marks` colour lines (cited evidence, lines not imported); a
 * target line is brought to the middle and marked.
 */
export function CustomerTextView({
  upload,
  total,
  marks,
  target,
  title,
  testid,
}: {
  upload: string;
  total: number;
  marks: Map<number, string>;
  target: TextTarget | null;
  title: string;
  testid: string;
}) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const linesRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 400, width: 0 });
  const [version, setVersion] = useState(0);
  const [goto, setGoto] = useState('');
  /**
   * Lines of scroll added at the end: wrapped last lines are taller than one row each, so the
   * scroll must go further for the last one to come into view (measured, see below).
   */
  const [tail, setTail] = useState({ lines: 0, key: '' });
  const tailKey = `${upload}:${view.width}:${view.height}`;
  const extra = tail.key === tailKey ? tail.lines : 0;
  /** A target line waiting for its lines to load, to be brought to the middle once their heights are known. */
  const centre = useRef<number | null>(null);

  const visible = Math.ceil(view.height / ROW) + 1;
  const lastFirst = Math.min(Math.max(0, total - 1), Math.max(0, total - visible + 1) + extra);
  const full = (lastFirst + visible - 1) * ROW;
  const area = Math.min(full, MAX_PX);
  const scaled = full > MAX_PX;
  const maxScroll = Math.max(0, area - view.height);
  const first = Math.min(
    lastFirst,
    scaled ? (maxScroll ? Math.round((view.top / maxScroll) * lastFirst) : 0) : Math.max(0, Math.floor(view.top / ROW)),
  );
  // The lines start where the view starts (less the part of a row scrolled past) and fill it.
  const offset = scaled ? view.top : first * ROW;
  const end = Math.min(total, first + visible);

  const scrollToFirst = (line0: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const want = Math.max(0, Math.min(lastFirst, line0));
    el.scrollTop = scaled ? (lastFirst ? (want / lastFirst) * maxScroll : 0) : want * ROW;
    setView((v) => ({ ...v, top: el.scrollTop }));
  };
  const scrollToLine = (line: number) => {
    centre.current = line;
    scrollToFirst(line - 1 - Math.floor(visible / 2));
  };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () =>
      setView((v) =>
        v.height === el.clientHeight && v.width === el.clientWidth
          ? v
          : { ...v, height: el.clientHeight, width: el.clientWidth },
      );
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (target) scrollToLine(target.line);
    else centre.current = null;
    // Only a new target moves the view; scrolling by the user must not be undone.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target?.nonce, upload]);

  // After every render: the rows' real heights are known. Wrapped lines push the target down or
  // the last line out of reach: move the target back to the middle, and lengthen the scroll.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const box = linesRef.current;
    if (!el || !box) return;
    const rows = [...box.children] as HTMLElement[];
    const loaded = (n: number) => pageOf(upload, Math.floor((n - 1) / PAGE)) !== undefined;
    const viewTop = el.getBoundingClientRect().top;
    // Scrolled as far as it goes and the last line is still (partly) out of view: more scroll.
    if (end === total && first === lastFirst && rows.length && lastFirst < total - 1) {
      const last = rows[rows.length - 1];
      if (!loaded(Number(last.dataset.line))) return;
      const overflow = last.getBoundingClientRect().bottom - (viewTop + el.clientHeight);
      if (overflow > 1) {
        // A target waits for the longer scroll: it may need it to reach the middle.
        setTail({ key: tailKey, lines: extra + Math.ceil(overflow / ROW) });
        return;
      }
    }
    const line = centre.current;
    if (line !== null && line > first && line <= end) {
      const rowsTo = rows.slice(0, line - first);
      if (rowsTo.every((r) => loaded(Number(r.dataset.line)))) {
        centre.current = null;
        const at = rowsTo[rowsTo.length - 1].getBoundingClientRect();
        const over = at.top - viewTop - (el.clientHeight - at.height) / 2;
        if (over > ROW) {
          // Skip as many whole lines from the top as the target sits below the middle.
          let skip = 0;
          let px = 0;
          while (skip < rowsTo.length - 1 && px + rowsTo[skip].offsetHeight <= over) px += rowsTo[skip++].offsetHeight;
          if (skip) scrollToFirst(first + skip);
        }
      }
    }
    // Heights change only when the lines in view, their text (a page arrived) or the size change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [first, end, total, lastFirst, upload, tailKey, extra, version, target?.nonce]);

  // The lines in view (and a page around them) come from the host.
  useEffect(() => {
    const want = new Set<number>();
    for (let i = first; i < end; i += PAGE) want.add(Math.floor(i / PAGE));
    if (end > first) want.add(Math.floor((end - 1) / PAGE));
    for (const p of want) {
      const key = `${upload}:${p}`;
      if (pageOf(upload, p) || loading.has(key)) continue;
      loading.add(key);
      store()
        .client.call('customerLines', upload, p * PAGE + 1, PAGE)
        .then((r) => {
          keep(upload, p, r.lines);
          setVersion((v) => v + 1);
        })
        .catch((e) => store().error('Could not show the text', e))
        .finally(() => loading.delete(key));
    }
  }, [upload, first, end]);

  const rows = [];
  for (let i = first; i < end; i++) {
    const n = i + 1;
    const text = pageOf(upload, Math.floor(i / PAGE))?.[i % PAGE];
    const mark = [marks.get(n), target?.line === n ? 'target' : ''].filter(Boolean).join(' ');
    rows.push(
      <div key={i % 256} className={`ctext-row ${mark}`} data-line={n}>
        <span className="ln">{n}</span>
        <span className="ctext-line">{text ?? (text === undefined ? '…' : '')}</span>
      </div>,
    );
  }

  return (
    <div className="ctext" data-testid={testid}>
      <div className="ctext-head">
        <b>{title}</b>
        <span className="muted">{total.toLocaleString()} lines</span>
        <span className="spacer" />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const n = Number(goto);
            if (Number.isInteger(n) && n >= 1) scrollToLine(Math.min(n, total));
          }}
        >
          <input
            type="search"
            inputMode="numeric"
            placeholder="go to line"
            aria-label={`go to a line of ${title}`}
            value={goto}
            onChange={(e) => setGoto(e.target.value)}
            data-testid={`${testid}-goto`}
          />
        </form>
      </div>
      <div
        className="ctext-scroll"
        ref={scrollRef}
        // Scrollable with the keyboard too (arrows, Page Up/Down once focused).
        tabIndex={0}
        role="region"
        aria-label={`the text of ${title}`}
        onScroll={(e) => {
          const top = (e.target as HTMLDivElement).scrollTop;
          setView((v) => (v.top === top ? v : { ...v, top }));
        }}
      >
        <div className="ctext-space" style={{ height: `${area}px` }} />
        {/* Clipped at the bottom of the view, so wrapped lines never lengthen the scroll area. */}
        <div
          className="ctext-lines"
          ref={linesRef}
          style={{ transform: `translateY(${offset}px)`, height: `${view.height + view.top - offset}px` }}
        >
          {rows}
        </div>
      </div>
    </div>
  );
}
