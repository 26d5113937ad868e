import type { Correlator } from '../correlate.js';
import type { DiagEvent, Side } from '../events.js';
import type { CauseId, Evidence, Finding, FindingSide } from '../findings.js';
import { KNOWLEDGE, vendorViews } from '../knowledge.js';
import type { SaSeries } from '../sas-text.js';

/** Everything a rule may look at. Rules are pure: they read this and return findings. */
export interface RuleContext {
  log: Correlator;
  /** SA listings per side, oldest first. */
  snapshots: SaSeries;
  /**
   * Whether traffic was offered to the tunnel while the snapshots were taken: false in a live lab
   * whose generator stayed idle (flat counters then mean nothing), undefined when unknown (offline).
   */
  trafficOffered?: boolean;
  /**
   * Live lab: each side's first snapshot is the window's base, so counters are read as growth since
   * the window began, never as SA totals (offline, one listing's totals are all there is).
   */
  windowed?: boolean;
  /**
   * Live lab, seconds on the snapshots' clock: by when all offered traffic had been sent (nothing is
   * in flight after it; undefined while traffic is still being sent).
   */
  trafficSentBy?: number;
  /** Live lab: by when offered traffic must show in the counters (a ping's end, a flow's first seconds). */
  trafficDueBy?: number;
}

export type Rule = (ctx: RuleContext) => Finding[];

export function evidenceOf(e: DiagEvent): Evidence {
  return { source: e.rec.source, line: e.rec.line, text: e.rec.raw };
}

/** Distinct evidence in input order per source, at most `max` lines. */
export function evidence(events: (DiagEvent | undefined)[], max = 8): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of events) {
    if (!e) continue;
    const k = `${e.rec.source}:${e.rec.line}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(evidenceOf(e));
    if (out.length >= max) break;
  }
  // Read like the log: per source in line order, sources in the order they were cited.
  const order = [...new Set(out.map((e) => e.source))];
  return out.sort((a, b) => order.indexOf(a.source) - order.indexOf(b.source) || a.line - b.line);
}

export function finding(
  cause: CauseId,
  side: FindingSide,
  confidence: number,
  summary: string,
  ev: Evidence[],
  extra: Partial<Pick<Finding, 'alternatives' | 'decidingCheck' | 'phase'>> = {},
): Finding {
  const k = KNOWLEDGE[cause];
  const f: Finding = {
    cause,
    phase: extra.phase ?? k.phase,
    confidence: Math.round(Math.min(1, Math.max(0, confidence)) * 100) / 100,
    side,
    // Logs without a side (pasted without --left/--right) would otherwise read "the unknown gateway".
    summary: summary
      .replace(/\b([Tt])he unknown gateway/g, '$1he logging gateway')
      .replace(/\bthe unknown gateway/g, 'the logging gateway'),
    evidence: ev,
    fix: [...k.fix],
    // Both IKE versions until LiveDiagnosis knows which one (and which roles) the evidence shows.
    vendor: vendorViews(cause),
  };
  if (extra.alternatives?.length) f.alternatives = extra.alternatives;
  if (extra.decidingCheck) f.decidingCheck = extra.decidingCheck;
  return f;
}

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec';

/**
 * A line's time in ms ("Nov 22 11:04:34.576" as charon writes it, or ISO 8601), comparable between
 * the logs of one story (the year is assumed the same); undefined when the line has no such time.
 */
export function eventTime(e: DiagEvent): number | undefined {
  const t = e.rec.time;
  if (!t) return undefined;
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:[.,](\d{1,6}))?/.exec(t);
  if (m) {
    const month = MONTHS.indexOf(m[1]) / 3;
    if (month < 0 || !Number.isInteger(month)) return undefined;
    const ms = m[6] ? Number(m[6].padEnd(3, '0').slice(0, 3)) : 0;
    return Date.UTC(2000, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
  }
  const iso = Date.parse(t);
  return Number.isNaN(iso) ? undefined : iso;
}

export function toFindingSide(side: Side): FindingSide {
  return side;
}

export function otherSide(side: Side): Side {
  return side === 'left' ? 'right' : side === 'right' ? 'left' : 'unknown';
}

/** Last event of `kinds` on the same source before `e` (same IKE_SA when it has one). */
export function before(
  log: Correlator,
  e: DiagEvent,
  kinds: DiagEvent['kind'][],
  sameSa = true,
  within = 40,
): DiagEvent | undefined {
  let best: DiagEvent | undefined;
  for (const k of kinds) {
    for (const c of log.events(k)) {
      if (c.rec.source !== e.rec.source || c.rec.line >= e.rec.line || e.rec.line - c.rec.line > within) continue;
      if (sameSa && (c.rec.ikeId ?? 0) !== (e.rec.ikeId ?? 0)) continue;
      if (!best || c.rec.line > best.rec.line) best = c;
    }
  }
  return best;
}

/** Events of `kind` from the other side (or any other source when sides are unknown). */
export function fromPeer(log: Correlator, side: Side, kind: DiagEvent['kind']): DiagEvent[] {
  return log.events(kind).filter((e) => side === 'unknown' || e.side !== side);
}
