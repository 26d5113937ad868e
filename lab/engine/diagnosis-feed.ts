import { Emitter } from '../common/event.js';
import {
  checkFailed,
  type Decider,
  decideStep,
  type Decision,
  type Question,
  questionOf,
} from '../diagnosis/deciding.js';
import type { EventKind } from '../diagnosis/events.js';
import type { DiagnosisResult, Finding } from '../diagnosis/findings.js';
import { isFault, LiveDiagnosis } from '../diagnosis/live.js';
import type { IkeSaSnapshot, SaSnapshot as DiagSnapshot } from '../diagnosis/sas-text.js';
import type { Side } from '../settings/types.js';
import type { LogRecord } from '../streams/log-record.js';
import {
  CHANGE_BOUND_MS,
  type ChangeExpect,
  type ChangeFeed,
  type Mark,
  newChangeId,
  parseMark,
} from './change-marks.js';
import { isUp } from './tunnel-state.js';
import type { SaSnapshot } from './types.js';

/** The engine's SA snapshot in the diagnosis's terms (counters per CHILD_SA, time in seconds). */
export function toDiagnosisSnapshot(s: SaSnapshot): DiagSnapshot {
  return {
    side: s.side,
    time: s.time / 1000,
    source: `${s.side}-sas`,
    ikeSas: s.ikeSas.map((ike): IkeSaSnapshot => ({
      name: ike.name,
      state: ike.state,
      version: ike.version ?? 2,
      children: ike.children.map((c) => ({
        name: c.name,
        state: c.state,
        bytesIn: c.bytesIn ?? 0,
        bytesOut: c.bytesOut ?? 0,
        packetsIn: c.packetsIn ?? 0,
        packetsOut: c.packetsOut ?? 0,
        localTs: c.localTs,
        remoteTs: c.remoteTs,
        spiIn: c.spiIn,
        spiOut: c.spiOut,
        udpEncap: c.encap,
      })),
    })),
  };
}

/** What a change shows first when it breaks something: once one is in the window, the change has taken effect. */
const SYMPTOMS: EventKind[] = [
  'retransmit',
  'giveup',
  'peer-not-responding',
  'notify-error',
  'child-not-built',
  'proposals-unacceptable',
  'no-ike-config',
  'no-peer-config',
  'id-mismatch',
  'mac-mismatch',
  'decrypt-failed',
  'child-failed',
  'ts-unacceptable',
  'no-child-config',
  'child-rekey-failed',
  'dpd-timeout',
  'half-open-timeout',
  'socket-error',
  'ike-delete-in',
  'aggressive-refused',
  'kernel-failure',
  'daemon-start',
];
/** After the first symptom, the lines of the same burst (the peer's side of it) still arrive (ms). */
const SYMPTOM_GRACE_MS = 300;
/** How long a settled change keeps saying "re-negotiating" while the lab runs its deciding check (ms). */
const CHECK_HOLD_MS = 6000;
/** A side whose window mark does not come (its box is paused or stopped) is not waited for longer (ms). */
const MARK_WAIT_MS = 1500;
/** A change never marked as applied (its process died midway) stops being one after this (ms). */
const MAX_CHANGE_MS = 60_000;
/** A continuous flow shows in the counters within this (s). */
const FLOW_DUE_S = 2;

/** Runs the deciding check for a question on the lab (lab/engine/deciding-checks.ts). */
export type { Decider };

interface Change {
  id: string;
  what: string;
  since: number;
  /** Window marks written (by this process) or seen. */
  windows: number;
  appliedAt?: number;
  expect: ChangeExpect;
  boundMs: number;
  /** When the window first held a symptom. */
  symptomAt?: number;
  /** When it settled: judging resumes (after the deciding check, if one is due). */
  settledAt?: number;
}

/**
 * Live diagnosis of a running lab: every log record and SA snapshot goes in as it arrives, and the
 * findings go out whenever they change. Evidence cites the stream ('left'/'right') and the
 * record's sequence number, which is the line the UI shows. The lab's fault state is no input.
 *
 * It judges a window: the lines and listings since the lab last changed (its change marks, see
 * change-marks.ts), counters as growth since the window's first listing. While the lab itself makes
 * a change the verdict is 're-negotiating'; the evidence is judged again once the change has settled
 * (the tunnel is up, the change's first symptom is in, or a bounded wait is over), and where the
 * evidence leaves two causes the lab's deciding check (`decider`) says which.
 */
