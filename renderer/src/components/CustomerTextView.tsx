import { useEffect, useLayoutEffect, useRef, useState } from 'react';

import { store } from '../state/store';

/** Row height (px): one line per row, so the window is arithmetic. */
const ROW = 18;
/**
 * Tallest scroll area drawn: a text of millions of lines maps the scroll position onto its lines
 * instead (browsers cannot lay out a div of tens of millions of pixels).
 */
const MAX_PX = 3_000_000;
/** Lines fetched from the host per request (the text itself stays on the host). */
const PAGE = 200;
const OVERSCAN = 10;
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
 * A customer's text as it was given, windowed: only the rows in view exist in the DOM and only
 * their lines are fetched from the host. `marks` colour lines (cited evidence, lines not
 * imported); a target line is brought to the middle and marked.
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
  const [view, setView] = useState({ top: 0, height: 400 });
  const [, setVersion] = useState(0);
  const [goto, setGoto] = useState('');

  const full = total * ROW;
  const area = Math.min(full, MAX_PX);
  const scaled = full > MAX_PX;
  const visible = Math.ceil(view.height / ROW) + 1;
  const maxScroll = Math.max(0, area - view.height);
  const lastFirst = Math.max(0, total - visible + 1);
  const first = scaled
    ? maxScroll
      ? Math.min(lastFirst, Math.round((view.top / maxScroll) * lastFirst))
      : 0
    : Math.max(0, Math.floor(view.top / ROW));
  const offset = scaled ? view.top : first * ROW;
  const end = Math.min(total, first + visible + (scaled ? 0 : OVERSCAN));

  const scrollToLine = (line: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const want = Math.max(0, Math.min(lastFirst, line - 1 - Math.floor(visible / 2)));
    const top = scaled ? (lastFirst ? (want / lastFirst) * maxScroll : 0) : want * ROW;
    el.scrollTop = top;
    setView((v) => ({ ...v, top: el.scrollTop }));
  };

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView((v) => ({ ...v, height: el.clientHeight })));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useLayoutEffect(() => {
    if (target) scrollToLine(target.line);
    // Only a new target moves the view; scrolling by the user must not be undone.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [target?.nonce, upload]);

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
      <div
        key={i % 256}
        className={`ctext-row ${mark}`}
        data-line={n}
        style={{ transform: `translateY(${offset + (i - first) * ROW}px)` }}
      >
        <span className="ln">{n}</span>
        {text ?? (text === undefined ? '…' : '')}
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
        {rows}
      </div>
    </div>
  );
}
