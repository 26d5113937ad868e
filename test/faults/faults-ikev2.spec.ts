import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { catalogueCases, expectHealthy, installedChild, useFaultLab, waitStatus } from './harness.js';

/**
 * Every catalogue fault on one IKEv2 lab: apply it, see strongSwan's real symptom as the
 * catalogue's evidence rows say (logs, SA states, counters, the live verdict), revert it, and see a
 * working tunnel with traffic again.
 */
describe.skipIf(skipWithoutDocker('fault integration (IKEv2)'))('faults on a live IKEv2 lab', () => {
  const lab = useFaultLab('f2', defaultSettings);
  const { engine, faults, w, breakIt, fixIt, shows } = lab;

  catalogueCases(lab, 2, {
    aside: ['peer-restart', 'peer-down', 'lifetime-mismatch'],
    after: {
      // The CLI's `explain` reaches the same cause from the logs since the change.
      'psk-mismatch': async () => {
        const { diagnoseLab } = await import('../../lab/engine/lab-diagnosis.js');
        expect((await diagnoseLab(engine, { traffic: false })).verdict).toBe('psk-mismatch');
      },
    },
  });

  it('peer-restart: gw-right comes back without SAs while gw-left keeps its stale ones', async () => {
    await breakIt('peer-restart');
    await waitStatus(
      engine,
      (x) => x.boxes.find((b) => b.role === 'gw-right')?.state === 'running' && !x.sas.right?.error,
      20_000,
      'gw-right running again',
    );
    await w.restartStreams();
    await shows('peer-restart', 2);
    await fixIt();
  }, 90_000);

  it('peer-down: gw-right stopped', async () => {
    await breakIt('peer-down');
    await waitStatus(
      engine,
      (x) => x.boxes.find((b) => b.role === 'gw-right')?.state === 'exited',
      10_000,
      'gw-right stopped',
    );
    await shows('peer-down', 2);
    await fixIt();
    await w.restartStreams();
  }, 90_000);

  it('lifetime-mismatch: the tunnel stays up while gw-left rekeys its CHILD_SA every 15 s', async () => {
    await breakIt('lifetime-mismatch');
    const first = await waitStatus(engine, (x) => x.up, 15_000, 'tunnel up');
    const firstChild = installedChild(first, 'left')!.uniqueId;
    await waitStatus(
      engine,
      (x) => (installedChild(x, 'left')?.uniqueId ?? 0) > firstChild,
      30_000,
      'a rekeyed CHILD_SA',
    );
    await shows('lifetime-mismatch', 2);
    await fixIt();
  }, 90_000);

  it('composes several faults and reverts them all with no leftovers', async () => {
    w.setMark();
    await faults.apply(['esp-blocked', 'lan-host-firewall', 'ts-mismatch']);
    expect((await faults.state()).active.map((a) => a.id)).toEqual(['esp-blocked', 'lan-host-firewall', 'ts-mismatch']);
    await w.logs('left', /received TS_UNACCEPTABLE notify/);
    await faults.revert();
    const { execIn } = await import('../../lab/docker/exec.js');
    const tables = await execIn(engine.docker, engine.container('router'), ['nft', 'list', 'tables']);
    expect(tables.stdout).not.toMatch(/lab_/);
    const host = await execIn(engine.docker, engine.container('host-right'), ['nft', 'list', 'tables']);
    expect(host.stdout).not.toMatch(/lab_/);
    expect(await engine.settings()).toEqual(defaultSettings());
    await expectHealthy(engine);
  });

  it('applies edited settings live: new algorithms on both gateways, no rebuild', async () => {
    const boxesBefore = (await engine.find())!.containers.map((c) => c.id).sort();
    const s = structuredClone(await engine.settings());
    for (const side of ['left', 'right'] as const) {
      s[side].gateway.ikeProposals = ['aes128gcm16-prfsha256-ecp256'];
      s[side].gateway.espProposals = ['aes128gcm16'];
    }
    const r = await engine.applySettings(s);
    expect(r.changed).toEqual(['left', 'right']);
    // The SAs negotiated with the new proposals (not a listing of the old ones read before they went).
    const st = await waitStatus(
      engine,
      (x) => x.up && installedChild(x, 'right')?.encrAlg === 'AES_GCM_16',
      30_000,
      'the tunnel with the new algorithms',
    );
    const ike = st.sas.left!.ikeSas.find((i) => i.state === 'ESTABLISHED')!;
    expect(ike.encrAlg).toBe('AES_GCM_16');
    expect(ike.dhGroup).toBe('ECP_256');
    expect(installedChild(st, 'right')?.encrAlg).toBe('AES_GCM_16');
    expect((await engine.find())!.containers.map((c) => c.id).sort()).toEqual(boxesBefore);
    await engine.applySettings(defaultSettings());
    await expectHealthy(engine);
  });

  it('refuses bad input and leaves the lab as it was', async () => {
    await expect(faults.apply(['no-such-fault'])).rejects.toMatchObject({ code: 'unknown-fault' });
    await expect(faults.apply(['aggressive-mode-mismatch'])).rejects.toMatchObject({ code: 'fault-unavailable' });
    await expect(faults.impair({ 'left-to-right': { lossPercent: 150 } })).rejects.toThrow(
      /left-to-right.lossPercent: 150 is out of range/,
    );
    await expect(faults.impair({ 'left-to-right': { delayMs: -5 } })).rejects.toThrow(/left-to-right.delayMs/);
    const bad = structuredClone(await engine.settings());
    bad.right.gateway.espProposals = ['aes256-sha999'];
    await expect(engine.applySettings(bad)).rejects.toMatchObject({
      code: 'invalid-settings',
      issues: [{ field: 'right.gateway.espProposals[0]' }],
    });
    const moved = structuredClone(await engine.settings());
    moved.left.lan = '10.50.0.0/24';
    await expect(engine.applySettings(moved)).rejects.toThrow(/left.lan: a running lab cannot change its subnets/);
    expect((await faults.state()).active).toEqual([]);
    expect(await engine.settings()).toEqual(defaultSettings());
    expect((await engine.status()).up).toBe(true);
  });
});