export class DiagnosisFeed implements ChangeFeed {
  private readonly _onResult = new Emitter<DiagnosisResult>();
  /** A new live verdict (only when the findings changed). */
  readonly onResult = this._onResult.event;
  /** Runs the lab's deciding checks; without one, findings keep their alternatives. */
  decider: Decider | undefined;
  /** Continuous flows running now: traffic offered across a window change too. */
  private flows = 0;
  private pings = 0;
  private flowSince: number | undefined;
  private windowAt = Date.now();
  private diag = this.freshDiagnosis();
  private windowId = 0;
  private last = '';
  /** The result last sent out, and when each running check began: a check's guess is never shown. */
  private shown: DiagnosisResult | undefined;
  private checkSince = new Map<Question, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** Records up to this sequence number per side belong to an earlier window. */
  private floor = { left: 0, right: 0 };
  private seen = { left: 0, right: 0 };
  private change: Change | undefined;
  /** The change whose window began, and the sides whose mark is still to come (their lines wait). */
  private windowOf: string | undefined;
  private unmarked = new Set<Side>();
  private decisions = new Map<Question, Decision | 'running'>();
  private latest: Partial<Record<Side, SaSnapshot>> = {};

  pushLog(r: LogRecord): void {
    this.seen[r.side] = Math.max(this.seen[r.side], r.seq);
    if (r.seq <= this.floor[r.side]) return;
    const mark = r.group === 'LAB' ? parseMark(r.message) : undefined;
    if (mark) return this.onMark(r.side, r.seq, mark);
    if (this.unmarked.has(r.side)) {
      if (Date.now() - this.windowAt < MARK_WAIT_MS) return;
      this.unmarked.delete(r.side);
    }
    this.diag.pushLine(r.side, r.side, r.raw, r.seq);
    this.noteSymptom();
    this.schedule();
  }

  pushSnapshot(s: SaSnapshot): void {
    if (s.error) return;
    this.latest[s.side] = s;
    this.diag.pushSnapshot(toDiagnosisSnapshot(s));
    this.schedule();
  }

  /**
   * A process that attaches to a running lab replays its whole log: the lines up to the lab's last
   * change mark are another window's. Only before anything was seen; a feed already running keeps
   * its window.
   */
  skipHistory(lines: Record<Side, number>): void {
    if (!this.fresh) return;
    this.floor = { left: Math.max(this.floor.left, lines.left), right: Math.max(this.floor.right, lines.right) };
  }

  /** No log line seen yet: this process has not begun following the lab. */
  get fresh(): boolean {
    return !this.seen.left && !this.seen.right;
  }

  /** Starts a new window now: what happened before no longer counts (no change announced). */
  reset(): void {
    this.newWindow();
    this.floor = { ...this.seen };
    this.unmarked.clear();
    this.schedule();
  }

  /**
   * Another lab from here on (a new run under the same name, started by anyone): its lines count
   * from 1 again, and nothing of the previous lab counts, not even a change in progress.
   */
  restart(): void {
    this.forgetLab();
    this.schedule();
  }

  /** Nothing of the lab followed so far counts: its window, line counts, change and last verdict. */
  private forgetLab(): void {
    this.endChange();
    this.newWindow();
    this.floor = { left: 0, right: 0 };
    this.seen = { left: 0, right: 0 };
    this.unmarked.clear();
    this.latest = {};
    this.last = '';
    this.shown = undefined;
  }

  // ------------------------------------------------------------ changes the lab makes

  /**
   * The lab begins a change (in this process): from now on the verdict is 're-negotiating' until it
   * has settled. Returns the change's id for its marks; a change already under way is joined.
   */
  beginChange(what: string): string {
    if (this.change && !this.change.appliedAt) return this.change.id;
    this.change = { id: newChangeId(), what, since: Date.now(), windows: 0, expect: 'any', boundMs: CHANGE_BOUND_MS };
    this.startTicker();
    this.schedule();
    return this.change.id;
  }

  /** A change in progress that has not been applied yet (its marks may still be due). */
  get changing(): { id: string; what: string; windows: number } | undefined {
    const c = this.change;
    return c && !c.appliedAt ? { id: c.id, what: c.what, windows: c.windows } : undefined;
  }

  /**
   * This process wrote window mark `n` of a change; the sides listed have it in their logs. A side
   * without it (a paused or stopped gateway) is not waited for.
   */
  windowMarked(id: string, n: number, sides: Side[]): void {
    if (this.change?.id !== id) return;
    this.change.windows = Math.max(this.change.windows, n);
    if (this.windowOf === `${id}#${n}`)
      for (const s of ['left', 'right'] as const) if (!sides.includes(s)) this.unmarked.delete(s);
  }

