import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import type { LabStatus } from '../../lab/engine/types.js';
import { FAULTS, findFault } from '../../lab/faults/catalogue.js';
import { evidenceFor, evidenceKind, logMatches } from '../../lab/faults/evidence.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import type { EvidenceRow, LogEvidence, PingEvidence } from '../../lab/faults/types.js';
import type { LabSettings } from '../../lab/settings/types.js';
import type { LogRecord } from '../../lab/streams/log-record.js';
import type { ChildSaInfo } from '../../lab/vici/sas.js';
import { testLabName } from '../support/lab-names.js';

/** A watched lab: every log record is kept, so a test can look at what came after a mark. */
export class Watched {
  records: LogRecord[] = [];
  private mark = 0;
  /** When the mark was set: a line ruled out must stay away for a while, not just at once. */
  markedAt = 0;
  private stop?: () => void;

  constructor(readonly engine: LabEngine) {}

  async start(): Promise<void> {
    this.engine.onLog((r) => this.records.push(r));
    this.stop = await this.engine.watch({ intervalMs: 500 });
  }

  /** Restarts the log streams (after a gateway restart the old stream has ended). */
  async restartStreams(): Promise<void> {
    this.stop?.();
    const before = this.records.length;
    this.records.length = before;
    this.stop = await this.engine.watch({ intervalMs: 500 });
  }

  stopWatching(): void {
    this.stop?.();
  }

  setMark(): void {
    this.mark = this.records.length;
    this.markedAt = Date.now();
  }

  since(side?: 'left' | 'right'): LogRecord[] {
    return this.records.slice(this.mark).filter((r) => !side || r.side === side);
  }

  /** Waits until a record of `side` after the mark matches (a RegExp, or an evidence row's pattern). */
  async logs(side: 'left' | 'right', re: RegExp | LogEvidence, timeoutMs = 15_000): Promise<LogRecord> {
    const hit = re instanceof RegExp ? (m: string) => re.test(m) : (m: string) => logMatches(re, m);
    let found: LogRecord | undefined;
    await waitFor(
      () => (found = this.since(side).find((r) => hit(r.message))) !== undefined,
      timeoutMs,
      `${side} log matching ${re instanceof RegExp ? re : re.pattern}`,
    );
    return found!;
  }
}

