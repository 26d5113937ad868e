import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import type { LabStatus } from '../../lab/engine/types.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import type { LabSettings } from '../../lab/settings/types.js';
import type { LogRecord } from '../../lab/streams/log-record.js';
import type { ChildSaInfo } from '../../lab/vici/sas.js';
import { testLabName } from '../support/lab-names.js';

/** A watched lab: every log record is kept, so a test can look at what came after a mark. */
export class Watched {
  records: LogRecord[] = [];
  private mark = 0;
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
  }

  since(side?: 'left' | 'right'): LogRecord[] {
    return this.records.slice(this.mark).filter((r) => !side || r.side === side);
  }

  /** Waits until a record of `side` after the mark matches. */
  async logs(side: 'left' | 'right', re: RegExp, timeoutMs = 15_000): Promise<LogRecord> {
    let found: LogRecord | undefined;
    await waitFor(
      () => (found = this.since(side).find((r) => re.test(r.message))) !== undefined,
      timeoutMs,
      `${side} log matching ${re}`,
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
  return {
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
    async diagnosed(expected: string | string[], timeoutMs = 10_000) {
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
    async fixIt() {
      await faults.revert();
      expect((await faults.state()).active).toEqual([]);
      await expectHealthy(engine);
    },
  };
}
