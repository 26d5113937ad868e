import { CHILD_NAME, CONNECTION_NAME } from '../config/swanctl-conf.js';
import type { LabEngine } from '../engine/lab-engine.js';
import type { LabStatus } from '../engine/types.js';
import { startPlan } from '../settings/start-plan.js';
import { type LabSettings, type Side, SIDES } from '../settings/types.js';
import type { TemplateContext } from './check-run.js';
import { activeChild, activeIke, sleep } from './evidence.js';

/** The gateway that starts the tunnel (an initiator, else the on-demand one); left when nobody would. */
export function starterOf(s: LabSettings): Side {
  return startPlan(s).starter?.side ?? 'left';
}

/** The LAN whose traffic brings an on-demand (trap) tunnel up, when that is how it starts. */
export function trafficStarter(s: LabSettings): Side | undefined {
  const st = startPlan(s).starter;
  return st?.how === 'traffic' ? st.side : undefined;
}

/** Waits for the tunnel the way the devices bring it up: with traffic from the LAN of an on-demand gateway. */
export function waitUp(engine: LabEngine, settings: LabSettings, timeoutMs: number): Promise<LabStatus> {
  return engine.waitForTunnel(timeoutMs, trafficStarter(settings));
}

const IKE_ALIVE = new Set(['ESTABLISHED', 'REKEYING', 'REKEYED']);
const CHILD_ALIVE = new Set(['INSTALLED', 'REKEYING', 'REKEYED', 'UPDATING']);

/**
 * The tunnel still carries traffic on both gateways: an SA being rekeyed (REKEYING, or the old one
 * REKEYED while the new one installs) is up; `status.up` only counts ESTABLISHED/INSTALLED.
 */
export function tunnelAlive(st: LabStatus): boolean {
  return SIDES.every((side) => {
    const mine = (st.sas[side]?.ikeSas ?? []).filter((i) => i.name === CONNECTION_NAME);
    return mine.some(
      (i) => IKE_ALIVE.has(i.state) && i.children.some((c) => c.name === CHILD_NAME && CHILD_ALIVE.has(c.state)),
    );
  });
}

export function describeTunnel(s: LabStatus): string {
  return `left IKE ${s.tunnel.left.ike}/CHILD ${s.tunnel.left.child}, right IKE ${s.tunnel.right.ike}/CHILD ${s.tunnel.right.child}`;
}

export async function pingBoth(
  engine: LabEngine,
  count: number,
  facts: string[],
): Promise<{ left: number; right: number }> {
  const a = await engine.traffic({ from: 'left', count, intervalMs: 100 });
  const b = await engine.traffic({ from: 'right', count, intervalMs: 100 });
  facts.push(
    `ping host-left -> host-right: ${a.received}/${a.transmitted}${a.rttAvgMs !== undefined ? `, avg ${a.rttAvgMs} ms` : ''}; host-right -> host-left: ${b.received}/${b.transmitted}${b.rttAvgMs !== undefined ? `, avg ${b.rttAvgMs} ms` : ''}`,
  );
  return { left: a.received, right: b.received };
}

/** Puts the template's settings back after a check changed timers (a no-op when nothing changed). */
export async function restore(ctx: TemplateContext): Promise<void> {
  const current = await ctx.engine.settings();
  if (JSON.stringify(current) !== JSON.stringify(ctx.baseline)) await ctx.engine.applySettings(ctx.baseline);
  await waitUp(ctx.engine, ctx.baseline, 20_000);
}

/** Asks a gateway to rekey its CHILD_SA now and waits for the new SPI. */
export async function rekeyNow(
  engine: LabEngine,
  side: Side,
  timeoutMs: number,
): Promise<{ ok: boolean; ms: number; detail: string }> {
  const before = activeChild(activeIke((await engine.snapshot(side)).ikeSas))?.spiIn;
  const t0 = Date.now();
  const client = await engine.viciOf(side);
  const res = await client
    .request('rekey', { child: CHILD_NAME })
    .catch((e: Error) => ({ success: 'no', errmsg: e.message }));
  if (res.success !== 'yes')
    return { ok: false, ms: 0, detail: `charon refused the rekey: ${String(res.errmsg ?? 'no reason')}` };
  while (Date.now() - t0 < timeoutMs) {
    const snap = await engine.snapshot(side);
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
