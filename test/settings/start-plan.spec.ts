import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import { lanTrafficMatches, recoveryAfterRestart, startPlan } from '../../lab/settings/start-plan.js';
import type { DpdAction, StartAction } from '../../lab/settings/types.js';

const settings = (left: StartAction, right: StartAction, dpd: [DpdAction, DpdAction] = ['restart', 'restart']) => {
  const s = defaultSettings();
  s.left.gateway.startAction = left;
  s.right.gateway.startAction = right;
  s.left.gateway.dpd.action = dpd[0];
  s.right.gateway.dpd.action = dpd[1];
  return s;
};

describe('who starts the tunnel, as on the devices', () => {
  it('an initiator starts at once, before any trap gateway', () => {
    expect(startPlan(settings('trap', 'initiate')).starter).toMatchObject({ side: 'right', how: 'initiate' });
  });

  it('a trap (on-demand) gateway starts on traffic from its own LAN, and says so', () => {
    const p = startPlan(settings('wait', 'trap'));
    expect(p.starter).toMatchObject({ side: 'right', how: 'traffic' });
    expect(p.starter?.says).toMatch(/sending interesting traffic from host-right to host-left/);
  });

  it('nothing starts when both only answer, or the trap side matches no lab traffic', () => {
    expect(startPlan(settings('wait', 'wait')).reason).toMatch(/both gateways only answer/);
    const s = settings('trap', 'wait');
    s.left.gateway.remoteTs = ['192.168.77.0/24'];
    expect(lanTrafficMatches(s, 'left')).toBe(false);
    expect(startPlan(s).starter).toBeUndefined();
    expect(startPlan(s).reason).toMatch(/gw-left starts on demand \(trap\) but no traffic .* gw-right only answers/);
  });

  it('selectors given as single addresses or 0.0.0.0/0 (route-based) match the lab hosts', () => {
    const s = settings('trap', 'wait');
    s.left.gateway.localTs = ['10.1.0.10'];
    s.left.gateway.remoteTs = ['0.0.0.0/0'];
    expect(lanTrafficMatches(s, 'left')).toBe(true);
    s.left.gateway.localTs = ['10.1.0.11'];
    expect(lanTrafficMatches(s, 'left')).toBe(false);
  });
});

describe('who brings the tunnel back after a gateway restarts', () => {
  it('a restarted initiator initiates again', () => {
    expect(recoveryAfterRestart(settings('initiate', 'wait'), 'left')).toMatchObject({ by: 'left', how: 'initiate' });
  });
  it("the survivor's DPD restart initiates at once; DPD trap waits for traffic from its LAN", () => {
    expect(recoveryAfterRestart(settings('initiate', 'wait'), 'right')).toMatchObject({
      by: 'left',
      how: 'dpd-restart',
    });
    const r = recoveryAfterRestart(settings('trap', 'wait', ['trap', 'trap']), 'right');
    expect(r).toMatchObject({ by: 'left', how: 'traffic' });
    expect(r.says).toMatch(/next packet from host-left/);
  });
  it('a trap start action brings it back on traffic even with DPD action clear', () => {
    expect(recoveryAfterRestart(settings('trap', 'wait', ['clear', 'clear']), 'right')).toMatchObject({
      by: 'left',
      how: 'traffic',
    });
  });
  it('nobody does with DPD clear and no trap, or without DPD', () => {
    expect(recoveryAfterRestart(settings('initiate', 'wait', ['clear', 'clear']), 'right').by).toBeUndefined();
    const s = settings('initiate', 'wait');
    s.left.gateway.dpd.delay = 0;
    expect(recoveryAfterRestart(s, 'right').says).toMatch(/gw-left has no DPD, so it keeps its stale SAs/);
  });
});
