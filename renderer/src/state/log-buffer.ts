import type { LogRecord, Side } from '../../../lab/api/contract';

/** Runs a callback before the next frame; returns its cancel. */
export type FrameScheduler = (run: () => void) => () => void;

// The browser's frame clock (typed here as well: tests run this module in Node with their own scheduler).
const frames = globalThis as unknown as {
  requestAnimationFrame(run: () => void): number;
  cancelAnimationFrame(id: number): void;
};
const nextAnimationFrame: FrameScheduler = (run) => {
  const id = frames.requestAnimationFrame(run);
  return () => frames.cancelAnimationFrame(id);
};

/**
 * Both gateways' log lines for the view, bounded: past `max` lines a side drops its oldest tenth
 * at once (so trimming is rare and cheap per line). Mutable on purpose: tens of thousands of lines
 * arrive per second in batches, and listeners hear about them at most once per frame, however
 * many batches came in between.
 *
 * Positions are absolute: line `p` of a side (0-based, counted since the last reset) is
 * `lines[side][p - dropped[side]]` while it is kept.
 */
export class LogBuffer {
  readonly lines: Record<Side, LogRecord[]> = { left: [], right: [] };
  /** Oldest lines dropped per side since the last reset. */
  readonly dropped: Record<Side, number> = { left: 0, right: 0 };
  /** Bumped by reset (everything replaced): views start over. */
  generation = 0;
  /** Every log group seen (for the filter). */
  readonly groups = new Set<string>();
  /** Bumped on every change; what views re-render on. */
  version = 0;
  private listeners = new Set<() => void>();
  private cancelFrame: (() => void) | undefined;

  constructor(
    readonly max = 100_000,
    private readonly schedule: FrameScheduler = nextAnimationFrame,
  ) {}

  /** Lines ever appended to a side since the last reset (dropped ones included). */
  total(side: Side): number {
    return this.dropped[side] + this.lines[side].length;
  }

  /** The kept record at an absolute position, if it is still kept. */
  at(side: Side, position: number): LogRecord | undefined {
    return this.lines[side][position - this.dropped[side]];
  }

  append(records: LogRecord[]): void {
    if (!records.length) return;
    for (const r of records) {
      const list = this.lines[r.side];
      // A line already held (a batch sent while a fresh snapshot was on its way) is not shown twice.
      if (list.length && r.seq <= list[list.length - 1].seq) continue;
      list.push(r);
      if (!this.groups.has(r.group)) this.groups.add(r.group);
    }
    for (const side of ['left', 'right'] as const) {
      const list = this.lines[side];
      if (list.length > this.max) {
        const n = list.length - this.max + Math.ceil(this.max / 10);
        list.splice(0, n);
        this.dropped[side] += n;
      }
    }
    this.changed();
  }

  reset(records: Record<Side, LogRecord[]> = { left: [], right: [] }): void {
    for (const side of ['left', 'right'] as const) {
      const keep = records[side].slice(-this.max);
      this.lines[side] = keep;
      this.dropped[side] = 0;
      for (const r of keep) this.groups.add(r.group);
    }
    this.generation++;
    this.changed();
  }

  /** The record of a side with this sequence number, if still kept. */
  find(side: Side, seq: number): LogRecord | undefined {
    const list = this.lines[side];
    // Sequence numbers grow along the list: binary search, then a short scan for restarts.
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid].seq;
      if (s === seq) return list[mid];
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return list.find((r) => r.seq === seq);
  }

  /** Called at most once per frame after changes; returns the unsubscribe. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private changed(): void {
    this.version++;
    if (this.cancelFrame) return;
    this.cancelFrame = this.schedule(() => {
      this.cancelFrame = undefined;
      for (const l of [...this.listeners]) l();
    });
  }
}
