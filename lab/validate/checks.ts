import { ignoreRejection } from '../common/ignore.js';
import { CHILD_NAME } from '../config/swanctl-conf.js';
import { LabEngine } from '../engine/lab-engine.js';
import type { LabStatus } from '../engine/types.js';
import { type FaultService } from '../faults/fault-service.js';
import { type LabSettings, type Release, type Side, SIDES } from '../settings/types.js';
import { gatewayRole } from '../topology/plan.js';
import {
  activeChild,
  activeIke,
  counterSnapshot,
  cumulativeSeries,
  excerpt,
  faultFinding,
  LabRecorder,
  nameCause,
  sleep,
} from './evidence.js';
import { CHECK_TITLES, type CheckId, type CheckResult, type ValidateTimers } from './types.js';

class CheckFailed extends Error {}
class CheckSkipped extends Error {}
const fail = (msg: string) => new CheckFailed(msg);
const skip = (msg: string) => new CheckSkipped(msg);

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
interface EvidenceSource {
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

const initiators = (s: LabSettings): Side[] => {
  const sides = SIDES.filter((side) => s[side].gateway.startAction === 'initiate');
  return sides.length ? sides : ['left'];
};

function describeTunnel(s: LabStatus): string {
  return `left IKE ${s.tunnel.left.ike}/CHILD ${s.tunnel.left.child}, right IKE ${s.tunnel.right.ike}/CHILD ${s.tunnel.right.child}`;
}

async function pingBoth(engine: LabEngine, count: number, facts: string[]): Promise<{ left: number; right: number }> {
  const a = await engine.traffic({ from: 'left', count, intervalMs: 100 });
  const b = await engine.traffic({ from: 'right', count, intervalMs: 100 });
  facts.push(
    `ping host-left -> host-right: ${a.received}/${a.transmitted}${a.rttAvgMs !== undefined ? `, avg ${a.rttAvgMs} ms` : ''}; host-right -> host-left: ${b.received}/${b.transmitted}${b.rttAvgMs !== undefined ? `, avg ${b.rttAvgMs} ms` : ''}`,
  );
  return { left: a.received, right: b.received };
}

/** Puts the template's settings back after a check changed timers (a no-op when nothing changed). */
async function restore(ctx: TemplateContext): Promise<void> {
  const current = await ctx.engine.settings();
  if (JSON.stringify(current) !== JSON.stringify(ctx.baseline)) await ctx.engine.applySettings(ctx.baseline);
  await ctx.engine.waitForTunnel(20_000);
}

// ---------------------------------------------------------------- (a) establish
export async function checkEstablish(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const r = await establishOrDiagnose(ctx.engine, ctx.rec, ctx.baseline);
  run.facts.push(
    `datapath: ${r.datapath === 'kernel' ? 'kernel ESP' : 'strongSwan userspace ESP (libipsec)'}`,
    `lab started in ${(r.ms.total / 1000).toFixed(1)} s, negotiation ${(r.ms.negotiate / 1000).toFixed(1)} s`,
  );
  if (!r.status.up) throw fail(r.reason ?? `tunnel not up: ${describeTunnel(r.status)}`);
  const ike = activeIke(r.status.sas.left?.ikeSas);
  const child = activeChild(ike);
  run.facts.push(
    `IKE ${ike?.encrAlg ?? ''}${ike?.encrKeysize ? `/${ike.encrKeysize}` : ''} ${ike?.integAlg ?? ''} ${ike?.dhGroup ?? ''}; CHILD ${child?.encrAlg ?? ''} ${child?.integAlg ?? ''} ${child?.localTs.join(',')} === ${child?.remoteTs.join(',')}`.replace(
      /\s+/g,
      ' ',
    ),
  );
}

/**
 * Starts the lab and waits for the tunnel; when it is slow to come, the logs are followed and the
 * wait ends as soon as the live diagnosis names a cause (a refused proposal will not heal itself).
 */
async function establishOrDiagnose(
  engine: LabEngine,
  rec: LabRecorder,
  settings: LabSettings,
  firstWaitMs = 10_000,
  totalMs = 30_000,
) {
  const t0 = Date.now();
  const r = await engine.up(settings, { mode: 'attached', timeoutMs: firstWaitMs });
  await rec.start();
  if (r.status.up) return r;
  while (Date.now() - t0 < totalMs) {
    const st = await engine.status();
    if (st.up)
      return {
        ...r,
        status: st,
        reason: undefined,
        ms: { ...r.ms, negotiate: r.ms.negotiate + (Date.now() - t0 - r.ms.total), total: Date.now() - t0 },
      };
    if (faultFinding(engine.diagnosis.current())) {
      await rec.settle(400, 2000);
      return { ...r, status: st };
    }
    await sleep(300);
  }
  return { ...r, status: await engine.status() };
}

// ---------------------------------------------------------------- (b) traffic
export async function checkTraffic(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const count = 10;
  const before = counterSnapshot(await ctx.engine.status(), ctx.engine.name);
  let got = await pingBoth(ctx.engine, count, run.facts);
  // The very first packet may wait for an ARP answer: one retry before calling it a failure.
  if (got.left < count || got.right < count) got = await pingBoth(ctx.engine, count, run.facts);
  const after = counterSnapshot(await ctx.engine.status(), ctx.engine.name);
  const problems: string[] = [];
  if (got.left < count) problems.push(`host-left -> host-right: ${got.left}/${count} replies`);
  if (got.right < count) problems.push(`host-right -> host-left: ${got.right}/${count} replies`);
  for (const side of SIDES) {
    const b = before.find((x) => x.side === side)!;
    const a = after.find((x) => x.side === side)!;
    const sameSa = a.spiIn === b.spiIn;
    const dIn = sameSa ? a.packetsIn - b.packetsIn : a.packetsIn;
    const dOut = sameSa ? a.packetsOut - b.packetsOut : a.packetsOut;
    run.facts.push(`gw-${side} CHILD_SA counters moved: in +${dIn} packets, out +${dOut} packets`);
    if (dIn <= 0) problems.push(`gw-${side}: inbound counter did not move`);
    if (dOut <= 0) problems.push(`gw-${side}: outbound counter did not move`);
  }
  if (problems.length) throw fail(problems.join('; '));
}

// ---------------------------------------------------------------- (c) rekey
export async function checkRekey(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const { childRekey, ikeRekey } = ctx.timers;
  const s = structuredClone(ctx.baseline);
  const sides = initiators(s);
  for (const side of sides) {
    const g = s[side].gateway;
    g.child.rekeyTime = childRekey;
    g.child.lifeTime = 0;
    g.ike.rekeyTime = ikeRekey;
    g.ike.reauthTime = 0;
    g.ike.overTime = 0;
  }
  run.facts.push(
    `short timers for the test on ${sides.map((x) => `gw-${x}`).join(' and ')}: CHILD_SA rekey ${childRekey} s, IKE_SA rekey ${ikeRekey} s (strongSwan rekeys up to 10 % earlier)`,
  );
  run.defer(() => restore(ctx));
  await ctx.engine.applySettings(s);
  const start = await ctx.engine.waitForTunnel(20_000);
  if (!start.up)
    throw fail(`the tunnel did not come back after loading the short rekey timers: ${describeTunnel(start)}`);
  const childSpis = { left: new Set<string>(), right: new Set<string>() };
  const ikeSpis = new Set<string>();
  let lastChange = Date.now();
  const observe = (st: LabStatus) => {
    for (const side of SIDES) {
      const ike = activeIke(st.sas[side]?.ikeSas);
      for (const c of ike?.children ?? []) {
        if (c.state === 'INSTALLED' && c.spiIn && !childSpis[side].has(c.spiIn)) {
          childSpis[side].add(c.spiIn);
          lastChange = Date.now();
        }
      }
      if (side === 'left' && ike?.state === 'ESTABLISHED' && ike.spiI && !ikeSpis.has(`${ike.spiI}/${ike.spiR}`)) {
        ikeSpis.add(`${ike.spiI}/${ike.spiR}`);
        lastChange = Date.now();
      }
    }
  };
  observe(start);
  const flow = await ctx.engine.flow({ from: 'left', intervalMs: 200, onSample: () => {} });
  const t0 = Date.now();
  const deadline = t0 + (ikeRekey + 12) * 1000;
  let early = '';
  let totals: Awaited<ReturnType<typeof flow.stop>>;
  try {
    for (;;) {
      await sleep(500);
      observe(await ctx.engine.status());
      const done =
        childSpis.left.size >= 2 && childSpis.right.size >= 2 && ikeSpis.size >= 2 && Date.now() - lastChange > 3000;
      if (done || Date.now() > deadline) break;
      // A rekey that the diagnosis already calls failed will not succeed by waiting.
      if (
        Date.now() - t0 > (childRekey + 4) * 1000 &&
        childSpis.left.size < 2 &&
        faultFinding(ctx.engine.diagnosis.current())
      ) {
        early = ' (stopped early: the diagnosis named the cause)';
        break;
      }
    }
  } finally {
    totals = await flow.stop();
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  const lost = totals.sent - totals.received;
  const allowance = Math.max(2, Math.ceil(totals.sent * 0.02));
  run.facts.push(
    `continuous ping across the rekeys: ${totals.sent} sent, ${totals.received} received (${lost} lost, allowance ${allowance}) over ${secs} s${early}`,
  );
  run.facts.push(
    `CHILD_SA inbound SPIs seen: gw-left ${[...childSpis.left].join(' -> ')}; gw-right ${[...childSpis.right].join(' -> ')}`,
  );
  run.facts.push(`IKE_SA SPIs seen on gw-left: ${[...ikeSpis].join(' -> ')}`);
  const problems: string[] = [];
  if (childSpis.left.size < 2 || childSpis.right.size < 2)
    problems.push(`no successful CHILD_SA rekey (no new SPIs) within ${secs} s`);
  if (ikeSpis.size < 2 && !early) problems.push(`no successful IKE_SA rekey within ${secs} s`);
  if (lost > allowance)
    problems.push(`${lost} of ${totals.sent} pings lost across the rekeys (allowance ${allowance})`);
  if (problems.length) throw fail(problems.join('; '));
}

// ---------------------------------------------------------------- (d) peer restart
export async function checkPeerRestart(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const { dpdDelay, recoveryBound } = ctx.timers;
  const s = structuredClone(ctx.baseline);
  for (const side of SIDES) {
    s[side].gateway.dpd.delay = dpdDelay;
    if (s[side].gateway.ikeVersion === 1) s[side].gateway.dpd.timeout = Math.max(4 * dpdDelay, 8);
  }
  const peer: Side = initiators(s).includes('right') && !initiators(s).includes('left') ? 'left' : 'right';
  run.facts.push(
    `DPD delay ${dpdDelay} s on both gateways for the test (DPD action: left ${s.left.gateway.dpd.action}, right ${s.right.gateway.dpd.action})`,
  );
  run.defer(() => restore(ctx));
  await ctx.engine.applySettings(s);
  const st = await ctx.engine.waitForTunnel(20_000);
  if (!st.up) throw fail(`the tunnel did not come back after loading the DPD settings: ${describeTunnel(st)}`);
  const t0 = Date.now();
  // A crash, not a shutdown: a stopping charon sends DELETE and its peer closes the tunnel for
  // good (close_action none); a crashed one leaves the peer with stale SAs that only DPD finds.
  const box = ctx.engine.docker.getContainer(ctx.engine.container(gatewayRole(peer)));
  await box.kill();
  await box.wait().catch(ignoreRejection('a killed box may be gone before wait answers'));
  await box.start();
  ctx.engine.forgetViciOf(peer);
  run.facts.push(
    `gw-${peer} crashed and came back (docker kill, then start) in ${((Date.now() - t0) / 1000).toFixed(1)} s: its charon starts with no SAs, reloads its config by itself and never sent a DELETE`,
  );
  let last: LabStatus | undefined;
  let recovered = 0;
  while (Date.now() - t0 < recoveryBound * 1000) {
    last = await ctx.engine.status();
    if (last.up) {
      const p = await ctx.engine.traffic({ from: 'left', count: 3, intervalMs: 100 });
      if (p.received >= 2) {
        recovered = Date.now() - t0;
        break;
      }
    }
    await sleep(1000);
  }
  if (!recovered)
    throw fail(
      `the tunnel was not back within ${recoveryBound} s after gw-${peer} restarted${last ? `: ${describeTunnel(last)}` : ''}`,
    );
  run.facts.push(
    `tunnel back and passing traffic ${(recovered / 1000).toFixed(1)} s after the restart (bound ${recoveryBound} s)`,
  );
  const got = await pingBoth(ctx.engine, 5, run.facts);
  if (got.left < 5 || got.right < 5)
    throw fail(`after recovery, pings lost: left->right ${got.left}/5, right->left ${got.right}/5`);
}

/** Asks the initiating gateway to rekey its CHILD_SA now and waits for the new SPI. */
async function rekeyNow(
  ctx: { engine: LabEngine },
  side: Side,
  timeoutMs: number,
): Promise<{ ok: boolean; ms: number; detail: string }> {
  const before = activeChild(activeIke((await ctx.engine.snapshot(side)).ikeSas))?.spiIn;
  const t0 = Date.now();
  const client = await ctx.engine.viciOf(side);
  const res = await client
    .request('rekey', { child: CHILD_NAME })
    .catch((e: Error) => ({ success: 'no', errmsg: e.message }));
  if (res.success !== 'yes')
    return { ok: false, ms: 0, detail: `charon refused the rekey: ${String(res.errmsg ?? 'no reason')}` };
  while (Date.now() - t0 < timeoutMs) {
    const snap = await ctx.engine.snapshot(side);
    const c = activeIke(snap.ikeSas)?.children.find((x) => x.state === 'INSTALLED' && x.spiIn && x.spiIn !== before);
    if (c)
      return {
        ok: true,
        ms: Date.now() - t0,
        detail: `CHILD_SA rekeyed: ${before} -> ${c.spiIn} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      };
    await sleep(300);
  }
  return {
    ok: false,
    ms: Date.now() - t0,
    detail: `no new CHILD_SA within ${timeoutMs / 1000} s of the rekey request (still ${before})`,
  };
}

// ---------------------------------------------------------------- (e) loss and latency
export async function checkLoss(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const p = ctx.timers.lossPercent;
  const expected = 100 * (1 - (1 - p / 100) ** 2);
  const threshold = Math.min(95, Math.round(2 * expected + 10));
  run.defer(() => ctx.faults.revert());
  const features = await ctx.engine.kernelFeatures();
  await ctx.faults.impair({ 'left-to-right': { lossPercent: p }, 'right-to-left': { lossPercent: p } });
  run.facts.push(
    `${p} % loss each way on the internet link (${features.netem ? 'netem' : 'nftables random drop'}); a ping round trip then fails ~${expected.toFixed(0)} % of the time; allowed ${threshold} %`,
  );
  const a = await ctx.engine.traffic({ from: 'left', count: 40, intervalMs: 100 });
  run.facts.push(`ping under loss: ${a.received}/${a.transmitted} (${a.lossPercent} % lost)`);
  const rk = await rekeyNow(ctx, initiators(ctx.baseline)[0], 20_000);
  run.facts.push(`CHILD_SA rekey under loss: ${rk.detail}`);
  const st = await ctx.engine.status();
  const problems: string[] = [];
  if (!st.up) problems.push(`the tunnel went down under ${p} % loss: ${describeTunnel(st)}`);
  if (a.lossPercent > threshold) problems.push(`${a.lossPercent} % of pings lost (allowed ${threshold} %)`);
  if (!rk.ok) problems.push(`rekey under loss failed: ${rk.detail}`);
  if (problems.length) throw fail(problems.join('; '));
}

export async function checkLatency(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const features = await ctx.engine.kernelFeatures();
  if (!features.netem)
    throw skip("this Docker engine's kernel has no netem (sch_netem), so latency cannot be emulated here: not tested");
  const d = ctx.timers.delayMs;
  run.defer(() => ctx.faults.revert());
  const base = await ctx.engine.traffic({ from: 'left', count: 5, intervalMs: 100 });
  await ctx.faults.impair({ 'left-to-right': { delayMs: d }, 'right-to-left': { delayMs: d } });
  const a = await ctx.engine.traffic({ from: 'left', count: 10, intervalMs: 100 });
  run.facts.push(
    `${d} ms added each way (netem); round trip ${base.rttAvgMs ?? '?'} ms before, ${a.rttAvgMs ?? '?'} ms with the delay; ${a.received}/${a.transmitted} replies`,
  );
  const rk = await rekeyNow(ctx, initiators(ctx.baseline)[0], 20_000);
  run.facts.push(`CHILD_SA rekey under latency: ${rk.detail}`);
  const problems: string[] = [];
  if (a.received < a.transmitted - 1)
    problems.push(`${a.transmitted - a.received} of ${a.transmitted} pings lost with ${d} ms latency`);
  if (a.rttAvgMs !== undefined && a.rttAvgMs < 1.6 * d)
    problems.push(`round trip ${a.rttAvgMs} ms: the delay did not take effect`);
  if (!rk.ok) problems.push(`rekey under latency failed: ${rk.detail}`);
  if (problems.length) throw fail(problems.join('; '));
}

// ---------------------------------------------------------------- (f) NAT
export async function checkNat(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const entry = (await ctx.faults.catalogue()).find((e) => e.fault.id === 'left-behind-nat');
  if (entry?.unavailable) throw skip(`left-behind-nat cannot be applied to this template: ${entry.unavailable}`);
  run.defer(() => restore(ctx));
  run.defer(() => ctx.faults.revert());
  await ctx.faults.apply(['left-behind-nat']);
  run.facts.push(
    "the router masquerades the left site (fault left-behind-nat); gw-right expects gw-left at the router's address",
  );
  const st = await ctx.engine.waitForTunnel(30_000);
  if (!st.up) throw fail(`the tunnel did not establish behind NAT within 30 s: ${describeTunnel(st)}`);
  const l = activeIke(st.sas.left?.ikeSas);
  const r = activeIke(st.sas.right?.ikeSas);
  run.facts.push(
    `gw-left IKE_SA ${l?.localHost}[${l?.localPort}] -> ${l?.remoteHost}[${l?.remotePort}], NAT: local ${l?.natLocal ? 'yes' : 'no'}, remote ${l?.natRemote ? 'yes' : 'no'}; gw-right sees the peer at ${r?.remoteHost}[${r?.remotePort}]`,
  );
  const problems: string[] = [];
  if (!l?.natLocal && !l?.natAny) problems.push('gw-left did not detect the NAT in front of it');
  if (l?.remotePort !== 4500) problems.push(`IKE did not float to UDP 4500 (remote port ${l?.remotePort})`);
  const got = await pingBoth(ctx.engine, 5, run.facts);
  if (got.left < 5) problems.push(`host-left -> host-right behind NAT: ${got.left}/5`);
  if (got.right < 5) problems.push(`host-right -> host-left behind NAT: ${got.right}/5`);
  if (problems.length) throw fail(problems.join('; '));
}

// ---------------------------------------------------------------- (g) interop
export async function checkInterop(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const other = (r: Release): Release => (r === 'trixie' ? 'bookworm' : 'trixie');
  const peerRelease = ctx.peerRelease ?? other(ctx.baseline.left.gateway.release);
  const label = (r: Release) => (r === 'trixie' ? 'strongSwan 6.0 (trixie)' : 'strongSwan 5.9 (bookworm)');
  if (ctx.quick) throw skip(`--quick: the interop check needs a second lab with ${label(peerRelease)} on gw-right`);
  const s = structuredClone(ctx.baseline);
  s.right.gateway.release = peerRelease;
  if (s.left.gateway.release === s.right.gateway.release)
    throw skip(
      `both gateways would run ${label(peerRelease)}: nothing to interoperate with (pass --peer-release ${other(peerRelease)})`,
    );
  const engine = LabEngine.connect(ctx.secondLab);
  const rec = new LabRecorder(engine);
  run.useEvidenceFrom({ engine, rec });
  ctx.track(engine, true);
  run.defer(async () => {
    rec.stop();
    await engine.down();
    ctx.track(engine, false);
  });
  run.facts.push(
    `second lab "${engine.name}": gw-left ${label(s.left.gateway.release)}, gw-right ${label(s.right.gateway.release)}`,
  );
  const r = await establishOrDiagnose(engine, rec, s);
  if (!r.status.up) throw fail(`mixed releases did not establish: ${r.reason ?? describeTunnel(r.status)}`);
  await rec.settle(400, 2000);
  const versions = SIDES.map((side) => {
    const line = rec.records.find((x) => x.side === side && /strongSwan \d+\.\d+/.test(x.raw));
    return `gw-${side}: ${line ? (/strongSwan (\d+\.\d+\.\d+\w*)/.exec(line.raw)?.[1] ?? '?') : '?'}`;
  });
  run.facts.push(`charon versions ${versions.join(', ')}`);
  const got = await pingBoth(engine, 5, run.facts);
  const problems: string[] = [];
  if (got.left < 5 || got.right < 5)
    problems.push(`pings across mixed releases lost: left->right ${got.left}/5, right->left ${got.right}/5`);
  const rk = await rekeyNow({ engine }, initiators(s)[0], 15_000);
  run.facts.push(`CHILD_SA rekey across releases: ${rk.detail}`);
  if (!rk.ok) problems.push(`rekey across releases failed: ${rk.detail}`);
  if (problems.length) throw fail(problems.join('; '));
}

export const CHECKS: Record<Exclude<CheckId, 'establish'>, (ctx: TemplateContext, run: CheckRun) => Promise<void>> = {
  traffic: checkTraffic,
  rekey: checkRekey,
  'peer-restart': checkPeerRestart,
  loss: checkLoss,
  latency: checkLatency,
  nat: checkNat,
  interop: checkInterop,
};
