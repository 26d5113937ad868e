import { ignoreRejection } from '../common/ignore.js';
import type { LabStatus } from '../engine/types.js';
import { recoveryAfterRestart } from '../settings/start-plan.js';
import { type Side, SIDES } from '../settings/types.js';
import { gatewayRole } from '../topology/plan.js';
import { describeTunnel, pingBoth, rekeyNow, restore, starterOf, tunnelAlive, waitUp } from './check-helpers.js';
import { type CheckRun, fail, skip, type TemplateContext } from './check-run.js';
import { sleep } from './evidence.js';

// ---------------------------------------------------------------- (d) peer restart
export async function checkPeerRestart(ctx: TemplateContext, run: CheckRun): Promise<void> {
  const { dpdDelay, recoveryBound } = ctx.timers;
  const s = structuredClone(ctx.baseline);
  for (const side of SIDES) {
    s[side].gateway.dpd.delay = dpdDelay;
    if (s[side].gateway.ikeVersion === 1) s[side].gateway.dpd.timeout = Math.max(4 * dpdDelay, 8);
  }
  // The gateway that did not start the tunnel restarts: the starter has the live SAs to notice it.
  const peer: Side = starterOf(s) === 'left' ? 'right' : 'left';
  const recovery = recoveryAfterRestart(s, peer);
  run.facts.push(
    `DPD delay ${dpdDelay} s on both gateways for the test (DPD action: left ${s.left.gateway.dpd.action}, right ${s.right.gateway.dpd.action})`,
    `expected recovery: ${recovery.says}`,
  );
  run.defer(() => restore(ctx));
  await ctx.engine.applySettings(s);
  const st = await waitUp(ctx.engine, s, 20_000);
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
  // An on-demand recovery (trap) needs the next packet from its LAN, as users there would send it.
  const sender = recovery.how === 'traffic' ? recovery.by : undefined;
  if (sender) run.facts.push(`host-${sender} sends a packet every 2 s meanwhile, as the LAN behind gw-${sender} would`);
  let last: LabStatus | undefined;
  let recovered = 0;
  while (Date.now() - t0 < recoveryBound * 1000) {
    last = await ctx.engine.status();
    if (last.up) {
      const p = await ctx.engine.traffic({ from: sender ?? 'left', count: 3, intervalMs: 100 });
      if (p.received >= 2) {
        recovered = Date.now() - t0;
        break;
      }
    } else if (sender) await ctx.engine.traffic({ from: sender, count: 1, intervalMs: 200 });
    await sleep(1000);
  }
  if (!recovered)
    throw fail(
      `the tunnel was not back within ${recoveryBound} s after gw-${peer} restarted${last ? `: ${describeTunnel(last)}` : ''}${recovery.by ? '' : ` (${recovery.says})`}`,
    );
  run.facts.push(
    `tunnel back and passing traffic ${(recovered / 1000).toFixed(1)} s after the restart (bound ${recoveryBound} s)`,
  );
  const got = await pingBoth(ctx.engine, 5, run.facts);
  if (got.left < 5 || got.right < 5)
    throw fail(`after recovery, pings lost: left->right ${got.left}/5, right->left ${got.right}/5`);
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
  const rk = await rekeyNow(ctx.engine, starterOf(ctx.baseline), 20_000);
  run.facts.push(`CHILD_SA rekey under loss: ${rk.detail}`);
  const st = await ctx.engine.status();
  run.facts.push(`tunnel after the rekey: ${describeTunnel(st)}`);
  const problems: string[] = [];
  // A rekey still retransmitting under loss is REKEYING: the tunnel is up and carrying traffic.
  if (!tunnelAlive(st)) problems.push(`the tunnel went down under ${p} % loss: ${describeTunnel(st)}`);
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
  const rk = await rekeyNow(ctx.engine, starterOf(ctx.baseline), 20_000);
  run.facts.push(`CHILD_SA rekey under latency: ${rk.detail}`);
  const problems: string[] = [];
  if (a.received < a.transmitted - 1)
    problems.push(`${a.transmitted - a.received} of ${a.transmitted} pings lost with ${d} ms latency`);
  if (a.rttAvgMs !== undefined && a.rttAvgMs < 1.6 * d)
    problems.push(`round trip ${a.rttAvgMs} ms: the delay did not take effect`);
  if (!rk.ok) problems.push(`rekey under latency failed: ${rk.detail}`);
  if (problems.length) throw fail(problems.join('; '));
}
