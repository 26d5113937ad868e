import type { LogRecord, Side } from '../../../lab/api/contract';

/**
 * Both gateways' log lines for the view, bounded: past `max` lines a side drops its oldest tenth
 * at once (so trimming is rare). Mutable on purpose: tens of thousands of lines are appended in
 * batches, and views redraw at most once per frame from `version`.
 */
export class LogBuffer {
  readonly lines: Record<Side, LogRecord[]> = { left: [], right: [] };
  /** Lines ever appended per side (positions are stable: absolute = total - lines.length + index). */
  readonly total: Record<Side, number> = { left: 0, right: 0 };
  /** Bumped whenever old lines were dropped or everything was reset (views refilter). */
  generation = 0;
  /** Every log group seen (for the filter). */
  readonly groups = new Set<string>();
  version = 0;
  private listeners = new Set<() => void>();

  constructor(readonly max = 100_000) {}

  append(records: LogRecord[]): void {
    if (!records.length) return;
    for (const r of records) {
      this.lines[r.side].push(r);
      this.groups.add(r.group);
      this.total[r.side]++;
    }
    for (const side of ['left', 'right'] as const) {
      const list = this.lines[side];
      if (list.length > this.max) {
        list.splice(0, Math.ceil(this.max / 10));
        this.generation++;
      }
    }
    this.bump();
  }

  reset(records: Record<Side, LogRecord[]> = { left: [], right: [] }): void {
    for (const side of ['left', 'right'] as const) {
      this.lines[side] = [...records[side]];
      this.total[side] = records[side].length;
      for (const r of records[side]) this.groups.add(r.group);
    }
    this.generation++;
    this.bump();
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

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private bump(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}
