import type { Side } from '../settings/types.js';
import type { IkeSaInfo } from '../vici/index.js';

/** One point of a gateway's traffic through the lab tunnel (all its CHILD_SAs added up). */
export interface CounterPoint {
  time: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

/** The counters of every CHILD_SA in one snapshot, added up. */
export function counterPoint(s: { time: number; ikeSas: IkeSaInfo[] }): CounterPoint {
  const p: CounterPoint = { time: s.time, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 };
  for (const c of s.ikeSas.flatMap((i) => i.children)) {
    p.bytesIn += c.bytesIn ?? 0;
    p.bytesOut += c.bytesOut ?? 0;
    p.packetsIn += c.packetsIn ?? 0;
    p.packetsOut += c.packetsOut ?? 0;
  }
  return p;
}

/**
 * Counter points per gateway for the chart, bounded: past `max` points the oldest half is thinned
 * to every other point, so a day-long run keeps its shape in constant memory.
 */
export class CounterHistory {
  private points: Record<Side, CounterPoint[]> = { left: [], right: [] };

  constructor(private readonly max = 3600) {}

  add(s: { side: Side; time: number; ikeSas: IkeSaInfo[]; error?: string }): void {
    if (s.error) return;
    const p = counterPoint(s);
    const list = this.points[s.side];
    list.push(p);
    if (list.length > this.max) {
      const half = Math.floor(list.length / 2);
      this.points[s.side] = [...list.slice(0, half).filter((_, i) => i % 2 === 0), ...list.slice(half)];
    }
  }

  /** Another lab from here on: the previous lab's points are not its history. */
  clear(): void {
    this.points = { left: [], right: [] };
  }

  get(side: Side): CounterPoint[] {
    return this.points[side];
  }
}
