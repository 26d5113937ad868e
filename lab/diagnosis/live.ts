/**
 * The incremental engine: feed parsed lines and SA snapshots as they come, ask for findings at any
 * time. The batch entry point (diagnose.ts) is a LiveDiagnosis fed from files.
 */
import { Correlator } from './correlate.js';
import { classify, type EventKind, type Side } from './events.js';
import { ADVISORY, type DiagnosisResult, type Evidence, type Finding, NOT_A_FAULT, rankFindings } from './findings.js';
import { withVendorViews } from './knowledge.js';
import type { LogRecord } from './log-line.js';
import { InputReader } from './reader.js';
import { evidence, finding, type Rule, type RuleContext } from './rules/common.js';
import { countersFlat, datapathRule, healthyCounters } from './rules/datapath.js';
import { deviceRule } from './rules/devices.js';
import { keRetryRule, peerDeleteExcerptRule, silentExcerptRule } from './rules/excerpt.js';
import { healthSignsRule } from './rules/health.js';
import { noInitiatorRule, peerClosedRule, staleSaRule } from './rules/lifecycle.js';
import { listingRule } from './rules/listing.js';
import { aggressiveModeRule, authRule, configLookupRule, kernelRule, natRule } from './rules/negotiation.js';
import { lossRule, rekeyRule, silentPeerRule } from './rules/path.js';
import { proposalRule } from './rules/proposals.js';
import { overlapRule, tsRule } from './rules/selectors.js';
import { emptySeries, type SaSnapshot } from './sas-text.js';

export const RULES: Rule[] = [
  proposalRule,
  aggressiveModeRule,
  authRule,
  tsRule,
  overlapRule,
  configLookupRule,
  kernelRule,
  natRule,
  silentPeerRule,
  lossRule,
  rekeyRule,
  datapathRule,
  noInitiatorRule,
  peerClosedRule,
  staleSaRule,
  // Short excerpts, SA listings and device output (customer evidence).
  silentExcerptRule,
  keRetryRule,
  peerDeleteExcerptRule,
  listingRule,
  deviceRule,
  healthSignsRule,
];

/** Setup failures (not a peer that died: a tunnel that drops and comes back is the story), and what a log must show later for them to count as fixed (see resolved()). */
const RESOLVED_BY: Partial<Record<string, 'ike-established' | 'child-established'>> = {
  'psk-mismatch': 'ike-established',
  'ike-proposal-mismatch': 'ike-established',
  'dh-group-mismatch': 'ike-established',
  'id-mismatch': 'ike-established',
  'ike-version-mismatch': 'ike-established',
  'peer-address-mismatch': 'ike-established',
  'aggressive-mode-mismatch': 'ike-established',
  'peer-unreachable': 'ike-established',
  'ike-port-blocked': 'ike-established',
  'natt-port-blocked': 'ike-established',
  'local-socket-error': 'ike-established',
  'esp-proposal-mismatch': 'child-established',
  'ts-mismatch': 'child-established',
};

/**
 * Generic findings and the causes that explain them better: a rekey that failed for a named reason,
 * a closed tunnel that nobody brings back because neither side initiates.
 */
const EXPLAINED_BY: Record<string, ReadonlySet<string>> = {
  'rekey-failure': new Set(['pfs-mismatch', 'esp-proposal-mismatch', 'dpd-peer-dead']),
  'peer-closed': new Set(['no-initiator']),
};

export class LiveDiagnosis {
  private readonly log = new Correlator();
  private readonly snapshots = emptySeries();
  private readonly extra: Finding[] = [];
  readonly stats = { lines: 0, unparsed: 0 };
  readonly notes: string[] = [];
  /** One reader per input source: what each line of it was, and what was not read. */
  private readonly readers = new Map<string, InputReader>();
  private lastReader: InputReader | undefined;
  private readonly sink = {
    event: (e: Parameters<Correlator['add']>[0]) => this.log.add(e),
    snapshot: (s: SaSnapshot) => this.pushSnapshot(s),
  };
  /** See RuleContext.trafficOffered: set by a live lab that knows whether its generator ran. */
  trafficOffered: boolean | undefined;
  /** See RuleContext.windowed: a live lab's window, whose first listings are the counters' base. */
  windowed = false;
  /** See RuleContext.trafficSentBy and trafficDueBy. */
  trafficSentBy: number | undefined;
  trafficDueBy: number | undefined;

