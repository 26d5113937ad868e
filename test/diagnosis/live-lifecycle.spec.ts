import { afterAll, describe, expect, it } from 'vitest';

import type { UpResultInfo } from '../../lab/api/contract.js';
import { LabService } from '../../lab/api/service.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

/**
 * Every lab lifecycle gives the live diagnosis a fresh window (issue 16): in one LabService session,
 * stop and start three times (a fault applied in the middle lab), then a lab started by another
 * process (the CLI's engine). The verdict follows each lab, its evidence cites that lab's own lines,
 * and nothing of a removed lab is shown.
 */
describe.skipIf(skipWithoutDocker('live diagnosis across lab lifecycles'))('live diagnosis across lifecycles', () => {
  const name = testLabName('lc');
  const engine = LabEngine.connect(name);
  const svc = new LabService(engine, { pollMs: 500 });
  afterAll(async () => {
    await svc.dispose();
    await LabEngine.connect(name)
      .down()
      .catch(() => undefined);
  });

  /** As the hosts call it (one request in, one envelope out, mutations in order), unwrapped. */
  const api = async <T>(method: Parameters<LabService['call']>[0], ...args: unknown[]): Promise<T> => {
    const r = await svc.call(method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`);
    return r.result as T;
  };

  const waitFor = async (what: string, ms: number, ok: () => Promise<boolean>) => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const verdictOf = async (want: string, ms = 30_000): Promise<DiagnosisResult> => {
    let d: DiagnosisResult | undefined;
    await waitFor(`verdict ${want}`, ms, async () => {
      d = (await svc.snapshot()).diagnosis;
      return d?.verdict === want;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; it says ${d?.verdict}: ${d?.findings.map((f) => f.summary).join(' | ')}`);
    });
    return d!;
  };

  /** Every log line a finding cites is that line of the lab running now, as the app's log view holds it. */
  const citesThisLab = (d: DiagnosisResult) => {
    let cited = 0;
    for (const f of d.findings)
      for (const e of f.evidence) {
        if ((e.source !== 'left' && e.source !== 'right') || e.line <= 0) continue;
        const [rec] = engine.logStore.page(e.source, e.line - 1, 1);
        expect(rec?.seq, `${f.cause} cites ${e.source} #${e.line}`).toBe(e.line);
        expect(rec?.raw).toBe(e.text);
        cited++;
      }
    return cited;
  };

  it('stop and start three times: the verdict follows each lab', async () => {
    await svc.start();
    for (const round of [1, 2, 3]) {
      expect((await api<UpResultInfo>('labUp', defaultSettings())).status.up).toBe(true);
      if (round === 2) {
        await api('faultApply', ['psk-mismatch']);
        const d = await verdictOf('psk-mismatch');
        expect(citesThisLab(d)).toBeGreaterThan(0);
        expect(d.stats.lines).toBeGreaterThan(0);
      } else {
        const d = await verdictOf('healthy');
        expect(d.stats.lines, `round ${round}: lines read`).toBeGreaterThan(0);
        citesThisLab(d);
        // The previous lab's fault is nowhere: not a finding, not a cited line.
        expect(d.findings.map((f) => f.cause)).not.toContain('psk-mismatch');
        if (round === 1) {
          // `explain` agrees: an idle healthy lab is healthy, and so is one under a ping.
          const { diagnoseLab } = await import('../../lab/engine/lab-diagnosis.js');
          const idle = await diagnoseLab(engine, { traffic: false });
          expect(idle.verdict, idle.findings.map((f) => f.summary).join(' | ')).toBe('healthy');
          expect(idle.findings[0].summary).toMatch(/Idle: no traffic was offered/);
          expect((await diagnoseLab(engine)).verdict).toBe('healthy');
        }
      }
      await api('labDown');
      const after = await svc.snapshot();
      expect(after.watching).toBe(false);
      expect(after.diagnosis).toBeUndefined();
    }
  }, 300_000);

  it('a lab started by another process is followed from its first line', async () => {
    const cli = LabEngine.connect(name);
    try {
      expect((await cli.up(defaultSettings(), { mode: 'detached' })).status.up).toBe(true);
    } finally {
      await cli.close();
    }
    await waitFor('the service to follow the lab', 45_000, async () => (await svc.snapshot()).watching);
    const d = await verdictOf('healthy');
    citesThisLab(d);
    // A change made from that other process reaches the app as a transition, then its cause.
    const other = LabEngine.connect(name);
    const { FaultService } = await import('../../lab/faults/fault-service.js');
    const seen: string[] = [];
    const off = svc.onEvent((m) => {
      if (m.event === 'findings') seen.push((m.payload as DiagnosisResult).verdict);
    });
    try {
      await new FaultService(other).apply(['psk-mismatch']);
      await verdictOf('psk-mismatch');
      // Until the change reaches charon's log the lab is still healthy (a fresh result may say so again);
      // from the first sign of it on, only the transition and then its cause: never healthy in between.
      const changed = seen.slice(
        Math.max(
          0,
          seen.findIndex((v) => v !== 'healthy'),
        ),
      );
      expect(changed[0], seen.join(' -> ')).toBe('re-negotiating');
      expect(
        changed.filter((v) => !['re-negotiating', 'psk-mismatch'].includes(v)),
        seen.join(' -> '),
      ).toEqual([]);
    } finally {
      off();
      await other.close();
    }
    // Its waits add up to more than two minutes on a loaded machine (a start, following it, two verdicts).
  }, 240_000);
});
