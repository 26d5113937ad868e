import { describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { counters, installedChild, useFaultLab, waitStatus } from './harness.js';

function ikev1(): LabSettings {
  const s = defaultSettings();
  for (const side of ['left', 'right'] as const) s[side].gateway.ikeVersion = 1;
  return s;
}

/**
 * Faults on an IKEv1 lab (main mode, quick mode): strongSwan's real symptom, then the live
 * diagnosis naming the cause from the evidence alone.
 */
describe.skipIf(skipWithoutDocker('fault integration (IKEv1)'))('faults on a live IKEv1 lab', () => {
  const { engine, w, breakIt, fixIt, diagnosed } = useFaultLab('f1', ikev1);

  it('psk-mismatch: main mode fails at messages 5/6 (decryption fails on the responder)', async () => {
    await breakIt('psk-mismatch');
    await w.logs('right', /invalid ID_V1 payload length, decryption failed\?|could not decrypt payloads/);
    expect((await engine.status()).tunnel.right.ike).not.toBe('ESTABLISHED');
    await diagnosed('psk-mismatch');
    await fixIt();
  });

  it('ike-proposal-mismatch: the responder finds no proposal for main mode', async () => {
    await breakIt('ike-proposal-mismatch');
    await w.logs('right', /no proposal found|received proposals unacceptable/);
    await w.logs('left', /received NO_PROPOSAL_CHOSEN error notify/);
    await diagnosed('ike-proposal-mismatch');
    await fixIt();
  });

  it('esp-proposal-mismatch: ISAKMP SA up (MM_ACTIVE), quick mode refused', async () => {
    await breakIt('esp-proposal-mismatch');
    await w.logs('right', /no matching proposal found, sending NO_PROPOSAL_CHOSEN/);
    const s = await waitStatus(engine, (x) => x.tunnel.left.ike === 'ESTABLISHED', 10_000, 'ISAKMP SA');
    expect(s.tunnel.left.child).not.toBe('INSTALLED');
    await diagnosed('esp-proposal-mismatch');
    await fixIt();
  });

  it('pfs-mismatch: quick mode fails at once', async () => {
    await breakIt('pfs-mismatch');
    await w.logs('right', /no matching proposal found|no acceptable (DIFFIE_HELLMAN_GROUP|KEY_EXCHANGE_METHOD)/);
    expect((await engine.status()).tunnel.left.child).not.toBe('INSTALLED');
    await diagnosed('pfs-mismatch');
    await fixIt();
  });

  it('ts-mismatch: quick mode finds no matching CHILD_SA config (INVALID_ID_INFORMATION)', async () => {
    await breakIt('ts-mismatch');
    await w.logs('right', /no matching CHILD_SA config found/);
    await w.logs('left', /received INVALID_ID_INFORMATION error notify/);
    await diagnosed('ts-mismatch');
    await fixIt();
  });

  it('aggressive-mode-mismatch: an aggressive mode initiator meets a main mode responder', async () => {
    await breakIt('aggressive-mode-mismatch');
    await w.logs('left', /initiating Aggressive Mode IKE_SA/);
    await waitStatus(engine, (x) => !x.up, 15_000, 'the tunnel to be down');
    await diagnosed('aggressive-mode-mismatch');
    await fixIt();
  });

  it('dpd-peer-dead: IKEv1 DPD (R_U_THERE) times out against a frozen peer', async () => {
    await breakIt('dpd-peer-dead');
    await w.logs('left', /sending DPD request|R_U_THERE/, 15_000);
    await w.logs('left', /DPD check timed out|giving up after \d+ retransmits/, 30_000);
    await diagnosed('dpd-peer-dead');
    await fixIt();
  }, 90_000);

  it('dh-group-mismatch: main mode finds no proposal, the lists differ only in the group', async () => {
    await breakIt('dh-group-mismatch');
    await w.logs('right', /configured proposals: .*ECP_384/);
    await w.logs('left', /received NO_PROPOSAL_CHOSEN error notify/);
    await diagnosed('dh-group-mismatch');
    await fixIt();
  });

  it('ike-version-mismatch and peer-address-mismatch: the responder finds no IKE config', async () => {
    await breakIt('ike-version-mismatch');
    await w.logs('right', /no IKE config found for 203\.0\.113\.10\.\.\.198\.51\.100\.10/);
    await diagnosed('ike-version-mismatch');
    await fixIt();
    await breakIt('peer-address-mismatch');
    await w.logs('right', /no IKE config found for 203\.0\.113\.10\.\.\.198\.51\.100\.10/);
    await diagnosed('peer-address-mismatch');
    await fixIt();
  });

  it('id-mismatch: main mode authentication refused for the identity', async () => {
    await breakIt('id-mismatch');
    await w.logs('left', /received AUTHENTICATION_FAILED error notify/);
    await diagnosed('id-mismatch');
    await fixIt();
  });

  it('ike-port-blocked: main mode message 1 retransmitted unanswered', async () => {
    await breakIt('ike-port-blocked');
    await w.logs('left', /sending retransmit 1 of request message ID 0/);
    await diagnosed(['ike-port-blocked', 'peer-unreachable']);
    await fixIt();
  });

  it('no-initiator: nothing is sent, and the live diagnosis says why', async () => {
    await breakIt('no-initiator');
    await new Promise((r) => setTimeout(r, 4000));
    expect(w.since().filter((r) => /initiating Main Mode IKE_SA/.test(r.message))).toEqual([]);
    await diagnosed('no-initiator');
    await fixIt();
  });

  it('esp-blocked and no-return-traffic: the counters tell them apart', async () => {
    await breakIt('esp-blocked');
    let before = await engine.status();
    expect((await engine.traffic({ from: 'left', count: 4, intervalMs: 100 })).received).toBe(0);
    let after = await engine.status();
    expect(counters(installedChild(after, 'right')).in - counters(installedChild(before, 'right')).in).toBe(0);
    await diagnosed('esp-blocked');
    await fixIt();
    await breakIt('no-return-traffic');
    before = await engine.status();
    expect((await engine.traffic({ from: 'left', count: 4, intervalMs: 100 })).received).toBe(0);
    after = await engine.status();
    expect(counters(installedChild(after, 'right')).in - counters(installedChild(before, 'right')).in).toBe(4);
    await diagnosed('no-return-traffic');
    await fixIt();
  });

  it('overlapping-subnets: the quick mode SA carries 10.0.0.0/8', async () => {
    await breakIt('overlapping-subnets');
    const s = await waitStatus(engine, (x) => x.up, 15_000, 'tunnel with the overlapping selector');
    expect(installedChild(s, 'left')?.remoteTs).toEqual(['10.0.0.0/8']);
    await diagnosed('overlapping-subnets');
    await fixIt();
  });
});
