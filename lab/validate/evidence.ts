import { ignoreRejection } from '../common/ignore.js';
import { diagnose } from '../diagnosis/diagnose.js';
import { ADVISORY, type DiagnosisResult, type Finding, NOT_A_FAULT } from '../diagnosis/findings.js';
import type { LabEngine } from '../engine/lab-engine.js';
import type { LabStatus, SaSnapshot } from '../engine/types.js';
import { type Side, SIDES } from '../settings/types.js';
import type { LogRecord } from '../streams/log-record.js';
import type { ChildSaInfo, IkeSaInfo } from '../vici/index.js';
import type { CounterPoint, CounterSnapshot, LogExcerpt, NamedCause } from './types.js';

/**
 * Everything one lab streams while it is validated: charon's log records of both gateways and
 * the SA snapshots the engine polls. Checks cite from here.
 */
export class LabRecorder {
  readonly records: LogRecord[] = [];
  readonly samples: SaSnapshot[] = [];
  private offs: Array<() => void> = [];
  private stopWatch?: () => void;

  constructor(readonly engine: LabEngine) {
    this.offs.push(engine.onLog((r) => this.records.push(r)));
    this.offs.push(engine.onSas((s) => !s.error && this.samples.push(s)));
  }

  async start(): Promise<void> {
    if (!this.stopWatch) this.stopWatch = await this.engine.watch({ intervalMs: 500 });
  }

  stop(): void {
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.offs.splice(0).forEach((off) => off());
  }

  /** Waits until no new log line arrived for `quietMs` (at most `maxMs`). */
  async settle(quietMs = 600, maxMs = 4000): Promise<void> {
    const end = Date.now() + maxMs;
    let n = this.records.length;
    let since = Date.now();
    while (Date.now() < end) {
      await sleep(150);
      if (this.records.length !== n) {
        n = this.records.length;
        since = Date.now();
      } else if (Date.now() - since >= quietMs) return;
    }
  }
}

// Lines worth citing: SA life events, negotiation errors, DPD, NAT, retransmits.
const NOTABLE =
  /established|rekey|DPD|retransmit|giving up|NAT|behind|NO_PROPOSAL|unacceptable|fail|error|delet|closing|restart|notify|INVALID|AUTHENTICATION|initiating|Starting IKE|no (IKE|matching)|proposals|timeout|keep ?alive|unable|acquire|trap/i;
// charon's start-up (daemon, plugin loading, worker threads) says "failed" about plugins the lab
// does not use: never what a check is about.
const START_UP = new Set(['LAB', 'DMN', 'LIB', 'JOB']);
// The negotiation itself; other groups (NET, ENC, CFG, KNL) fill in when these say little.
const PREFERRED = new Set(['IKE', 'CHD']);

/**
 * The log lines of a check's own window (the records that arrived while it ran) worth citing:
 * IKE/CHILD events first, then other notable lines; the first and the last ones when there are many.
 */
export function excerpt(records: LogRecord[], lab: string, max = 16): LogExcerpt[] {
  const notable = records
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => !START_UP.has(r.group) && r.level <= 1 && NOTABLE.test(r.message));
  const preferred = notable.filter(({ r }) => PREFERRED.has(r.group));
  const rest = notable.filter(({ r }) => !PREFERRED.has(r.group));
  const chosen = [...preferred, ...rest.slice(0, Math.max(0, max - preferred.length))].sort((a, b) => a.i - b.i);
  const pick =
    chosen.length <= max ? chosen : [...chosen.slice(0, Math.ceil(max / 2)), ...chosen.slice(-Math.floor(max / 2))];
  return pick.map(({ r }) => ({ side: r.side, lab, seq: r.seq, time: r.time, text: r.raw }));
}

export function activeIke(ikeSas: IkeSaInfo[] | undefined): IkeSaInfo | undefined {
  return ikeSas?.find((i) => i.state === 'ESTABLISHED') ?? ikeSas?.[0];
}

/** The CHILD_SA in use: the newest INSTALLED one (after a rekey the old one lingers briefly). */
export function activeChild(ike: IkeSaInfo | undefined): ChildSaInfo | undefined {
  const installed = ike?.children.filter((c) => c.state === 'INSTALLED') ?? [];
  return installed.sort((a, b) => (a.installTime ?? 0) - (b.installTime ?? 0))[0] ?? ike?.children[0];
}