  /** One parsed log line of a side. */
  push(side: Side, record: LogRecord): void {
    const e = classify(record, side);
    if (e) this.log.add(e);
  }

  /**
   * One raw line of an input (reader.ts reads it as whatever it is: a charon line, a listing, device
   * output). Returns false when the line was not recognised (or blank).
   */
  pushLine(side: Side, source: string, raw: string, line: number): boolean {
    this.stats.lines++;
    const r = this.reader(side, source).push(raw, line);
    if (r < 0) this.stats.unparsed++;
    return r > 0;
  }

  /** One line the prefilter (line-filter.ts) showed to be a charon line without an event: counted only. */
  countLine(source?: string, side: Side = 'unknown'): void {
    this.stats.lines++;
    if (source !== undefined) this.reader(side, source).count();
  }

  /** countLine for one source, without looking its reader up per line (the prefilter's hot path). */
  lineCounter(source: string, side: Side): () => void {
    const reader = this.reader(side, source);
    return () => {
      this.stats.lines++;
      reader.count();
    };
  }

  private reader(side: Side, source: string): InputReader {
    if (this.lastReader?.source === source) return this.lastReader;
    let reader = this.readers.get(source);
    if (!reader) this.readers.set(source, (reader = new InputReader(source, side, this.sink)));
    return (this.lastReader = reader);
  }

  /** An SA listing of one side; snapshots of a side form a series in the order pushed (or by time). */
  pushSnapshot(snapshot: SaSnapshot): void {
    const list = this.snapshots[snapshot.side];
    list.push(snapshot);
    if (list.every((s) => s.time !== undefined)) list.sort((a, b) => a.time! - b.time!);
  }

  /** How many events of this kind the logs held (a live lab asks whether a change shows yet). */
  count(kind: EventKind): number {
    return this.log.count(kind);
  }

  /** Findings from outside the logs (pre-flight configuration checks). */
  addFindings(findings: Finding[]): void {
    this.extra.push(...findings);
  }

  findings(): Finding[] {
    // A pasted line held back in case a hard wrap continues it is complete when findings are asked for.
    for (const r of this.readers.values()) r.flush();
    const ctx: RuleContext = {
      log: this.log,
      snapshots: this.snapshots,
      trafficOffered: this.trafficOffered,
      windowed: this.windowed,
      trafficSentBy: this.trafficSentBy,
      trafficDueBy: this.trafficDueBy,
    };
    let all: Finding[] = [...this.extra];
    for (const rule of RULES) all.push(...rule(ctx));
    for (const [generic, better] of Object.entries(EXPLAINED_BY)) {
      if (all.some((f) => better.has(f.cause))) all = all.filter((f) => f.cause !== generic);
    }
    all = all.filter((f) => !this.resolved(f));
    aliveButLossy(all, this.log);
    // One finding per cause: the most confident.
    const best = new Map<string, Finding>();
    for (const f of all) {
      const b = best.get(f.cause);
      if (!b || f.confidence > b.confidence) best.set(f.cause, f);
    }
    all = [...best.values()];
    if (!all.some(isFault)) {
      // Still one finding per cause: the established tunnel's healthy replaces a weaker "so far so good".
      const h = this.healthy(ctx);
      const weaker = all.find((f) => f.cause === 'healthy');
      if (h && (!weaker || h.confidence > weaker.confidence)) all = [...all.filter((f) => f !== weaker), h];
    } else all = all.filter((f) => f.cause !== 'healthy');
    withVendorViews(all, this.log, this.snapshots);
    return rankFindings(all);
  }

  result(): DiagnosisResult {
    const findings = this.findings();
    const top = findings.find(isFault);
    const verdict = top ? top.cause : findings.some((f) => f.cause === 'healthy') ? 'healthy' : 'unknown';
    const result: DiagnosisResult = { verdict, findings, stats: { ...this.stats }, notes: [...this.notes] };
    if (this.readers.size) result.inputs = [...this.readers.values()].map((r) => r.report());
    return result;
  }

