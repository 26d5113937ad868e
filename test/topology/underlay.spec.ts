import { describe, expect, it } from 'vitest';

import { cidrsOverlap } from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { boxEnv, planTopology, ROLES } from '../../lab/topology/plan.js';
import {
  boxUnderlayAddress,
  chooseUnderlay,
  underlayDynamicRange,
  underlayGateway,
  underlayOverlaps,
  usedSubnets,
} from '../../lab/topology/underlay.js';

describe("the lab's own Docker network subnet", () => {
  it('names every subnet the settings use, with its field', () => {
    const s = defaultSettings();
    s.right.gateway.remoteTs = ['10.1.0.0/24', '10.9.9.9'];
    s.left.gateway.peerAddress = '203.0.113.77';
    const used = usedSubnets(s);
    expect(used).toContainEqual({ field: 'left.lan', cidr: '10.1.0.0/24' });
    expect(used).toContainEqual({ field: 'right.wan', cidr: '203.0.113.0/24' });
    expect(used).toContainEqual({ field: 'right.gateway.remoteTs[1]', cidr: '10.9.9.9/32' });
    expect(used).toContainEqual({ field: 'left.gateway.peerAddress', cidr: '203.0.113.77/32' });
  });

  it('stays clear of LANs in every Docker default pool, and of subnets other networks hold', () => {
    const s = defaultSettings();
    s.left.lan = '192.168.10.0/24';
    s.right.lan = '172.20.0.0/24';
    s.left.wan = '10.0.0.0/8';
    const taken = ['172.17.0.0/16', '198.19.0.0/24', '198.19.1.0/24'];
    const chosen = chooseUnderlay(s, taken);
    for (const u of usedSubnets(s)) expect(cidrsOverlap(u.cidr, chosen), u.field).toBe(false);
    for (const t of taken) expect(cidrsOverlap(t, chosen), t).toBe(false);
    expect(chosen).toBe('198.19.2.0/24');
  });

  it('chooses again when a setting sits in the first candidates (a LAN, a selector)', () => {
    const s = defaultSettings();
    s.left.lan = '198.19.0.0/16';
    s.right.gateway.localTs = ['198.18.0.0/15'];
    const chosen = chooseUnderlay(s);
    expect(chosen).toBe('100.64.0.0/24');
    expect(underlayOverlaps(s, chosen)).toEqual([]);
    expect(underlayOverlaps(s, '198.19.4.0/24').map((u) => u.field)).toEqual(['left.lan', 'right.gateway.localTs[0]']);
  });

  it('leaves out a 0.0.0.0/0 selector (a full tunnel holds every subnet) but not a broad one', () => {
    const s = defaultSettings();
    s.left.gateway.remoteTs = ['0.0.0.0/0'];
    s.right.gateway.localTs = ['0.0.0.0/0'];
    expect(chooseUnderlay(s)).toBe('198.19.0.0/24');
    s.left.gateway.localTs = ['192.0.0.0/2'];
    expect(chooseUnderlay(s)).toBe('100.64.0.0/24');
  });

  it('refuses with the overlapping fields named when no candidate is left', () => {
    const s = defaultSettings();
    s.left.gateway.remoteTs = ['0.0.0.0/1', '128.0.0.0/1'];
    expect(() => chooseUnderlay(s)).toThrow(
      /198\.19\.0\.0\/16: overlaps left\.gateway\.remoteTs\[1\] 128\.0\.0\.0\/1.*100\.64\.0\.0\/10: overlaps left\.gateway\.remoteTs\[0\] 0\.0\.0\.0\/1/,
    );
    try {
      chooseUnderlay(s);
    } catch (e) {
      expect((e as { code?: string }).code).toBe('invalid-settings');
    }
  });
});

describe("the boxes' fixed underlay addresses", () => {
  const underlay = '198.19.7.0/24';

  it('are five distinct addresses in the subnet, clear of the bridge and of the range Docker allocates from', () => {
    const addresses = ROLES.map((r) => boxUnderlayAddress(underlay, r));
    expect(new Set(addresses).size).toBe(5);
    const dynamic = underlayDynamicRange(underlay);
    expect(dynamic).toBe('198.19.7.128/25');
    for (const a of addresses) {
      expect(cidrsOverlap(`${a}/32`, underlay)).toBe(true);
      expect(cidrsOverlap(`${a}/32`, dynamic)).toBe(false);
      expect(a).not.toBe(underlayGateway(underlay));
    }
  });

  it("name each link's far end in the box's environment, so no box waits for a peer's DNS name", () => {
    const gwLeft = planTopology(defaultSettings()).find((b) => b.role === 'gw-left')!;
    const links = boxEnv(gwLeft, (peer) => boxUnderlayAddress(underlay, peer))[0];
    expect(links).toContain(`:${boxUnderlayAddress(underlay, 'host-left')}:`);
    expect(links).toContain(`:${boxUnderlayAddress(underlay, 'router')}:`);
    expect(links).not.toMatch(/:(host-left|router):/);
  });
});
