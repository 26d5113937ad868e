import { ignoreRejection } from '../common/ignore.js';
import type { LabEngine } from '../engine/lab-engine.js';
import type { FaultService } from '../faults/fault-service.js';
import type { LabSettings, Release } from '../settings/types.js';
import { counterSnapshot, cumulativeSeries, excerpt, type LabRecorder, nameCause } from './evidence.js';
import { CHECK_TITLES, type CheckId, type CheckResult, type ValidateTimers } from './types.js';

export class CheckFailed extends Error {}
export class CheckSkipped extends Error {}
export const fail = (msg: string) => new CheckFailed(msg);
export const skip = (msg: string) => new CheckSkipped(msg);

/** What every check of one template works on. */
export interface TemplateContext {
  engine: LabEngine;
  faults: FaultService;
  rec: LabRecorder;
  /** The template's settings: every check starts from them and puts them back. */
  baseline: LabSettings;
  timers: ValidateTimers;
  quick: boolean;
  peerRelease?: Release;
  /** Name for a second lab (interop). */
  secondLab: string;
  /** Engines this run started, so an interrupted run can remove them. */
  track: (e: LabEngine, on: boolean) => void;
}

/** Where a check's evidence comes from (the interop check switches to its second lab). */
export interface EvidenceSource {
  engine: LabEngine;
  rec: LabRecorder;
}

export interface CheckRun {
  facts: string[];
  useEvidenceFrom(src: EvidenceSource): void;
  /**
   * Clean-up run after the evidence is taken (so the cause is named before the template's
   * settings are put back, which starts a new diagnosis epoch).
   */
  defer(fn: () => Promise<unknown>): void;
}

/** Runs one check: its result with timing, counters before/after, cited log lines and, on failure, the cause. */
export async function runCheck(
  id: CheckId,
  ctx: TemplateContext,
  body: (run: CheckRun) => Promise<void>,
  opts: { countersBefore?: boolean } = {},
): Promise<CheckResult> {
  const t0 = Date.now();
  let src: EvidenceSource = { engine: ctx.engine, rec: ctx.rec };
  let mark = ctx.rec.records.length;
  const result: CheckResult = {
    id,
    title: CHECK_TITLES[id],
    status: 'pass',
    durationMs: 0,
    facts: [],
    logs: [],
    counters: { before: [], after: [] },
    series: [],
  };
  const cleanups: Array<() => Promise<unknown>> = [];
  const run: CheckRun = {
    facts: result.facts,
    useEvidenceFrom: (s) => {
      src = s;
      mark = 0;
    },
    defer: (fn) => void cleanups.push(fn),
  };
  if (opts.countersBefore !== false) result.counters.before = await countersOf(ctx.engine);
  try {
    await body(run);
  } catch (e) {
    if (e instanceof CheckSkipped) {
      result.status = 'skipped';
      result.reason = e.message;
    } else {
      result.status = 'fail';
      result.reason = e instanceof CheckFailed ? e.message : `error: ${(e as Error).message}`;
    }
  }
  if (result.status !== 'skipped') {
    await src.rec.settle(500, 2500);
    result.counters.after = await countersOf(src.engine);
    result.series = cumulativeSeries(src.rec.samples, t0, Date.now());
    result.logs = excerpt(src.rec.records.slice(mark), src.engine.name);
    if (result.status === 'fail')
      result.cause = await nameCause(src.engine, src.rec, mark, t0).catch(
        ignoreRejection('a failed check without a named cause still reports its evidence'),
      );
  }
  for (const fn of cleanups.reverse()) {
    await fn().catch((e: Error) => result.facts.push(`clean-up failed: ${e.message}`));
  }
  result.durationMs = Date.now() - t0;
  return result;
}

export function skippedCheck(id: CheckId, reason: string): CheckResult {
  return {
    id,
    title: CHECK_TITLES[id],
    status: 'skipped',
    durationMs: 0,
    reason,
    facts: [],
    logs: [],
    counters: { before: [], after: [] },
    series: [],
  };
}

async function countersOf(engine: LabEngine) {
  try {
    if (!(await engine.find())) return [];
    return counterSnapshot(await engine.status(), engine.name);
  } catch {
    return [];
  }
}
