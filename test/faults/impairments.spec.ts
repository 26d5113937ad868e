import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { execIn, execOk } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import type { KernelFeatures } from '../../lab/probe/kernel-features.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

/** Link impairments verified by measurement (ping series, transfers), not by reading back commands. */
describe.skipIf(skipWithoutDocker('impairment integration'))('link impairments on a live lab', () => {
  const engine = LabEngine.connect(testLabName('imp'));
  const faults = new FaultService(engine);
  let features: KernelFeatures;

  beforeAll(async () => {
    const r = await engine.up(defaultSettings(), { timeoutMs: 30_000 });
    expect(r.status.up).toBe(true);
    features = r.features;
  });
  afterEach(async () => {
    await faults.revert();
  });
  afterAll(async () => {
    await engine.down();
  });

  /** TCP throughput host-left -> host-right through the tunnel, in kbit/s (iperf3). */
  async function throughputKbit(): Promise<number> {
    await execOk(engine.docker, engine.container('host-right'), ['iperf3', '-s', '-D', '-1']);
    // -D returns before the daemon listens; a busy machine may take longer than a moment.
    const deadline = Date.now() + 15_000;
    while (
      !(await execIn(engine.docker, engine.container('host-right'), ['ss', '-Hltn', 'sport = :5201'])).stdout.trim()
    ) {
      if (Date.now() > deadline) throw new Error('iperf3 -s in host-right is not listening on 5201 after 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    const out = await execOk(
      engine.docker,
      engine.container('host-left'),
      ['iperf3', '-c', '10.2.0.10', '-t', '3', '-J'],
      { timeoutMs: 20_000 },
    );
    return JSON.parse(out).end.sum_received.bits_per_second / 1000;
  }

  it('loss: 50 % one way drops about half of a ping series, and only that direction is set', async () => {
    const { impairments } = await faults.impair({ 'left-to-right': { lossPercent: 50 } });
    expect(impairments).toEqual({ 'left-to-right': { lossPercent: 50 }, 'right-to-left': {} });
    const r = await engine.traffic({ from: 'left', count: 100, intervalMs: 10 });
    expect(r.lossPercent).toBeGreaterThan(30);
    expect(r.lossPercent).toBeLessThan(70);
  });

  it('rate: a 1000 kbit/s limit caps a real transfer near 1 Mbit/s', async () => {
    const free = await throughputKbit();
    await faults.impair({ 'left-to-right': { rateKbit: 1000 } });
    const limited = await throughputKbit();
    expect(limited).toBeLessThan(1300);
    expect(limited).toBeGreaterThan(300);
    expect(free).toBeGreaterThan(limited * 3);
  }, 60_000);

  it('down: nothing passes in that direction; clearing restores it', async () => {
    await faults.impair({ 'right-to-left': { down: true } });
    expect((await engine.traffic({ from: 'left', count: 5, intervalMs: 50 })).received).toBe(0);
    await faults.impair({ 'right-to-left': {} }, { replace: true });
    expect((await engine.traffic({ from: 'left', count: 5, intervalMs: 50 })).received).toBe(5);
  });

  it('flap: the link goes down and up with the period, and the loop lives in the router', async () => {
    await faults.impair({ 'left-to-right': { flapPeriodS: 2 } });
    const loop = await execIn(engine.docker, engine.container('router'), [
      'pgrep',
      '-f',
      '^sh /run/ipsec-lab/lab-flap',
    ]);
    expect(loop.exitCode).toBe(0);
    const r = await engine.traffic({ from: 'left', count: 40, intervalMs: 100 });
    expect(r.lossPercent).toBeGreaterThan(20);
    expect(r.lossPercent).toBeLessThan(80);
    await faults.revert();
    expect(
      (await execIn(engine.docker, engine.container('router'), ['pgrep', '-f', '^sh /run/ipsec-lab/lab-flap']))
        .exitCode,
    ).toBe(1);
  });

  it('several impairments at once, shown back as current state', async () => {
    await faults.impair({ 'left-to-right': { lossPercent: 10, rateKbit: 2000 }, 'right-to-left': { lossPercent: 5 } });
    expect((await faults.state()).impairments).toEqual({
      'left-to-right': { lossPercent: 10, rateKbit: 2000 },
      'right-to-left': { lossPercent: 5 },
    });
  });

  it('delay: measured as added round-trip time where netem exists, refused plainly where it does not', async (ctx) => {
    if (!features.netem) {
      await expect(faults.impair({ 'left-to-right': { delayMs: 100 } })).rejects.toThrow(
        /left-to-right.delayMs: unavailable on this engine: needs sch_netem/,
      );
      expect((await faults.state()).impairments['left-to-right']).toEqual({});
      console.warn(
        `SKIPPED measuring delay: this engine's kernel has no sch_netem (${features.details.netem}); the refusal was checked instead`,
      );
      ctx.skip();
      return;
    }
    // The fastest round trip of each series: netem's delay is a floor under every packet, while a
    // busy machine only adds to some (an average would move with the load).
    const fastest = (r: { output: string }) => Number(/= ([\d.]+)\//.exec(r.output)?.[1]);
    const base = fastest(await engine.traffic({ from: 'left', count: 5, intervalMs: 50 }));
    await faults.impair({ 'left-to-right': { delayMs: 100 } });
    const delayed = fastest(await engine.traffic({ from: 'left', count: 5, intervalMs: 50 }));
    expect(delayed - base).toBeGreaterThan(80);
  });

  it('bad values are refused with the field and range, and nothing changes', async () => {
    await faults.impair({ 'left-to-right': { lossPercent: 20 } });
    await expect(faults.impair({ 'left-to-right': { lossPercent: 150 } })).rejects.toThrow(
      'left-to-right.lossPercent: 150 is out of range: expected a percentage from 0 to 100',
    );
    await expect(faults.impair({ 'right-to-left': { delayMs: -1 } })).rejects.toThrow(
      /right-to-left.delayMs: -1 is out of range/,
    );
    await expect(faults.impair({ 'right-to-left': { bogus: 1 } })).rejects.toThrow(
      /right-to-left.bogus: unknown impairment/,
    );
    expect((await faults.state()).impairments).toEqual({ 'left-to-right': { lossPercent: 20 }, 'right-to-left': {} });
  });
});
