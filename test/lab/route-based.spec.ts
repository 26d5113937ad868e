import { afterEach, describe, expect, it } from 'vitest';

import { execIn } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import type { SaSnapshot } from '../../lab/engine/types.js';
import { importConfig } from '../../lab/importers/index.js';
import { siteAddresses } from '../../lab/settings/addresses.js';
import { SIDES } from '../../lab/settings/types.js';
import { fixture } from '../importers/fixtures.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

/**
 * Route-based templates (selectors 0.0.0.0/0 both ways) on the real lab: with kernel-libipsec the
 * route for 0.0.0.0/0 used to take the gateway's own IKE, the VXLAN links and the replies to its
 * LAN into the TUN device, so the CHILD_SA counted tens of thousands of packets out and none in.
 */
function child(snap: SaSnapshot | undefined) {
  return snap?.ikeSas.find((s) => s.state === 'ESTABLISHED')?.children.find((c) => c.state === 'INSTALLED');
}

const TEMPLATES = [
  // ASA VTI: crypto ipsec profile + interface Tunnel1, IKEv2, the left gateway initiates.
  { name: 'ASA VTI (Azure)', file: 'public/asa-azure-ikev2-vti-routebased/config.txt' },
  // PAN-OS tunnel interface without proxy IDs, IKEv2, on demand (trap): the lab's traffic starts it.
  { name: 'Palo Alto tunnel interface (Cloudflare)', file: 'public/pan-cloudflare-magicwan-ikev2-set/config.set' },
];

describe.skipIf(skipWithoutDocker('lab integration (route-based tunnels)'))('route-based templates on the lab', () => {
  let engine: LabEngine | undefined;
  afterEach(async () => {
    await engine?.down();
    engine = undefined;
  });

  for (const t of TEMPLATES) {
    it(`${t.name}: comes up, pings pass both ways and the counters move both ways, and only by the pings`, async () => {
      const imported = importConfig(fixture(t.file));
      expect(imported.routeBased).toBe(true);
      for (const side of SIDES) {
        expect(imported.settings[side].gateway.localTs).toEqual(['0.0.0.0/0']);
        expect(imported.settings[side].gateway.remoteTs).toEqual(['0.0.0.0/0']);
      }
      engine = LabEngine.connect(testLabName('routed'));
      const result = await engine.up(imported.settings, { timeoutMs: 40_000 });
      expect(result.reason).toBeUndefined();
      expect(result.status.up).toBe(true);

      // Idle: nothing of the gateways' own (IKE, DPD, VXLAN) may enter the tunnel.
      const idle0 = await engine.status();
      await new Promise((r) => setTimeout(r, 4000));
      const idle1 = await engine.status();
      for (const side of SIDES) {
        const a = child(idle0.sas[side])!;
        const b = child(idle1.sas[side])!;
        expect(b.packetsOut! - (a.packetsOut ?? 0), `${side}: packets out while idle`).toBe(0);
      }

      const before = await engine.status();
      const there = await engine.traffic({ from: 'left', count: 5, intervalMs: 100 });
      expect(there.received).toBe(5);
      const back = await engine.traffic({ from: 'right', count: 3, intervalMs: 100 });
      expect(back.received).toBe(3);
      const after = await engine.status();
      for (const side of SIDES) {
        const b = child(before.sas[side])!;
        const a = child(after.sas[side])!;
        // 8 echo requests and 8 replies through each gateway, each way: no loop, no echo.
        expect(a.packetsOut! - (b.packetsOut ?? 0), `${side}: packets out`).toBe(8);
        expect(a.packetsIn! - (b.packetsIn ?? 0), `${side}: packets in`).toBe(8);
        expect(a.localTs).toEqual(['0.0.0.0/0']);
        expect(a.remoteTs).toEqual(['0.0.0.0/0']);
      }

      // The gateway still reaches its own LAN host and the router directly, not through the tunnel.
      const gw = engine.container('gw-left');
      const lanHost = siteAddresses(imported.settings, 'left').host;
      const lanRoute = await execIn(engine.docker, gw, ['ip', 'route', 'get', lanHost]);
      expect(lanRoute.stdout).toContain('dev lan');
      expect(lanRoute.stdout).not.toContain('ipsec0');
    }, 180_000);
  }
});
