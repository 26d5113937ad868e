import { describe, expect, it } from 'vitest';

import { renderConf } from '../../lab/config/conf-tree.js';
import { renderStrongswanConf } from '../../lab/config/strongswan-conf.js';
import { connectionTree, renderSwanctlConf } from '../../lab/config/swanctl-conf.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { boxEnv, planTopology } from '../../lab/topology/plan.js';

describe('swanctl.conf generation', () => {
  it('mirrors the two gateways of the default settings', () => {
    const s = defaultSettings();
    const left = connectionTree(s, 'left');
    const right = connectionTree(s, 'right');
    expect(left.local_addrs).toEqual(['198.51.100.10']);
    expect(left.remote_addrs).toEqual(['203.0.113.10']);
    expect(right.remote_addrs).toEqual(['198.51.100.10']);
    expect((left.children as any).net.local_ts).toEqual(['10.1.0.0/24']);
    expect((right.children as any).net.local_ts).toEqual(['10.2.0.0/24']);
    expect((left.children as any).net.start_action).toBe('start');
    expect((right.children as any).net.start_action).toBe('none');
    expect(left.mobike).toBe('yes');
    expect(left.dpd_timeout).toBeUndefined();
  });

  it('writes IKEv1 options only for IKEv1', () => {
    const s = defaultSettings();
    s.left.gateway.ikeVersion = 1;
    s.left.gateway.aggressive = true;
    const t = connectionTree(s, 'left');
    expect(t.version).toBe('1');
    expect(t.aggressive).toBe('yes');
    expect(t.dpd_timeout).toBe('30s');
    expect(t.mobike).toBeUndefined();
  });

  it('masks the PSK unless asked to reveal it', () => {
    const s = defaultSettings();
    expect(renderSwanctlConf(s, 'left')).not.toContain(s.left.gateway.psk);
    expect(renderSwanctlConf(s, 'left', { revealSecrets: true })).toContain(`secret = ${s.left.gateway.psk}`);
  });

  it('renders lists comma-separated and quotes values that need it', () => {
    expect(renderConf({ a: ['x', 'y'], b: 'has space', c: { d: '1' } })).toBe(
      'a = x,y\nb = "has space"\nc {\n  d = 1\n}\n',
    );
  });
});

describe('strongswan.conf generation', () => {
  it('logs at the lab levels with timestamps and IKE SA names to stdout', () => {
    const conf = renderStrongswanConf({ datapath: 'libipsec', realisticTimers: false });
    for (const line of [
      'ike = 2',
      'cfg = 2',
      'knl = 2',
      'net = 2',
      'default = 1',
      'ike_name = yes',
      'path = /dev/stdout',
      'retransmit_tries = 3',
    ])
      expect(conf).toContain(line);
    expect(conf).toMatch(/kernel-libipsec \{\n\s+load = yes/);
  });
  it("uses strongSwan's own timers when realistic", () => {
    const conf = renderStrongswanConf({ datapath: 'kernel', realisticTimers: true });
    expect(conf).not.toContain('retransmit_');
    expect(conf).toMatch(/kernel-libipsec \{\n\s+load = no/);
  });
});

describe('topology plan', () => {
  it('links the five boxes in a chain with matching VXLAN ids', () => {
    const plan = planTopology(defaultSettings());
    expect(plan.map((b) => b.role)).toEqual(['host-left', 'gw-left', 'router', 'gw-right', 'host-right']);
    for (const box of plan) {
      for (const link of box.links) {
        const peer = plan.find((b) => b.role === link.peer)!;
        expect(
          peer.links.some((l) => l.peer === box.role && l.vni === link.vni),
          `${box.role} <-> ${link.peer}`,
        ).toBe(true);
      }
    }
    expect(boxEnv(plan[1], (peer) => peer)).toEqual([
      'LAB_LINKS=lan:11:host-left:10.1.0.1/24:02-1a-b0-0b-00-02 wan:12:router:198.51.100.10/24:02-1a-b0-0c-00-02',
      'LAB_ROUTES=default:198.51.100.1',
    ]);
  });
});
