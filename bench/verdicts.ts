// `npm run bench -- verdicts`: how soon the live verdict names a fault once its first evidence is in,
// deciding check included (issue 16: within 2 s), on one real lab, the faults in sequence.
import type { DiagnosisResult } from '../lab/diagnosis/findings.js';
import { LabEngine } from '../lab/engine/lab-engine.js';
import { findFault } from '../lab/faults/catalogue.js';
import { FaultService } from '../lab/faults/fault-service.js';
import { defaultSettings } from '../lab/settings/defaults.js';

/** One figure of `npm run bench` (bench/run.ts prints them side by side). */
interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

/** The faults measured: a silent peer both ways (decided by the lab), ESP lost vs no return traffic, settings faults. */
const CASES: { id: string; pings?: number }[] = [
  { id: 'peer-unreachable' },
  { id: 'ike-port-blocked' },
  { id: 'esp-blocked', pings: 4 },
  { id: 'no-return-traffic', pings: 4 },
  { id: 'psk-mismatch' },
  { id: 'ike-proposal-mismatch' },
  { id: 'ts-mismatch' },
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function benchVerdicts(): Promise<Figure[]> {
  const engine = LabEngine.connect(`bench-v-${process.pid.toString(36)}`);
  const faults = new FaultService(engine);
  const r = await engine.up(defaultSettings());
  if (!r.status.up) throw new Error(`bench lab did not come up: ${r.reason}`);
  /** When each log record arrived here (side:seq), and each side's packets out with the time they were read. */
  const arrived = new Map<string, number>();
  const out: { side: string; at: number; packetsOut: number }[] = [];
  const verdicts: { at: number; d: DiagnosisResult }[] = [];
  engine.onLog((rec) => arrived.set(`${rec.side}:${rec.seq}`, Date.now()));
  engine.onSas((s) => out.push({ side: s.side, at: Date.now(), packetsOut: s.counters.packetsOut }));
  engine.diagnosis.onResult((d) => verdicts.push({ at: Date.now(), d }));
  const stop = await engine.watch({ intervalMs: 1000 });
  const delays: number[] = [];
  const notes: string[] = [];
  try {
    await sleep(2000);
    for (const c of CASES) {
      const cause = findFault(c.id)!.cause;
      const from = verdicts.length;
      const t0 = Date.now();
      await faults.apply([c.id]);
      let pingAt: number | undefined;
      let outBefore = 0;
      if (c.pings) {
        // Judged once the change settled (the transition is over), as a user's ping would come.
        while (verdicts.slice(from).every((v) => v.d.verdict === 're-negotiating') && Date.now() - t0 < 20_000)
          await sleep(100);
        outBefore = out.filter((o) => o.side === 'left').at(-1)?.packetsOut ?? 0;
        pingAt = Date.now();
        await engine.traffic({ count: c.pings, intervalMs: 100 }).catch(() => undefined);
      }
      let hit: { at: number; d: DiagnosisResult } | undefined;
      while (!(hit = verdicts.slice(from).find((v) => v.d.verdict === cause)) && Date.now() - t0 < 40_000)
        await sleep(50);
      if (!hit) {
        notes.push(`${c.id}: not named within 40 s`);
      } else {
        // The first evidence: the earliest cited log line to arrive, or the first listing whose counters moved.
        const f = hit.d.findings.find((x) => x.cause === cause)!;
        const lineTimes = f.evidence
          .filter((e) => (e.source === 'left' || e.source === 'right') && e.line > 0)
          .map((e) => arrived.get(`${e.source}:${e.line}`))
          .filter((t): t is number => t !== undefined && t >= t0);
        const counterTime =
          pingAt !== undefined
            ? out.find((o) => o.side === 'left' && o.at >= pingAt! && o.packetsOut > outBefore)?.at
            : undefined;
        const first = Math.min(...lineTimes, counterTime ?? Infinity);
        if (Number.isFinite(first)) {
          delays.push((hit.at - first) / 1000);
          notes.push(
            `${c.id} ${((hit.at - first) / 1000).toFixed(2)} s${f.checked ? ' (checked by the lab)' : ''}, ${((hit.at - t0) / 1000).toFixed(1)} s after apply`,
          );
        } else notes.push(`${c.id}: named, but no cited evidence arrived after the change`);
      }
      await faults.revert();
      const fixed = verdicts.length;
      const t1 = Date.now();
      while (verdicts.slice(fixed).at(-1)?.d.verdict !== 'healthy' && Date.now() - t1 < 30_000) await sleep(100);
    }
  } finally {
    stop();
    await engine.down();
  }
  if (!delays.length) throw new Error(`no verdict measured: ${notes.join('; ')}`);
  return [
    {
      name: `verdict after its first evidence (median of ${delays.length} faults)`,
      value: median(delays),
      unit: 's',
      note: 'target < 2 s, deciding checks included',
    },
    {
      name: 'verdict after its first evidence (worst fault)',
      value: Math.max(...delays),
      unit: 's',
      note: notes.join('; '),
    },
  ];
}
