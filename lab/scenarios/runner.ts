/**
 * Runs a scenario on a real lab, one step at a time or all of them: each step's action is done,
 * then its expectations are checked against the lab's real state (tunnel, charon's logs, SA
 * counters, the live diagnosis) until they hold or the step's time is up.
 */
import { ignoreRejection } from '../common/ignore.js';
import type { LabEngine } from '../engine/lab-engine.js';
import type { LabStatus } from '../engine/types.js';
import { FaultService } from '../faults/fault-service.js';
import { defaultSettings } from '../settings/defaults.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { LogRecord } from '../streams/log-record.js';
import type { PingResult } from '../traffic/ping.js';
import { ASA_COUNTER } from './describe.js';
import { type Expectation, type Scenario, type ScenarioAction, ScenarioError, type ScenarioStep } from './types.js';

export interface StepReport {
  index: number;
  title: string;
  ok: boolean;
  /** What the lab showed for each expectation when the step ended. */
  seen: string[];
  error?: string;
  ms: number;
}

export interface ScenarioReport {
  scenario: string;
  ok: boolean;
  steps: StepReport[];
}

export type ScenarioEvent =
  | { type: 'step-start'; scenario: string; index: number; step: ScenarioStep }
  | { type: 'step-done'; scenario: string; report: StepReport };

interface TrafficRun {
  ping: PingResult;
  before: LabStatus;
  after: LabStatus;
}

