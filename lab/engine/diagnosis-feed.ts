import { Emitter } from '../common/event.js';
import type { DiagnosisResult } from '../diagnosis/findings.js';
import { LiveDiagnosis } from '../diagnosis/live.js';
import type { IkeSaSnapshot, SaSnapshot as DiagSnapshot } from '../diagnosis/sas-text.js';
import type { LogRecord } from '../streams/log-record.js';
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

/**
 * Live diagnosis of a running lab: every log record and SA snapshot goes in as it arrives, and the
 * findings go out whenever they change. Evidence cites the stream ('left'/'right') and the
 * record's sequence number, which is the line the UI shows. The lab's fault state is no input.
 */
export class DiagnosisFeed {
  private readonly _onResult = new Emitter<DiagnosisResult>();
  /** A new live verdict (only when the findings changed). */
  readonly onResult = this._onResult.event;
  /** Continuous flows running now: traffic offered across an epoch change too. */
  private flows = 0;
  private diag = this.freshDiagnosis();
  private last = '';
  private timer: NodeJS.Timeout | undefined;
  /** Records before this sequence number per side belong to an earlier epoch (before a reset). */
  private floor = { left: 0, right: 0 };
  private seen = { left: 0, right: 0 };

  pushLog(r: LogRecord): void {
    this.seen[r.side] = Math.max(this.seen[r.side], r.seq);
    if (r.seq <= this.floor[r.side]) return;
    this.diag.pushLine(r.side, r.side, r.raw, r.seq);
    this.schedule();
  }

  pushSnapshot(s: SaSnapshot): void {
    if (s.error) return;
    this.diag.pushSnapshot(toDiagnosisSnapshot(s));
    this.schedule();
  }

  /**
   * A process that attaches to a running lab replays its whole log: the lines before the lab last
   * changed (settings, a fault applied or fixed) are another epoch's, as `reset` would have made them.
   * Only before anything was seen; a feed already running keeps its epoch.
   */
  skipHistory(lines: Record<'left' | 'right', number>): void {
    if (!this.fresh) return;
    this.floor = { left: Math.max(this.floor.left, lines.left), right: Math.max(this.floor.right, lines.right) };
  }

  /** No log line seen yet: this process has not begun following the lab. */
  get fresh(): boolean {
    return !this.seen.left && !this.seen.right;
  }

  /** Starts a new epoch: what happened before (e.g. before a fix) no longer counts. */
  reset(): void {
    this.diag = this.freshDiagnosis();
    this.floor = { ...this.seen };
    this.last = '';
    this.schedule();
  }

  /**
   * Another lab from here on (a new run under the same name, started by anyone): its lines count
   * from 1 again, and nothing of the previous lab counts.
   */
  restart(): void {
    this.diag = this.freshDiagnosis();
    this.floor = { left: 0, right: 0 };
    this.seen = { left: 0, right: 0 };
    this.last = '';
    this.schedule();
  }

  /**
   * The lab's traffic generator sent packets into the tunnel in this epoch: from now on flat
   * counters are a symptom, not an idle lab. Returns the function that marks a flow's end.
   */
  trafficOffered(kind: 'ping' | 'flow'): () => void {
    this.diag.trafficOffered = true;
    this.schedule();
    if (kind === 'ping') return () => {};
    this.flows++;
    let ended = false;
    return () => {
      if (!ended) this.flows--;
      ended = true;
    };
  }

  private freshDiagnosis(): LiveDiagnosis {
    const d = new LiveDiagnosis();
    d.trafficOffered = this.flows > 0;
    return d;
  }

  current(): DiagnosisResult {
    return this.diag.result();
  }

  private schedule(): void {
    // Many lines arrive together; judge once per burst, soon enough to feel immediate.
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const result = this.diag.result();
      const key = JSON.stringify(result.findings.map((f) => [f.cause, f.confidence, f.evidence.length]));
      if (key !== this.last) {
        this.last = key;
        this._onResult.fire(result);
      }
    }, 150);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