  private onMark(side: Side, seq: number, mark: Mark): void {
    if (mark.kind === 'begin') {
      if (this.change?.id !== mark.id) this.adoptChange(mark.id, mark.what);
    } else if (mark.kind === 'window') {
      // Another process's change (its begin mark may have been missed: a box that could not take it).
      const c = this.change?.id === mark.id ? this.change : this.adoptChange(mark.id, mark.what);
      c.windows = Math.max(c.windows, mark.n);
      const key = `${mark.id}#${mark.n}`;
      if (this.windowOf !== key) {
        this.newWindow();
        this.windowOf = key;
        this.unmarked = new Set<Side>(['left', 'right']);
      }
      this.unmarked.delete(side);
      this.floor[side] = Math.max(this.floor[side], seq);
    } else if (mark.kind === 'applied') {
      this.applied(mark.id, mark.expect, mark.boundMs);
    } else if (this.change?.id === mark.id) {
      this.failed(mark.id);
    }
    this.schedule();
  }

  /** A change another process makes, read from its marks. */
  private adoptChange(id: string, what: string): Change {
    this.change = { id, what, since: Date.now(), windows: 0, expect: 'any', boundMs: CHANGE_BOUND_MS };
    this.startTicker();
    return this.change;
  }

  /** The change is complete (its `applied` mark, or this process's own call): settling begins. */
  applied(id: string, expect: ChangeExpect, boundMs: number): void {
    const c = this.change;
    if (!c || c.id !== id || c.appliedAt) return;
    c.appliedAt = Date.now();
    c.expect = expect;
    c.boundMs = boundMs;
    if (!this.windowOf?.startsWith(`${id}#`)) {
      // No window mark reached this process (both gateways down): the window starts here.
      this.newWindow();
      this.windowOf = `${id}#0`;
    }
    this.unmarked.clear();
    this.schedule();
  }

  /** The change failed and was undone: the lab is as it was, judge it again from a fresh window. */
  failed(id: string): void {
    if (this.change?.id !== id) return;
    this.endChange();
    this.schedule();
  }

  private endChange(): void {
    this.change = undefined;
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private startTicker(): void {
    // Settling also happens by time (a bound, a grace after the first symptom): look again every so often.
    this.ticker ??= setInterval(() => this.schedule(), 250);
    this.ticker.unref?.();
  }

  private noteSymptom(): void {
    const c = this.change;
    if (c && !c.symptomAt && SYMPTOMS.some((k) => this.diag.count(k) > 0)) c.symptomAt = Date.now();
  }

  /**
   * Whether the change in progress has settled, so the window may be judged: the tunnel is up in
   * listings read after the change, or the change's first symptom is in (with a finding it makes),
   * or the change's bound is over.
   */
  private settled(c: Change, now: number, window: DiagnosisResult): boolean {
    if (c.settledAt) return true;
    if (!c.appliedAt) {
      if (now - c.since > MAX_CHANGE_MS) c.settledAt = now;
      return c.settledAt !== undefined;
    }
    const up = (['left', 'right'] as const).every((s) => {
      const snap = this.latest[s];
      return snap !== undefined && snap.time >= c.appliedAt! && isUp(snap.tunnel);
    });
    const symptom =
      c.expect !== 'healthy' &&
      c.symptomAt !== undefined &&
      now - c.symptomAt >= SYMPTOM_GRACE_MS &&
      window.findings.some(isFault);
    if (up || symptom || now - c.appliedAt >= c.boundMs) c.settledAt = now;
    return c.settledAt !== undefined;
  }

  // ------------------------------------------------------------ traffic

  /**
   * The lab's traffic generator sent packets into the tunnel in this window: from now on flat
   * counters are a symptom, not an idle lab. Returns the function that marks the traffic's end.
   */
  trafficOffered(kind: 'ping' | 'flow'): () => void {
    const now = Date.now() / 1000;
    const window = this.windowId;
    if (kind === 'ping') this.pings++;
    else {
      this.flows++;
      this.flowSince ??= now;
    }
    this.diag.trafficOffered = true;
    this.syncTraffic();
    this.schedule();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (kind === 'ping') this.pings--;
      else if (--this.flows === 0) this.flowSince = undefined;
      const end = Date.now() / 1000;
      // A ping of an earlier window (begun before a fix, say) is no traffic this window was offered.
      if (kind === 'ping' && window === this.windowId)
        this.diag.trafficDueBy = Math.max(this.diag.trafficDueBy ?? 0, end);
      if (!this.pings && !this.flows) this.diag.trafficSentBy = end;
      this.schedule();
    };
  }

