import { useState } from 'react';

import type { CounterPointInfo, Side } from '../../../lab/api/contract';
import { type AxisMetric as Metric, formatValue as human, valueAxis } from '../model/axis';

const SERIES: { side: Side; dir: 'In' | 'Out'; color: string; dash?: string }[] = [
  { side: 'left', dir: 'Out', color: '#2563eb' },
  { side: 'left', dir: 'In', color: '#2563eb', dash: '4 3' },
  { side: 'right', dir: 'Out', color: '#c2410c' },
  { side: 'right', dir: 'In', color: '#c2410c', dash: '4 3' },
];

/** Time axis labels every `step` seconds back from now. */
const tickStep = (windowS: number) => (windowS <= 30 ? 5 : windowS <= 60 ? 10 : 30);

/**
 * Bytes (or packets) through each gateway's CHILD_SAs over time, in and out: charon's own
 * counters as polled. A small hand-written SVG: four lines, time on x. The window is the last
 * two minutes, or less while the lab is younger (never under 30 s), so a fresh lab's first
 * traffic is not a spike squeezed against the right edge.
 */
export function CounterChart({
  counters,
  maxWindowS = 120,
}: {
  counters: Record<Side, CounterPointInfo[]>;
  maxWindowS?: number;
}) {
  const [metric, setMetric] = useState<Metric>('bytes');
  const W = 640;
  const H = 180;
  const pad = { l: 64, r: 10, t: 10, b: 22 };
  const all = [...counters.left, ...counters.right];
  const tMax = all.length ? Math.max(...all.map((p) => p.time)) : Date.now();
  const tFirst = all.length ? Math.min(...all.map((p) => p.time)) : tMax;
  const windowS = Math.min(maxWindowS, Math.max(30, Math.ceil((tMax - tFirst) / 10_000) * 10));
  const tMin = tMax - windowS * 1000;
  const key = (dir: 'In' | 'Out') => `${metric}${dir}` as keyof CounterPointInfo;
  const visible = (side: Side) => counters[side].filter((p) => p.time >= tMin);
  let top = 0;
  for (const s of SERIES) for (const p of visible(s.side)) top = Math.max(top, p[key(s.dir)] as number);
  const axis = valueAxis(top, metric);
  const yMax = axis.max;
  const x = (t: number) => pad.l + ((t - tMin) / (tMax - tMin)) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / yMax) * (H - pad.t - pad.b);
  const last = (side: Side, dir: 'In' | 'Out') => {
    const l = counters[side][counters[side].length - 1];
    return l ? (l[key(dir)] as number) : 0;
  };
  return (
    <div className="chart" data-testid="counter-chart">
      <div className="panel-head">
        <h3>Traffic through the tunnel</h3>
        <span className="seg">
          {(['bytes', 'packets'] as Metric[]).map((m) => (
            <button key={m} className={metric === m ? 'active' : ''} onClick={() => setMetric(m)}>
              {m}
            </button>
          ))}
        </span>
        <span className="muted">last {windowS} s, charon CHILD_SA counters</span>
      </div>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`${metric} in and out per gateway over time`}>
        {axis.ticks.map((v, i) => (
          <g key={v}>
            <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} className="gridline" />
            <text x={pad.l - 6} y={y(v) + 4} textAnchor="end" className="axis" data-testid="y-tick">
              {axis.labels[i]}
            </text>
          </g>
        ))}
        {Array.from({ length: Math.floor(windowS / tickStep(windowS)) + 1 }, (_, i) => i * tickStep(windowS)).map(
          (s) => (
            <text key={s} x={x(tMax - s * 1000)} y={H - 6} textAnchor="middle" className="axis">
              {s === 0 ? 'now' : `-${s}s`}
            </text>
          ),
        )}
        {SERIES.map((s) => {
          const pts = visible(s.side);
          if (pts.length < 1) return null;
          const d = pts.map((p) => `${x(p.time).toFixed(1)},${y(p[key(s.dir)] as number).toFixed(1)}`).join(' ');
          return (
            <polyline
              key={`${s.side}${s.dir}`}
              points={d}
              fill="none"
              stroke={s.color}
              strokeWidth={1.6}
              strokeDasharray={s.dash}
              data-series={`${s.side}-${s.dir}`}
            />
          );
        })}
      </svg>
      <div className="legend">
        {SERIES.map((s) => (
          <span key={`${s.side}${s.dir}`}>
            <svg width="22" height="8">
              <line x1="0" x2="22" y1="4" y2="4" stroke={s.color} strokeWidth={2} strokeDasharray={s.dash} />
            </svg>
            gw-{s.side} {s.dir.toLowerCase()}{' '}
            <b data-testid={`counter-${s.side}-${s.dir.toLowerCase()}`}>{human(last(s.side, s.dir), metric)}</b>
          </span>
        ))}
      </div>
    </div>
  );
}