  /**
   * A setup failure that every log it cites got past: an IKE_SA (a CHILD_SA for phase 2 causes) was
   * established later in each of them. The log shows a fault that was fixed, not the tunnel's state.
   */
  private resolved(f: Finding): boolean {
    const after = RESOLVED_BY[f.cause];
    if (!after) return false;
    const last = new Map<string, number>();
    for (const e of f.evidence)
      if (e.line > 0 && this.log.sources.has(e.source)) last.set(e.source, Math.max(last.get(e.source) ?? 0, e.line));
    if (!last.size) return false;
    return [...last].every(([source, line]) =>
      this.log.events(after).some((x) => x.rec.source === source && x.rec.line > line),
    );
  }

  private healthy(ctx: RuleContext): Finding | null {
    const ike = this.log.events('ike-established')[0];
    const child = this.log.events('child-established')[0];
    const s = this.snapshots;
    const counters =
      [s.left, s.right, s.unknown].map((x) => healthyCounters(x, this.windowed)).find((c) => c.length) ?? [];
    // The listings themselves: a live window that began after the tunnel came up has no log line of it.
    const listed = (['left', 'right'] as const).map((side) => upIn(s[side][s[side].length - 1], side));
    const bothListed = listed.every((e) => e !== undefined);
    if (!(ike && child) && !counters.length && !bothListed) return null;
    const idle = this.windowed && !this.trafficOffered && !counters.length && countersFlat(ctx);
    return finding(
      'healthy',
      'both',
      (ike && child) || bothListed ? 0.9 : 0.7,
      (ike && child
        ? 'IKE_SA and CHILD_SA established'
        : bothListed
          ? 'Both gateways list the IKE_SA ESTABLISHED and the CHILD_SA INSTALLED'
          : 'The CHILD_SA carries traffic') +
        (counters.length && (ike || bothListed) ? ', and the CHILD_SA carries traffic both ways' : '') +
        '; no fault found.' +
        (idle ? ' Idle: no traffic was offered, so the flat counters say nothing about the datapath.' : ''),
      [...evidence([ike, child]), ...(bothListed && !(ike && child) ? (listed as Evidence[]) : []), ...counters],
    );
  }
}

/** The listing's ESTABLISHED IKE_SA with an INSTALLED CHILD_SA, as evidence; undefined when it has none. */
function upIn(snap: SaSnapshot | undefined, side: 'left' | 'right'): Evidence | undefined {
  for (const ike of snap?.ikeSas ?? []) {
    if (ike.state !== 'ESTABLISHED') continue;
    const c = ike.children.find((x) => x.state === 'INSTALLED');
    if (!c) continue;
    return (
      c.lines?.header ?? {
        source: `${side}-sas`,
        line: 0,
        text: `${ike.name}: ${ike.state}, ${c.name}: ${c.state}${c.spiIn ? `, SPIs ${c.spiIn}_i ${c.spiOut ?? ''}_o` : ''}`,
      }
    );
  }
  return undefined;
}

/**
 * DPD (or a retransmit give-up) declared the peer dead, but the peer's own log shows it retransmitting
 * and getting answers: it is alive, and the path between them loses packets. Loss outranks death.
 */
function aliveButLossy(all: Finding[], log: Correlator): void {
  const loss = all.find((f) => f.cause === 'packet-loss');
  const dead = all.find((f) => f.cause === 'dpd-peer-dead');
  if (!loss || !dead || dead.side === 'unknown' || dead.side === 'both') return;
  if (!loss.evidence.some((e) => log.sources.get(e.source) === dead.side)) return;
  loss.confidence = Math.max(loss.confidence, 0.85);
  loss.summary += ` The ${dead.side} gateway, whose silence made DPD give up, was itself retransmitting and getting answers: it is alive, and the path between the gateways loses packets.`;
  loss.alternatives = ['dpd-peer-dead'];
  dead.confidence = Math.min(dead.confidence, 0.7);
  dead.alternatives = ['packet-loss'];
}

/** A finding that counts as a problem (not healthy, not a harmless advisory). */
export function isFault(f: Finding): boolean {
  return !NOT_A_FAULT.has(f.cause) && !ADVISORY.has(f.cause);
}