  /** A new window's view of the traffic under way: a flow goes on in it; any packet may be in flight. */
  private syncTraffic(): void {
    const d = this.diag;
    if (this.flows) d.trafficOffered = true;
    if (this.pings || this.flows) d.trafficSentBy = undefined;
    if (this.flowSince !== undefined)
      d.trafficDueBy = Math.max(d.trafficDueBy ?? 0, Math.max(this.flowSince, this.windowAt / 1000) + FLOW_DUE_S);
  }

  private newWindow(): void {
    this.diag = this.freshDiagnosis();
    this.windowId++;
    this.windowAt = Date.now();
    this.windowOf = undefined;
    this.decisions.clear();
  }

  private freshDiagnosis(): LiveDiagnosis {
    const d = new LiveDiagnosis();
    d.windowed = true;
    d.trafficOffered = false;
    // Nothing is in flight from before the window unless traffic is being sent now.
    d.trafficSentBy = Date.now() / 1000;
    this.diag = d;
    this.syncTraffic();
    return d;
  }

  // ------------------------------------------------------------ results

  /** What the diagnosis says now (what the last `onResult` said, or will say at the next tick). */
  current(): DiagnosisResult {
    const now = Date.now();
    const c = this.change;
    const window = this.diag.result();
    const settled = !c || this.settled(c, now, window);
    const judged = this.judged(window, settled);
    if (c) {
      // A settled change still says "re-negotiating" while the deciding check its verdict needs runs.
      const q = settled ? questionOf(judged.findings.find(isFault)) : undefined;
      const deciding = q !== undefined && this.decider !== undefined && this.decisions.get(q) === 'running';
      const held = deciding && now - c.settledAt! < CHECK_HOLD_MS;
      if (!settled || held) {
        return {
          verdict: 're-negotiating',
          findings: [],
          stats: judged.stats,
          notes: [],
          transition: { change: c.what, since: c.since },
        };
      }
      this.endChange();
      // Whoever asked first (a poll, the ticker), the verdict that ends the change goes out as an event.
      this.schedule();
    }
    // Outside a change too, a question the evidence has just opened is not shown as its guess: what
    // was shown stands while the check runs (bounded), then the decided cause goes out.
    const q = questionOf(judged.findings.find(isFault));
    if (
      q !== undefined &&
      this.shown &&
      this.decisions.get(q) === 'running' &&
      now - (this.checkSince.get(q) ?? 0) < CHECK_HOLD_MS &&
      questionOf(this.shown.findings.find(isFault)) !== q
    )
      return this.shown;
    return judged;
  }

  /** The window's findings with the lab's deciding checks applied; a due check is started once settled. */
  private judged(r: DiagnosisResult, settled: boolean): DiagnosisResult {
    // The same step `explain` takes (decideAll), here one check at a time as the evidence arrives.
    const { result, open } = decideStep(r, this.decisions);
    if (open && settled && this.decider) this.decide(open.question, open.finding);
    return result;
  }

  private decide(q: Question, f: Finding): void {
    const window = this.windowId;
    this.decisions.set(q, 'running');
    this.checkSince.set(q, Date.now());
    this.decider!(q, f).then(
      (d) => {
        if (window !== this.windowId) return;
        this.decisions.set(q, d);
        this.schedule();
      },
      (e: unknown) => {
        if (window !== this.windowId) return;
        this.decisions.set(q, checkFailed(q, e));
        this.schedule();
      },
    );
  }

  private schedule(): void {
    // Many lines arrive together; judge once per burst, soon enough to feel immediate.
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const result = this.current();
      const key = JSON.stringify([
        result.verdict,
        result.transition?.change,
        result.findings.map((f) => [f.cause, f.confidence, f.evidence.length, f.checked?.length ?? 0]),
      ]);
      if (key !== this.last) {
        this.last = key;
        this.shown = result;
        this._onResult.fire(result);
      }
    }, 150);
  }

  /**
   * Stops judging: the engine no longer follows the lab (`down`, or the engine closed). Nothing of
   * the window is kept: whatever the engine follows next (the same lab again, or another one under
   * the same name) starts from its own lines.
   */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.forgetLab();
  }
}