export function counterSnapshot(status: LabStatus, lab: string): CounterSnapshot[] {
  return SIDES.map((side) => {
    const ike = activeIke(status.sas[side]?.ikeSas);
    const c = activeChild(ike);
    return {
      side,
      lab,
      time: status.sas[side]?.time ?? Date.now(),
      ike: status.tunnel[side].ike,
      child: status.tunnel[side].child,
      ikeSpis: ike?.spiI ? `${ike.spiI}_i ${ike.spiR ?? ''}_r` : undefined,
      spiIn: c?.spiIn,
      spiOut: c?.spiOut,
      packetsIn: c?.packetsIn ?? 0,
      packetsOut: c?.packetsOut ?? 0,
      bytesIn: c?.bytesIn ?? 0,
      bytesOut: c?.bytesOut ?? 0,
      natLocal: ike?.natLocal,
      natRemote: ike?.natRemote,
      encap: c?.encap,
    };
  });
}

/**
 * Packets per side summed over every CHILD_SA seen so far (each counted at its highest value),
 * so the line keeps rising across rekeys; points within [from, to].
 */
export function cumulativeSeries(samples: SaSnapshot[], from: number, to: number): CounterPoint[] {
  const seen: Record<Side, Map<string, { in: number; out: number }>> = { left: new Map(), right: new Map() };
  const points: CounterPoint[] = [];
  for (const s of [...samples].sort((a, b) => a.time - b.time)) {
    if (s.time > to) break;
    for (const ike of s.ikeSas) {
      for (const c of ike.children) {
        const key = `${c.spiIn ?? ''}/${c.spiOut ?? ''}/${c.uniqueId}`;
        const prev = seen[s.side].get(key) ?? { in: 0, out: 0 };
        seen[s.side].set(key, { in: Math.max(prev.in, c.packetsIn ?? 0), out: Math.max(prev.out, c.packetsOut ?? 0) });
      }
    }
    if (s.time >= from) {
      let i = 0;
      let o = 0;
      for (const v of seen[s.side].values()) {
        i += v.in;
        o += v.out;
      }
      points.push({ t: s.time, side: s.side, packetsIn: i, packetsOut: o });
    }
  }
  return points;
}

/** A finding that is a fault (not "healthy", not an advisory). */
export function faultFinding(r: DiagnosisResult): Finding | undefined {
  return r.findings.find((f) => !NOT_A_FAULT.has(f.cause) && !ADVISORY.has(f.cause));
}

function toCause(
  f: Finding,
  source: NamedCause['source'],
  mapLine?: (src: string, line: number) => number,
): NamedCause {
  return {
    cause: f.cause,
    summary: f.summary,
    fix: f.fix,
    source,
    evidence: f.evidence
      .slice(0, 8)
      .map((e) => ({ source: e.source, line: mapLine ? mapLine(e.source, e.line) : e.line, text: e.text })),
  };
}

/**
 * The cause the diagnosis names for a failure: the lab's live diagnosis first (it has followed
 * both gateways since the last change), else a diagnosis of the check's own log lines and SA
 * snapshots with both gateways' settings. Evidence cites the lab's log line numbers.
 */
export async function nameCause(
  engine: LabEngine,
  rec: LabRecorder,
  fromRecord: number,
  fromTime: number,
): Promise<NamedCause | undefined> {
  const live = faultFinding(engine.diagnosis.current());
  if (live) return toCause(live, 'live');
  const slice = rec.records.slice(fromRecord);
  const bySide: Record<Side, LogRecord[]> = {
    left: slice.filter((r) => r.side === 'left'),
    right: slice.filter((r) => r.side === 'right'),
  };
  const settings = await engine.settings().catch(ignoreRejection('the report shows what it has without settings'));
  const { toDiagnosisSnapshot } = await import('../engine/diagnosis-feed.js');
  const r = await diagnose({
    logs: SIDES.map((side) => ({ source: side, side, lines: bySide[side].map((x) => x.raw) })),
    snapshots: rec.samples
      .filter((s) => s.time >= fromTime)
      .slice(-20)
      .map(toDiagnosisSnapshot),
    settings,
  });
  const f = faultFinding(r);
  if (!f) return undefined;
  return toCause(f, 'logs', (src, line) =>
    src === 'left' || src === 'right' ? (bySide[src][line - 1]?.seq ?? line) : line,
  );
}

/** Polls the live diagnosis until it names a fault (or the time is over). */
export async function waitForCause(engine: LabEngine, maxMs: number): Promise<boolean> {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    if (faultFinding(engine.diagnosis.current())) return true;
    await sleep(250);
  }
  return false;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Where an evidence line is: "source:line", or the source alone for line 0 (typed settings, no lines). */
export function evidenceWhere(e: { source: string; line: number }): string {
  return e.line > 0 ? `${e.source}:${e.line}` : e.source;
}
