import type { LabEngine } from '../engine/lab-engine.js';
import type { LabStatus } from '../engine/types.js';
import { startPlan } from '../settings/start-plan.js';
import { type LabSettings, SIDES } from '../settings/types.js';
import { describeTunnel, pingBoth, restore, starterOf, waitUp } from './check-helpers.js';
import { type CheckRun, fail, type TemplateContext } from './check-run.js';
import { activeChild, activeIke, counterSnapshot, faultFinding, type LabRecorder, sleep } from './evidence.js';

// ---------------------------------------------------------------- (a) establish
export async function checkEstablish(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const plan = startPlan(ctx.baseline);
  if (plan.starter) run.facts.push(`${plan.starter.says}`);
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
 * An on-demand tunnel keeps getting traffic meanwhile; one that nothing can start ends at once.
 */
export async function establishOrDiagnose(
  engine: LabEngine,
  rec: LabRecorder,
  settings: LabSettings,
  firstWaitMs = 10_000,
  totalMs = 30_000,
) {
  const t0 = Date.now();
  const r = await engine.up(settings, { mode: 'attached', timeoutMs: firstWaitMs });
  await rec.start();
  if (r.status.up || !startPlan(settings).starter) return r;
  while (Date.now() - t0 < totalMs) {
    const st: LabStatus = await waitUp(engine, settings, 300);
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
  const side = starterOf(s);
  const g = s[side].gateway;
  g.child.rekeyTime = childRekey;
  g.child.lifeTime = 0;
  g.ike.rekeyTime = ikeRekey;
  g.ike.reauthTime = 0;
  g.ike.overTime = 0;
  run.facts.push(
    `short timers for the test on gw-${side} (the gateway that starts the tunnel): CHILD_SA rekey ${childRekey} s, IKE_SA rekey ${ikeRekey} s (strongSwan rekeys up to 10 % earlier)`,
  );
  run.defer(() => restore(ctx));
  await ctx.engine.applySettings(s);
  const start = await waitUp(ctx.engine, s, 20_000);
  if (!start.up)
    throw fail(`the tunnel did not come back after loading the short rekey timers: ${describeTunnel(start)}`);
  const childSpis = { left: new Set<string>(), right: new Set<string>() };
  const ikeSpis = new Set<string>();
  let lastChange = Date.now();
  const observe = (st: LabStatus) => {
    for (const x of SIDES) {
      const ike = activeIke(st.sas[x]?.ikeSas);
      for (const c of ike?.children ?? []) {
        if (c.state === 'INSTALLED' && c.spiIn && !childSpis[x].has(c.spiIn)) {
          childSpis[x].add(c.spiIn);
          lastChange = Date.now();
        }
      }
      if (x === 'left' && ike?.state === 'ESTABLISHED' && ike.spiI && !ikeSpis.has(`${ike.spiI}/${ike.spiR}`)) {
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
