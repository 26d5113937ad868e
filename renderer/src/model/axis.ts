/**
 * Value axes that read well: ticks at round steps (1, 2 or 5 times a power of ten, in the unit
 * shown), starting at zero, the top tick at or above the largest value, every label different.
 * Bytes use binary units (B, KiB, MiB), as the SA counters are read; packets are whole numbers.
 */
export type AxisMetric = 'bytes' | 'packets';

const UNITS: { size: number; name: string }[] = [
  { size: 1024 * 1024 * 1024, name: 'GiB' },
  { size: 1024 * 1024, name: 'MiB' },
  { size: 1024, name: 'KiB' },
  { size: 1, name: 'B' },
];

/** The smallest 1/2/5 x 10^k at or above `x` (x > 0). */
function niceStep(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x - 1e-9 * p) return m * p;
  return 10 * p;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(n < 1 ? 2 : 1).replace(/\.?0+$/, '');
}

/** A value as the axis and legend write it: "1.5 KiB", "12 MiB", "340 B", "1.2k" packets. */
export function formatValue(n: number, metric: AxisMetric): string {
  if (metric === 'packets') return n >= 10_000 ? `${formatNumber(Math.round(n / 100) / 10)}k` : String(Math.round(n));
  const u = UNITS.find((x) => n >= x.size) ?? UNITS[UNITS.length - 1];
  return `${formatNumber(Math.round((n / u.size) * 10) / 10)} ${u.name}`;
}

export interface Axis {
  /** Tick values, from 0 up to `max` inclusive. */
  ticks: number[];
  /** The top of the axis (the last tick). */
  max: number;
  labels: string[];
}

/**
 * About `target` ticks covering 0..`value`. A flat zero still gets a readable scale (0 to 1 KiB,
 * 0 to 10 packets), never a pile of identical labels.
 */
export function valueAxis(value: number, metric: AxisMetric, target = 4): Axis {
  const floor = metric === 'bytes' ? 1024 : 10;
  const top = Math.max(value, floor);
  const unit = metric === 'bytes' ? (UNITS.find((u) => top >= u.size) ?? UNITS[UNITS.length - 1]).size : 1;
  // Steps are round in the unit shown (0.5 KiB, 2 MiB), and whole packets.
  let step = niceStep(top / unit / target) * unit;
  if (metric === 'packets') step = Math.max(1, Math.round(step));
  const max = Math.ceil(top / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step / 2; v += step) ticks.push(Math.round(v * 1000) / 1000);
  return { ticks, max, labels: ticks.map((t) => formatValue(t, metric)) };
}