function packets(s: LabStatus, side: Side, dir: 'in' | 'out'): number {
  const child = s.sas[side]?.ikeSas
    .find((i) => i.state === 'ESTABLISHED')
    ?.children.find((c) => c.state === 'INSTALLED');
  return (dir === 'in' ? child?.packetsIn : child?.packetsOut) ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ScenarioRunner {
  private readonly faults: FaultService;
  private readonly records: LogRecord[] = [];
  private mark = 0;
  private stopWatch?: () => void;
  private offLogs?: () => void;
  private traffic?: TrafficRun;
  /** The runner brought the lab up, so `close({ removeLab })` may take it down. */
  createdLab = false;

  constructor(
    readonly engine: LabEngine,
    private readonly opts: {
      settings?: () => LabSettings;
      onEvent?: (e: ScenarioEvent) => void;
      /** A host that watches the lab itself (the app): the runner only listens, never watches twice. */
      hostWatch?: () => Promise<void>;
    } = {},
  ) {
    this.faults = new FaultService(engine);
  }

  /** Runs every step; `gate` is awaited before each one (a presenter pressing Enter). */
  async run(scenario: Scenario, gate?: (index: number, step: ScenarioStep) => Promise<void>): Promise<ScenarioReport> {
    const steps: StepReport[] = [];
    for (let i = 0; i < scenario.steps.length; i++) {
      if (gate) await gate(i, scenario.steps[i]);
      const r = await this.runStep(scenario, i);
      steps.push(r);
      if (!r.ok) break;
    }
    return { scenario: scenario.id, ok: steps.length === scenario.steps.length && steps.every((s) => s.ok), steps };
  }

  async runStep(scenario: Scenario, index: number): Promise<StepReport> {
    const step = scenario.steps[index];
    if (!step) throw new ScenarioError(`scenario "${scenario.id}" has no step ${index + 1}`);
    this.opts.onEvent?.({ type: 'step-start', scenario: scenario.id, index, step });
    const t0 = Date.now();
    let report: StepReport;
    try {
      this.mark = this.records.length;
      if (step.action) await this.act(step.action);
      const seen = await this.expectAll(step.expect, step.timeoutS * 1000);
      const failed = seen.filter((s) => !s.ok);
      report = {
        index,
        title: step.title,
        ok: !failed.length,
        seen: seen.map((s) => s.text),
        ms: Date.now() - t0,
        error: failed.length
          ? `step ${index + 1} "${step.title}": after ${step.timeoutS} s, ${failed.map((s) => s.text).join('; ')}`
          : undefined,
      };
    } catch (e) {
      report = {
        index,
        title: step.title,
        ok: false,
        seen: [],
        ms: Date.now() - t0,
        error: `step ${index + 1} "${step.title}": ${(e as Error).message}`,
      };
    }
    this.opts.onEvent?.({ type: 'step-done', scenario: scenario.id, report });
    return report;
  }

  /** Stops following the lab; reverts what the scenario broke; removes the lab if asked and the runner made it. */
  async close(opts: { removeLab?: boolean } = {}): Promise<void> {
    this.stopWatch?.();
    this.stopWatch = undefined;
    this.offLogs?.();
    this.offLogs = undefined;
    if (opts.removeLab && this.createdLab) await this.engine.down();
    else if (this.createdLab || this.records.length) {
      if ((await this.faults.state().catch(() => ({ active: [] as string[] }))).active.length)
        await this.faults.revert().catch(ignoreRejection('closing: the lab may already be gone'));
    }
  }

  private async act(a: ScenarioAction): Promise<void> {
    switch (a.kind) {
      case 'start': {
        const lab = await this.engine.find();
        if (!lab) {
          const r = await this.engine.up((this.opts.settings ?? defaultSettings)(), { timeoutMs: 45_000 });
          this.createdLab = true;
          if (!r.status.up) throw new Error(`the lab did not come up healthy: ${r.reason ?? 'tunnel not up'}`);
        } else if ((await this.faults.state()).active.length) {
          await this.faults.revert();
        }
        await this.follow();
        return;
      }
      case 'break':
        await this.follow();
        await this.faults.apply([a.fault]);
        return;
      case 'fix':
        await this.faults.revert();
        return;
      case 'traffic': {
        const before = await this.engine.status();
        const ping = await this.engine.traffic({ from: a.from, count: a.count, intervalMs: 100 });
        const after = await this.engine.status();
        this.traffic = { ping, before, after };
        return;
      }
    }
  }

  private async follow(): Promise<void> {
    if (this.offLogs) return;
    this.offLogs = this.engine.onLog((r) => this.records.push(r));
    if (this.opts.hostWatch) await this.opts.hostWatch();
    else this.stopWatch = await this.engine.watch({ intervalMs: 500 });
  }

  private async expectAll(list: Expectation[], timeoutMs: number): Promise<{ ok: boolean; text: string }[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = list.some((e) => e.kind === 'tunnel' || e.kind === 'ike-sa')
        ? await this.engine.status()
        : undefined;
      const seen = list.map((e) => this.check(e, status));
      if (seen.every((s) => s.ok) || Date.now() > deadline) return seen;
      await sleep(300);
    }
  }

  private check(e: Expectation, status: LabStatus | undefined): { ok: boolean; text: string } {
    switch (e.kind) {
      case 'tunnel': {
        const t = status!.tunnel;
        const ikeBoth = t.left.ike === 'ESTABLISHED' && t.right.ike === 'ESTABLISHED';
        const state = status!.up ? 'up' : ikeBoth ? 'ike-only' : 'not-up';
        const ok = e.state === 'not-up' ? !status!.up : state === e.state;
        return {
          ok,
          text: `tunnel ${state} (expected ${e.state}; gw-left IKE ${t.left.ike} CHILD ${t.left.child}, gw-right IKE ${t.right.ike} CHILD ${t.right.child})`,
        };
      }
      case 'log': {
        const re = new RegExp(e.pattern);
        const hit = this.records.slice(this.mark).find((r) => r.side === e.side && re.test(r.message));
        return hit
          ? { ok: true, text: `gw-${e.side} line ${hit.seq}: ${hit.message}` }
          : { ok: false, text: `no gw-${e.side} log line matching /${e.pattern}/ since the step began` };
      }
      case 'verdict': {
        const r = this.engine.diagnosis.current();
        const top = r.findings[0];
        return {
          ok: r.verdict === e.cause,
          text: `diagnosis verdict ${r.verdict}${top ? ` (${Math.round(top.confidence * 100)} %: ${top.summary})` : ''} (expected ${e.cause})`,
        };
      }
      case 'pings': {
        const p = this.traffic!.ping;
        const ok = e.result === 'pass' ? p.received === p.transmitted : p.received === 0;
        return {
          ok,
          text: `${p.received}/${p.transmitted} ping replies ${p.from} -> ${p.to} (expected ${e.result === 'pass' ? 'all' : 'none'})`,
        };
      }
      case 'counter': {
        const { before, after } = this.traffic!;
        const d = packets(after, e.side, e.dir) - packets(before, e.side, e.dir);
        const ok = e.change === 'grows' ? d > 0 : d === 0;
        return {
          ok,
          text: `gw-${e.side} CHILD_SA packets ${e.dir} (ASA ${ASA_COUNTER[e.dir]}) +${d} over the traffic (expected ${e.change})`,
        };
      }
      case 'ike-sa': {
        const ike = status!.tunnel[e.side].ike;
        const ok = (ike === 'ESTABLISHED') === e.established;
        return {
          ok,
          text: `gw-${e.side} IKE_SA ${ike} (expected ${e.established ? 'ESTABLISHED' : 'none ESTABLISHED'})`,
        };
      }
    }
  }
}
