import type { LogRecord, Side } from '../../../lab/api/contract';
import type { LogBuffer } from './log-buffer';

/** What the log view shows of a gateway's lines (the follow/pause part lives in the view). */
export interface LineFilter {
  /** Log groups hidden (IKE, CFG, KNL, NET, ENC, LAB, ...). */
  hiddenGroups: string[];
  /** Lines above this level are hidden (charon levels 0..4). */
  maxLevel: number;
  /** A substring (any case), or /regex/. */
  text: string;
  /** Hide charon's `vici client N ...` lines: the lab's own SA polling, not the negotiation. */
  hideVici: boolean;
}

const VICI_LINE = /^vici client \d+ /;

/** Characters of the columns before a line's message when they are no wider than usual. */
export const META_WIDTH = 32;

/**
 * A line's columns before its message, padded in the monospace font: sequence number, time of
 * day, group and level, IKE_SA. Wider values (a six-digit line number) push the message along.
 */
export function lineMeta(r: LogRecord): string {
  const ike = r.ikeName ? `${r.ikeName}[${r.ikeId}]` : '';
  return `${String(r.seq).padStart(5)} ${r.time.slice(7).padEnd(13)}${(r.group + r.level).padEnd(5)}${ike.padEnd(7)} `;
}

export function compileFilter(f: LineFilter): (r: LogRecord) => boolean {
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
  return (r) =>
    !hidden.has(r.group) &&
    r.level <= f.maxLevel &&
    (!f.hideVici || !VICI_LINE.test(r.message)) &&
    (!text || text(r.raw));
}

const filterKey = (f: LineFilter) => JSON.stringify([[...f.hiddenGroups].sort(), f.maxLevel, f.text, f.hideVici]);

/**
 * The lines of one side that pass a filter, kept up to date incrementally: only lines appended
 * since the last update are tested, lines the buffer dropped leave from the front, and only a
 * reset or a new filter tests everything again. Rows are absolute buffer positions, so a row
 * never has to be copied.
 */
export class FilteredLines {
  private generation = -1;
  private key = '';
  /** Buffer lines (absolute count) already tested. */
  private seen = 0;
  private positions: number[] = [];
  /** Rows that left from the front since the rows were last rebuilt (a paused view keeps its place with it). */
  removedFront = 0;
  /** Bumped whenever the rows are rebuilt from nothing (a buffer reset or another filter). */
  rebuilds = 0;

  constructor(
    private readonly buffer: LogBuffer,
    readonly side: Side,
  ) {}

  /** Brings the rows up to date with the buffer; true when they changed. */
  update(filter: LineFilter): boolean {
    const buf = this.buffer;
    const side = this.side;
    const key = filterKey(filter);
    const total = buf.total(side);
    const dropped = buf.dropped[side];
    let changed = false;
    if (this.generation !== buf.generation || this.key !== key) {
      this.generation = buf.generation;
      this.key = key;
      this.positions = [];
      this.seen = dropped;
      this.removedFront = 0;
      this.rebuilds++;
      changed = true;
    } else if (this.seen === total) {
      return false;
    }
    // Lines the buffer dropped since the last look leave from the front (positions are sorted).
    if (this.positions.length && this.positions[0] < dropped) {
      const n = lowerBound(this.positions, dropped);
      this.positions.splice(0, n);
      this.removedFront += n;
      changed = true;
    }
    const match = compileFilter(filter);
    const lines = buf.lines[side];
    for (let p = Math.max(this.seen, dropped); p < total; p++) {
      if (match(lines[p - dropped])) {
        this.positions.push(p);
        changed = true;
      }
    }
    this.seen = total;
    return changed;
  }

  get length(): number {
    return this.positions.length;
  }

  /** The i-th row's record. */
  row(i: number): LogRecord {
    return this.buffer.at(this.side, this.positions[i])!;
  }

  /** Characters the i-th row takes as drawn: its columns and its message. */
  textLength(i: number): number {
    const r = this.row(i);
    return lineMeta(r).length + r.message.length;
  }

  /** The row showing this sequence number, or -1. */
  indexOfSeq(seq: number): number {
    // Sequence numbers grow with position: binary search first, then a scan (a restarted gateway).
    let lo = 0;
    let hi = this.positions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.row(mid).seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    for (let i = 0; i < this.positions.length; i++) if (this.row(i).seq === seq) return i;
    return -1;
  }

  /** The row nearest to a charon timestamp ("Nov 22 14:05:56.163"), for lining up the other gateway. */
  indexNearTime(time: string): number {
    const key = timeKey(time);
    let lo = 0;
    let hi = this.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (timeKey(this.row(mid).time) < key) lo = mid + 1;
      else hi = mid;
    }
    return Math.min(lo, this.positions.length - 1);
  }
}

function lowerBound(xs: number[], value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/** charon's "%b %e %T.ms" as a sortable string; lines without a time sort first. */
export function timeKey(time: string): string {
  const m = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d(?:\.\d+)?)$/.exec(time);
  if (!m) return '';
  const month = String(MONTHS.indexOf(m[1]) / 3).padStart(2, '0');
  return `${month}${m[2].trim().padStart(2, '0')}${m[3].padEnd(12, '0')}`;
}