export async function waitFor(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function waitStatus(
  engine: LabEngine,
  pred: (s: LabStatus) => boolean,
  timeoutMs: number,
  what: string,
): Promise<LabStatus> {
  let last: LabStatus | undefined;
  try {
    await waitFor(async () => pred((last = await engine.status())), timeoutMs, what);
  } catch (e) {
    throw new Error(`${(e as Error).message}; last tunnel state ${JSON.stringify(last?.tunnel)}`, { cause: e });
  }
  return last!;
}

export const installedChild = (s: LabStatus, side: 'left' | 'right'): ChildSaInfo | undefined =>
  s.sas[side]?.ikeSas.find((i) => i.state === 'ESTABLISHED')?.children.find((c) => c.state === 'INSTALLED');

/** After a fix: the tunnel is back on both gateways and pings pass both ways. */
export async function expectHealthy(engine: LabEngine, timeoutMs = 30_000): Promise<void> {
  await waitStatus(engine, (s) => s.up, timeoutMs, 'the tunnel to be up on both gateways');
  let r = await engine.traffic({ from: 'left', count: 3, intervalMs: 100 });
  if (r.received < 3) r = await engine.traffic({ from: 'left', count: 3, intervalMs: 100 });
  expect(r.received, 'pings left -> right after the fix').toBe(3);
  const back = await engine.traffic({ from: 'right', count: 2, intervalMs: 100 });
  expect(back.received, 'pings right -> left after the fix').toBe(2);
}

export const counters = (c: ChildSaInfo | undefined) => ({ in: c?.packetsIn ?? 0, out: c?.packetsOut ?? 0 });

/** A line ruled out by an evidence row must stay away this long after the fault, not just at once. */
const ABSENT_FOR_MS = 4000;

/** Whether a state row (SA, tunnel, selectors, peer address) holds in one status snapshot. */
function holds(row: EvidenceRow, s: LabStatus): boolean {
  if ('sa' in row) {
    const state = s.tunnel[row.side][row.sa];
    return row.not ? state !== row.state : state === row.state;
  }
  if ('tunnel' in row) {
    const { left, right } = s.tunnel;
    switch (row.tunnel) {
      case 'up':
        return s.up;
      case 'not-up':
        return !s.up;
      case 'no-ike':
        return left.ike !== 'ESTABLISHED' && right.ike !== 'ESTABLISHED';
      case 'none':
        return left.ike === 'NONE' && right.ike === 'NONE';
    }
  }
  if ('ts' in row) {
    const child = installedChild(s, row.side);
    return JSON.stringify(row.ts === 'local' ? child?.localTs : child?.remoteTs) === JSON.stringify(row.equals);
  }
  if ('peerAt' in row) return s.sas[row.side]?.ikeSas.find((i) => i.state === 'ESTABLISHED')?.remoteHost === row.peerAt;
  throw new Error(`not a state row: ${JSON.stringify(row)}`);
}

const STATE_KINDS = new Set(['sa', 'tunnel', 'ts', 'peer']);

/** How long a case may take: a minute, plus every row that says it needs longer. */
export function evidenceTimeoutMs(id: string, ike: 1 | 2): number {
  const rows = evidenceFor(findFault(id)!.evidence, ike);
  return 60_000 + rows.reduce((ms, r) => ms + (r.withinS ?? 0) * 1000, 0);
}

/**
 * One watched lab shared by a test file: up before, down after, and any fault a failed test left
 * behind reverted before the next test.
 */
export function useFaultLab(purpose: string, settings: () => LabSettings) {
  const engine = LabEngine.connect(testLabName(purpose));
  const faults = new FaultService(engine);
  const w = new Watched(engine);
  beforeAll(async () => {
    const r = await engine.up(settings(), { timeoutMs: 30_000 });
    expect(r.status.up).toBe(true);
    await w.start();
  });
  afterEach(async () => {
    if ((await faults.state()).active.length) await faults.revert().catch(() => {});
  });
  afterAll(async () => {
    w.stopWatching();
    await engine.down();
  });
  const lab = {
    engine,
    faults,
    w,
    async breakIt(id: string) {
      w.setMark();
      await faults.apply([id]);
      expect((await faults.state()).active.map((a) => a.id)).toEqual([id]);
    },
    /**
     * The live diagnosis (fed by the watched lab, never told the fault) names the cause within
     * seconds; `expected` lists more than one cause only where the evidence cannot tell them apart.
     */
    async diagnosed(expected: string | string[], timeoutMs = 20_000) {
      const want = Array.isArray(expected) ? expected : [expected];
      let last = engine.diagnosis.current();
      try {
        await waitFor(
          () => want.includes((last = engine.diagnosis.current()).verdict),
          timeoutMs,
          `the live verdict ${want.join(' or ')}`,
        );
      } catch (e) {
        throw new Error(
          `${(e as Error).message}; it says ${last.verdict}: ${last.findings.map((f) => `${f.cause} ${f.confidence} (${f.summary})`).join('; ')}`,
          { cause: e },
        );
      }
      return last;
    },
    /**
     * Checks a fault's evidence rows for this IKE version on the live lab, in order, as
     * strongSwan's evaltest does: a log line waited for on its side, consecutive state rows in one
     * status snapshot, pings with the counters around them, the live verdict (the fault's cause
     * unless a row says otherwise, after the other rows), and last the lines that must not appear.
     */
    async shows(id: string, ike: 1 | 2) {
      const fault = findFault(id)!;
      const rows = evidenceFor(fault.evidence, ike);
      const absent: LogEvidence[] = [];
      let traffic: { row: PingEvidence; before: LabStatus; after: LabStatus } | undefined;
      let verdictSeen = false;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i];
        const kind = evidenceKind(row);
        if ('pattern' in row) {
          if (row.absent) absent.push(row);
          else await w.logs(row.side, row, (row.withinS ?? 15) * 1000);
        } else if (STATE_KINDS.has(kind)) {
          const group: EvidenceRow[] = [row];
          while (i + 1 < rows.length && STATE_KINDS.has(evidenceKind(rows[i + 1]))) group.push(rows[++i]);
          const ms = Math.max(...group.map((r) => (r.withinS ?? 15) * 1000));
          await waitStatus(engine, (s) => group.every((r) => holds(r, s)), ms, group.map((r) => r.what).join('; '));
        } else if ('pings' in row) {
          const before = await engine.status();
          const r = await engine.traffic({ from: row.side, count: row.pings, intervalMs: row.intervalMs ?? 100 });
          const after = await engine.status();
          traffic = { row, before, after };
          const what = `pings from host-${row.side}: ${row.what}`;
          if (row.replies === 'all') expect(r.received, what).toBe(row.pings);
          else if (row.replies === 'none') expect(r.received, what).toBe(0);
          else {
            expect(r.lossPercent, what).toBeGreaterThan(row.replies.lossPercent[0]);
            expect(r.lossPercent, what).toBeLessThan(row.replies.lossPercent[1]);
          }
        } else if ('counter' in row) {
          expect(traffic, `${id}: a counter row needs a ping row before it`).toBeDefined();
          const { row: pings, before, after } = traffic!;
          const now = counters(installedChild(after, row.side))[row.counter];
          const what = `gw-${row.side} CHILD_SA packets ${row.counter}: ${row.what}`;
          if (row.change === 'zero') expect(now, what).toBe(0);
          else {
            const delta = now - counters(installedChild(before, row.side))[row.counter];
            expect(delta, what).toBe(row.change === 'per-ping' ? pings.pings : 0);
          }
        } else if ('verdict' in row) {
          await lab.diagnosed(row.verdict, (row.withinS ?? 10) * 1000);
          verdictSeen = true;
        }
      }
      if (!verdictSeen) await lab.diagnosed(fault.cause);
      if (absent.length) {
        const wait = w.markedAt + ABSENT_FOR_MS - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        for (const row of absent) {
          const seen = w.since(row.side).filter((r) => logMatches(row, r.message));
          expect(
            seen.map((r) => r.message),
            `gw-${row.side} must not log ${row.pattern}: ${row.what}`,
          ).toEqual([]);
        }
      }
    },
    async fixIt() {
      await faults.revert();
      expect((await faults.state()).active).toEqual([]);
      await expectHealthy(engine);
    },
  };
  return lab;
}

export type FaultLab = ReturnType<typeof useFaultLab>;

/**
 * The catalogue as tests: for every fault that applies to this IKE version, break it, check its
 * evidence rows on the live lab, run any extra check, fix it and see a working tunnel again.
 * `aside` names faults whose case needs steps of its own (a restarted gateway, an SA listing over
 * time); their spec file runs them, still checking the same rows.
 */
export function catalogueCases(
  lab: FaultLab,
  ike: 1 | 2,
  opts: { aside: string[]; after?: Record<string, () => Promise<void>> },
): void {
  for (const id of [...opts.aside, ...Object.keys(opts.after ?? {})])
    if (!findFault(id)) throw new Error(`catalogueCases: no catalogue fault "${id}"`);
  for (const f of FAULTS.filter((x) => x.ikeVersions.includes(ike) && !opts.aside.includes(x.id))) {
    it(
      `${f.id}: ${f.title}`,
      async () => {
        await lab.breakIt(f.id);
        await lab.shows(f.id, ike);
        await opts.after?.[f.id]?.();
        await lab.fixIt();
      },
      evidenceTimeoutMs(f.id, ike),
    );
  }
}
