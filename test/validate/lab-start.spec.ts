// Start semantics and keys on the real lab: an on-demand (trap) gateway is brought up by traffic
// from its LAN, as the device would be; settings where nothing can start fail at once with the
// reason; a key swanctl would decode as hex reads the same from the file after a gateway restart.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import type { LabEvent } from '../../lab/engine/types.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { gatewayRole } from '../../lab/topology/plan.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab start semantics'))('up: who starts the tunnel (real lab)', () => {
  let engine: LabEngine | undefined;
  afterEach(async () => {
    await engine?.down();
    engine = undefined;
  });
  const messages = (e: LabEngine) => {
    const out: string[] = [];
    e.onEvent((ev: LabEvent) => void (ev.type !== 'image' && out.push(ev.message)));
    return out;
  };

  it('an on-demand (trap) gateway facing an answer-only peer comes up on traffic from its LAN, and says so', async () => {
    engine = LabEngine.connect(testLabName('trap'));
    const said = messages(engine);
    const s = defaultSettings();
    s.right.gateway.startAction = 'trap';
    s.left.gateway.startAction = 'wait';
    // The trap needs a first packet from the LAN: allow for a busy machine.
    const r = await engine.up(s, { timeoutMs: 40_000 });
    expect(r.reason).toBeUndefined();
    expect(r.status.up).toBe(true);
    expect(said.join('\n')).toMatch(/gw-right starts on demand \(start action trap\): sending interesting traffic/);
    // gw-right initiated: it is the IKE_SA initiator, as the device behind the traffic would be.
    const ike = r.status.sas.right?.ikeSas.find((i) => i.state === 'ESTABLISHED');
    expect(ike?.initiator).toBe(true);
  }, 120_000);

  it('when neither side can start, up says why at once instead of waiting out its timeout (CLI)', async () => {
    const name = testLabName('none');
    engine = LabEngine.connect(name);
    const s = defaultSettings();
    s.left.gateway.startAction = 'wait';
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-none-'));
    const file = path.join(dir, 'none.json');
    writeFileSync(file, JSON.stringify(s));
    const t0 = Date.now();
    const r = spawnSync(
      process.execPath,
      ['bin/ipsec-lab.js', '--lab', name, 'up', '--settings', file, '--timeout', '90'],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    );
    rmSync(dir, { recursive: true, force: true });
    expect(r.status, r.stderr).toBe(1);
    // Lab creation takes seconds (more on a busy machine); waiting out the 90 s for a tunnel nothing
    // starts would come on top of it.
    expect(Date.now() - t0).toBeLessThan(85_000);
    expect(r.stderr).toMatch(/✘ nothing will start the tunnel: both gateways only answer/);
    expect(r.stdout).toMatch(/tunnel not up after [\d.]+ s: nothing will start the tunnel/);
    expect(r.stdout).not.toMatch(/\bup in /);
  }, 150_000);

  it('a pre-shared key swanctl would read as hex (0x...) survives a restart of a gateway', async () => {
    engine = LabEngine.connect(testLabName('hexpsk'));
    const s = defaultSettings();
    s.left.gateway.psk = '0xdeadbeef';
    s.right.gateway.psk = '0xdeadbeef';
    expect((await engine.up(s, { timeoutMs: 40_000 })).status.up).toBe(true);
    // The initiator restarts: its charon reloads the key from swanctl.conf, the peer keeps the one
    // loaded over VICI. Different bytes would fail IKE_AUTH.
    const box = engine.docker.getContainer(engine.container(gatewayRole('left')));
    await box.restart({ t: 2 });
    engine.forgetViciOf('left');
    const st = await engine.waitForTunnel(40_000);
    expect(st.up, `left ${st.tunnel.left.ike}/${st.tunnel.left.child}`).toBe(true);
    const ping = await engine.traffic({ from: 'left', count: 3, intervalMs: 200 });
    expect(ping.received).toBeGreaterThanOrEqual(2);
  }, 150_000);
});
