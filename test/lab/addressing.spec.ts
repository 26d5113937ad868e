// A customer's LANs where Docker's own address pools are (192.168.x, 172.17-31.x, 10.x): the lab's
// network takes a subnet of its own choosing, so the LAN hosts' replies go back through their
// gateway and the tunnel carries traffic both ways. Both LANs are put exactly where Docker would
// place its next network from its pool that moment, the case that broke before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execIn } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { cidrsOverlap, hostAddress, parseCidr } from '../../lab/settings/addresses.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { usedSubnets } from '../../lab/topology/underlay.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab addressing (LANs inside Docker pools)'))(
  "LANs inside Docker's default address pools",
  () => {
    const engine = LabEngine.connect(testLabName('pool'));
    let settings: LabSettings;
    let poolSubnet = '';

    beforeAll(async () => {
      // Where Docker would put a network now: make one without IPAM, read its subnet, remove it.
      const probe = await engine.docker.createNetwork({
        Name: `${engine.name}-probe`,
        Driver: 'bridge',
        Internal: true,
        Labels: { 'ipsec-lab.test-probe': '1' },
      });
      try {
        poolSubnet = (await probe.inspect()).IPAM?.Config?.[0]?.Subnet ?? '';
      } finally {
        await probe.remove();
      }
      const pool = parseCidr(poolSubnet)!;
      expect(pool.prefix).toBeLessThanOrEqual(24);
      settings = defaultSettings();
      // Both LANs inside the pool subnet: each LAN host's reply to the other site is the packet that
      // went astray (a connected route on eth0 for the whole pool subnet).
      settings.left.lan = `${hostAddress(poolSubnet, 0)}/24`;
      settings.right.lan = `${hostAddress(poolSubnet, 256)}/24`;
      settings.left.wan = '10.10.0.0/24';
      settings.right.wan = '10.20.0.0/24';
      settings.left.gateway.localId = settings.right.gateway.remoteId = hostAddress(settings.left.wan, 10);
      settings.right.gateway.localId = settings.left.gateway.remoteId = hostAddress(settings.right.wan, 10);
      const r = await engine.up(settings, { timeoutMs: 40_000 });
      expect(r.reason).toBeUndefined();
    });

    afterAll(async () => {
      await engine.down();
    });

    it("gives the lab's network a subnet clear of every LAN, WAN and selector", async () => {
      const lab = (await engine.find())!;
      const net = await engine.docker.getNetwork(lab.networks[0].id).inspect();
      const subnet = net.IPAM?.Config?.[0]?.Subnet ?? '';
      expect(net.Internal).toBe(true);
      for (const u of usedSubnets(settings)) expect(cidrsOverlap(u.cidr, subnet), `${u.field} ${u.cidr}`).toBe(false);
      // Docker's own pick would have held both LANs.
      expect(cidrsOverlap(poolSubnet, settings.left.lan) && cidrsOverlap(poolSubnet, settings.right.lan)).toBe(true);
      expect(cidrsOverlap(subnet, poolSubnet)).toBe(false);
    });

    it('routes the LAN hosts to the other site through their gateway only', async () => {
      for (const [side, other] of [
        ['right', 'left'],
        ['left', 'right'],
      ] as const) {
        const r = await execIn(engine.docker, engine.container(`host-${side}`), [
          'ip',
          'route',
          'get',
          hostAddress(settings[other].lan, 10),
        ]);
        expect(r.exitCode).toBe(0);
        expect(r.stdout).toContain(`via ${hostAddress(settings[side].lan, 1)} dev lan`);
      }
    });

    it('passes traffic both ways through the tunnel', async () => {
      // ping stops waiting two round trips after its last request: on a loaded machine a late reply
      // counts as lost (seen here: 4 of 5). Replies that go astray, the bug this guards, never come:
      // a second series that gets them all shows the way back works.
      const series = async (from: 'left' | 'right') => {
        const r = await engine.traffic({ from, count: 5, intervalMs: 100 });
        return r.received === 5 ? r : engine.traffic({ from, count: 5, intervalMs: 100 });
      };
      expect((await series('left')).received).toBe(5);
      expect((await series('right')).received).toBe(5);
    });
  },
);
