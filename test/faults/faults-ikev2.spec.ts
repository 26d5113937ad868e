import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { counters, expectHealthy, installedChild, useFaultLab, waitStatus } from './harness.js';

/**
 * Every catalogue fault on one IKEv2 lab: apply it, see strongSwan's real symptom (state, logs,
 * counters), revert it, and see a working tunnel with traffic again.
 */
describe.skipIf(skipWithoutDocker('fault integration (IKEv2)'))('faults on a live IKEv2 lab', () => {
  const { engine, faults, w, breakIt, fixIt, diagnosed } = useFaultLab('f2', defaultSettings);

  it('psk-mismatch: no IKE_SA, the responder logs the MAC mismatch, the initiator AUTHENTICATION_FAILED', async () => {
    await breakIt('psk-mismatch');
    await w.logs('right', /tried \d+ shared key for .* but MAC mismatched/);
    await w.logs('left', /received AUTHENTICATION_FAILED notify error/);
    await diagnosed('psk-mismatch');
    const s = await engine.status();
    expect(s.tunnel.left.ike).not.toBe('ESTABLISHED');
    // The CLI's `explain` reaches the same cause from the logs since the change.
    const { diagnoseLab } = await import('../../lab/engine/lab-diagnosis.js');
    expect((await diagnoseLab(engine, { traffic: false })).verdict).toBe('psk-mismatch');
    await fixIt();
  });

  it('ike-proposal-mismatch: NO_PROPOSAL_CHOSEN, the responder lists both proposal sets', async () => {
    await breakIt('ike-proposal-mismatch');
    await w.logs('right', /configured proposals: IKE:AES_CBC_128\/HMAC_SHA1_96/);
    await w.logs('left', /received NO_PROPOSAL_CHOSEN notify error/);
    await diagnosed('ike-proposal-mismatch');
    await fixIt();
  });

  it('dh-group-mismatch: the proposals differ only in the group, nothing is chosen', async () => {
    await breakIt('dh-group-mismatch');
    await w.logs('right', /configured proposals: .*ECP_384/);
    await w.logs('left', /received NO_PROPOSAL_CHOSEN notify error/);
    await diagnosed('dh-group-mismatch');
    await fixIt();
  });

  it('ike-version-mismatch: the responder finds no IKE config for the peer', async () => {
    await breakIt('ike-version-mismatch');
    await w.logs('right', /no IKE config found for 203\.0\.113\.10\.\.\.198\.51\.100\.10/);
    await diagnosed('ike-version-mismatch');
    await fixIt();
  });

  it('peer-address-mismatch: the responder finds no IKE config for the real peer address', async () => {
    await breakIt('peer-address-mismatch');
    await w.logs('right', /no IKE config found for 203\.0\.113\.10\.\.\.198\.51\.100\.10/);
    await diagnosed('peer-address-mismatch');
    await fixIt();
  });

  it('id-mismatch: the responder finds no matching peer config', async () => {
    await breakIt('id-mismatch');
    await w.logs('right', /no matching peer config found/);
    await w.logs('left', /received AUTHENTICATION_FAILED notify error/);
    await diagnosed('id-mismatch');
    await fixIt();
  });

  it('no-initiator: with both sides waiting, nothing is sent at all', async () => {
    await breakIt('no-initiator');
    await new Promise((r) => setTimeout(r, 4000));
    const s = await engine.status();
    expect(s.tunnel.left.ike).toBe('NONE');
    expect(s.tunnel.right.ike).toBe('NONE');
    // Tearing down the old SAs sends DELETEs; what must not happen is a new negotiation.
    expect(w.since().filter((r) => /initiating IKE_SA|generating IKE_SA_INIT request/.test(r.message))).toEqual([]);
    await diagnosed('no-initiator');
    await fixIt();
  });

  it('peer-unreachable: IKE_SA_INIT retransmitted, the responder hears nothing', async () => {
    await breakIt('peer-unreachable');
    await w.logs('left', /retransmit 2 of request with message ID 0/);
    await diagnosed(['peer-unreachable', 'ike-port-blocked']);
    expect(w.since('right').filter((r) => /received packet/.test(r.message))).toEqual([]);
    await fixIt();
  });

  it('ike-port-blocked: IKE_SA_INIT retransmitted until strongSwan gives up', async () => {
    await breakIt('ike-port-blocked');
    await w.logs('left', /retransmit 1 of request with message ID 0/);
    await diagnosed(['ike-port-blocked', 'peer-unreachable']);
    await w.logs('left', /giving up after 3 retransmits/, 20_000);
    expect(w.since('right').filter((r) => /received packet: from 198\.51\.100\.10\[500\]/.test(r.message))).toEqual([]);
    await fixIt();
  });

  it('natt-port-blocked: IKE_SA_INIT completes on 500, IKE_AUTH (message ID 1) retransmitted from 4500', async () => {
    await breakIt('natt-port-blocked');
    await w.logs('left', /parsed IKE_SA_INIT response 0/);
    await w.logs('left', /retransmit 1 of request with message ID 1/);
    await diagnosed('natt-port-blocked');
    expect(w.since('left').some((r) => /sending packet: from 198\.51\.100\.10\[4500\]/.test(r.message))).toBe(true);
    await fixIt();
  });

  it('gateway-route-missing: gw-left cannot send at all', async () => {
    await breakIt('gateway-route-missing');
    await w.logs('left', /error writing to socket: Network is unreachable|unable to send|no route/i);
    await diagnosed('local-socket-error');
    await fixIt();
  });

  it('esp-proposal-mismatch: IKE_SA up, no CHILD_SA, NO_PROPOSAL_CHOSEN for the child', async () => {
    await breakIt('esp-proposal-mismatch');
    await w.logs('left', /received NO_PROPOSAL_CHOSEN notify, no CHILD_SA built/);
    await w.logs('right', /failed to establish CHILD_SA, keeping IKE_SA/);
    await diagnosed('esp-proposal-mismatch');
    const s = await waitStatus(engine, (x) => x.tunnel.left.ike === 'ESTABLISHED', 10_000, 'IKE_SA up');
    expect(s.tunnel.left.child).toBe('NONE');
    await fixIt();
  });

  it('pfs-mismatch: the first CHILD_SA comes up, its first rekey fails', async () => {
    await breakIt('pfs-mismatch');
    await waitStatus(engine, (s) => s.up, 15_000, 'the first CHILD_SA (no key exchange in IKE_AUTH)');
    await w.logs('left', /received NO_PROPOSAL_CHOSEN notify|CHILD_SA rekeying failed|no acceptable proposal/, 30_000);
    await diagnosed('pfs-mismatch');
    await fixIt();
  }, 90_000);

  it('ts-mismatch: IKE_SA up, no CHILD_SA, TS_UNACCEPTABLE', async () => {
    await breakIt('ts-mismatch');
    await w.logs('right', /traffic selectors .* unacceptable/);
    await w.logs('left', /received TS_UNACCEPTABLE notify, no CHILD_SA built/);
    await diagnosed('ts-mismatch');
    await fixIt();
  });

  it('no-return-traffic: CHILD_SA up, gw-right counts packets in but sends none back', async () => {
    await breakIt('no-return-traffic');
    const before = await engine.status();
    const r = await engine.traffic({ from: 'left', count: 5, intervalMs: 100 });
    expect(r.received).toBe(0);
    const after = await engine.status();
    const rb = counters(installedChild(before, 'right'));
    const ra = counters(installedChild(after, 'right'));
    expect(ra.in - rb.in).toBe(5);
    expect(ra.out - rb.out).toBe(0);
    await diagnosed('no-return-traffic');
    await fixIt();
  });

  it('lan-host-firewall: the same counters signature, from a LAN firewall', async () => {
    await breakIt('lan-host-firewall');
    const before = await engine.status();
    const r = await engine.traffic({ from: 'left', count: 4, intervalMs: 100 });
    expect(r.received).toBe(0);
    const after = await engine.status();
    expect(counters(installedChild(after, 'right')).in - counters(installedChild(before, 'right')).in).toBe(4);
    expect(counters(installedChild(after, 'right')).out - counters(installedChild(before, 'right')).out).toBe(0);
    await diagnosed('no-return-traffic');
    await fixIt();
  });

  it('esp-blocked: gw-left sends ESP, gw-right receives none; IKE still passes', async () => {
    await breakIt('esp-blocked');
    const before = await engine.status();
    const r = await engine.traffic({ from: 'left', count: 4, intervalMs: 100 });
    expect(r.received).toBe(0);
    const after = await engine.status();
    expect(counters(installedChild(after, 'left')).out - counters(installedChild(before, 'left')).out).toBe(4);
    expect(counters(installedChild(after, 'right')).in - counters(installedChild(before, 'right')).in).toBe(0);
    expect(after.up).toBe(true);
    await diagnosed('esp-blocked');
    await fixIt();
  });

  it('no-outbound-traffic: the encryption domain misses the host, gw-left encrypts nothing', async () => {
    await breakIt('no-outbound-traffic');
    const s = await waitStatus(engine, (x) => x.up, 15_000, 'tunnel with narrowed selectors');
    expect(installedChild(s, 'left')?.localTs).toEqual(['10.1.0.128/25']);
    const r = await engine.traffic({ from: 'left', count: 4, intervalMs: 100 });
    expect(r.received).toBe(0);
    const after = await engine.status();
    expect(counters(installedChild(after, 'left')).out).toBe(0);
    await diagnosed('no-outbound-traffic');
    await fixIt();
  });

  it('overlapping-subnets: the tunnel carries 10.0.0.0/8, which swallows the local LAN', async () => {
    await breakIt('overlapping-subnets');
    const s = await waitStatus(engine, (x) => x.up, 15_000, 'tunnel with the overlapping selector');
    expect(installedChild(s, 'left')?.remoteTs).toEqual(['10.0.0.0/8']);
    await diagnosed('overlapping-subnets');
    await fixIt();
  });

  it('left-behind-nat: NAT is detected for real and the tunnel works through it', async () => {
    await breakIt('left-behind-nat');
    await w.logs('left', /local host is behind NAT, sending keep alives/, 20_000);
    const s = await waitStatus(engine, (x) => x.up, 20_000, 'tunnel through NAT');
    expect(s.sas.right!.ikeSas.find((i) => i.state === 'ESTABLISHED')?.remoteHost).toBe('203.0.113.1');
    const r = await engine.traffic({ from: 'left', count: 3, intervalMs: 100 });
    expect(r.received).toBe(3);
    await diagnosed('healthy');
    await fixIt();
  });

  it('dpd-peer-dead: gw-left runs DPD against a frozen peer and gives up', async () => {
    await breakIt('dpd-peer-dead');
    await w.logs('left', /sending DPD request/, 10_000);
    await w.logs('left', /retransmit \d of request with message ID \d+/, 10_000);
    await diagnosed('dpd-peer-dead');
    await w.logs('left', /giving up after 3 retransmits/, 20_000);
    await fixIt();
  }, 90_000);

  it('peer-restart: gw-right comes back without SAs while gw-left keeps its stale ones', async () => {
    await breakIt('peer-restart');
    const s = await waitStatus(
      engine,
      (x) =>
        x.boxes.find((b) => b.role === 'gw-right')?.state === 'running' &&
        !x.sas.right?.error &&
        x.tunnel.right.ike === 'NONE',
      20_000,
      'gw-right back without SAs',
    );
    expect(s.tunnel.left.ike).toBe('ESTABLISHED');
    await w.restartStreams();
    await engine.traffic({ from: 'left', count: 3, intervalMs: 100 });
    await diagnosed('stale-sa');
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
    await diagnosed('peer-closed');
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
    await diagnosed('healthy');
    await fixIt();
  }, 90_000);

  it('packet-loss: about half the round trips are lost at 30 % each way', async () => {
    await breakIt('packet-loss');
    const r = await engine.traffic({ from: 'left', count: 60, intervalMs: 20 });
    expect(r.lossPercent).toBeGreaterThan(20);
    expect(r.lossPercent).toBeLessThan(85);
    await diagnosed('packet-loss');
    await fixIt();
  });

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
    const st = await waitStatus(engine, (x) => x.up, 20_000, 'the tunnel with the new algorithms');
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
