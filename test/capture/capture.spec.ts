// A capture of a real negotiation and real traffic, taken by tcpdump in the lab's router through
// the CLI, written as a pcap, and read back by tshark: tshark and the lab's own reader agree.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LabService } from '../../lab/api/service.js';
import { decodePcap, summarize, tsharkRead } from '../../lab/capture/index.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('capture on a real lab'))('ipsec-lab capture (real lab, tshark)', () => {
  const lab = testLabName('cap');
  const engine = LabEngine.connect(lab);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-capture-'));
  const pcap = path.join(dir, 'lab.pcap');
  let out = '';
  let status: number | null = null;

  beforeAll(async () => {
    expect((await engine.up(defaultSettings(), { timeoutMs: 45_000 })).status.up).toBe(true);
    // Long enough for a renegotiation and the pings below on a loaded machine (each a few docker
    // execs); the capture ends by itself after it, so anything later would be missing from it.
    const cli = spawn(
      process.execPath,
      ['bin/ipsec-lab.js', '--lab', lab, 'capture', '--seconds', '20', '--out', pcap],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    cli.stdout.on('data', (d) => (out += d));
    let err = '';
    cli.stderr.on('data', (d) => (err += d));
    const exited = new Promise<void>((r) => cli.on('close', (code) => ((status = code), r())));
    // Once tcpdump runs: a fresh negotiation, then pings through the tunnel.
    const deadline = Date.now() + 30_000;
    while (!/capturing on the router/.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1000));
    await engine.renegotiate();
    if (!(await engine.waitForTunnel(15_000)).up) throw new Error('the tunnel did not come back after renegotiate');
    await engine.traffic({ count: 5, intervalMs: 100 });
    await exited;
    if (status !== 0) throw new Error(`capture failed (${status}): ${err}`);
  }, 120_000);

  afterAll(async () => {
    await engine.down().catch(() => {});
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a pcap that tshark reads: the IKE exchanges and the ESP of the pings', async () => {
    expect(status).toBe(0);
    const ike = await tsharkRead(pcap, ['frame.number', 'isakmp.exchangetype', 'isakmp.messageid']).then((rows) =>
      rows.filter((r) => r[1]),
    );
    const exchanges = new Set(ike.map((r) => Number(r[1])));
    expect(exchanges.has(34), 'IKE_SA_INIT').toBe(true);
    expect(exchanges.has(35), 'IKE_AUTH').toBe(true);
    const esp = await tsharkRead(pcap, ['frame.number', 'esp.spi']).then((rows) => rows.filter((r) => r[1]));
    // Five pings there and back, in ESP (inside UDP 4500 on the libipsec datapath).
    expect(esp.length).toBeGreaterThanOrEqual(10);

    // The lab's own reader finds the same packets.
    const packets = decodePcap(readFileSync(pcap));
    expect(packets.filter((p) => p.kind === 'ike')).toHaveLength(ike.length);
    expect(packets.filter((p) => p.kind === 'esp')).toHaveLength(esp.length);
    const summary = summarize(packets);
    expect(summary.exchanges.map((e) => e.exchange)).toEqual(expect.arrayContaining(['IKE_SA_INIT', 'IKE_AUTH']));
  });

  it('prints where the pcap is and the packets per exchange', () => {
    expect(out).toContain(`wrote ${pcap}`);
    expect(out).toMatch(/IKE_SA_INIT/);
    expect(out).toMatch(/IKE_AUTH/);
    const read = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'capture', '--read', pcap], { encoding: 'utf8' });
    expect(read.status).toBe(0);
    expect(read.stdout).toMatch(/IKE_SA_INIT/);
  });

  it("the app's capture (the contract): start, a renegotiation, stop: exchanges per row and the pcap itself", async () => {
    const service = new LabService(engine);
    try {
      await expect(service.captureStop()).rejects.toThrow(/no capture is running/);
      await service.captureStart();
      await expect(service.captureStart()).rejects.toThrow(/already running/);
      await engine.renegotiate();
      // renegotiate() only starts it: the capture must hold the whole exchange before it stops.
      expect((await engine.waitForTunnel(45_000)).up, 'the tunnel back after the renegotiation').toBe(true);
      await engine.traffic({ count: 4, intervalMs: 100 });
      const r = await service.captureStop();
      const init = r.exchanges.find((e) => e.exchange === 'IKE_SA_INIT');
      expect(init?.answered).toBe(true);
      expect(r.exchanges.some((e) => e.exchange === 'IKE_AUTH' && e.answered)).toBe(true);
      expect(r.esps.reduce((n, e) => n + e.packets, 0)).toBeGreaterThanOrEqual(8);
      const pcapBytes = Buffer.from(r.pcapBase64, 'base64');
      expect(decodePcap(pcapBytes).filter((p) => p.kind === 'ike').length).toBeGreaterThanOrEqual(4);
    } finally {
      await service.dispose();
    }
  }, 90_000);

  it('refuses bad options with the option named', () => {
    const r = spawnSync(process.execPath, ['bin/ipsec-lab.js', '--lab', lab, 'capture', '--seconds', 'soon'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--seconds: expected 1 to 3600, got "soon"');
  });
});
