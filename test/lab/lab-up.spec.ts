import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import type { SaSnapshot } from '../../lab/engine/types.js';
import { findLabs } from '../../lab/lifecycle/registry.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LogRecord } from '../../lab/streams/log-record.js';
import { waitFor } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

function child(snap: SaSnapshot | undefined) {
  return snap?.ikeSas.find((s) => s.state === 'ESTABLISHED')?.children.find((c) => c.state === 'INSTALLED');
}

describe.skipIf(skipWithoutDocker('lab integration (healthy tunnel)'))('a healthy lab on the real engine', () => {
  const engine = LabEngine.connect(testLabName('up'));
  const records: LogRecord[] = [];
  let stopWatch: (() => void) | undefined;

  beforeAll(async () => {
    const result = await engine.up(defaultSettings(), { timeoutMs: 30_000 });
    expect(result.reason).toBeUndefined();
    engine.onLog((r) => records.push(r));
    stopWatch = await engine.watch({ intervalMs: 500 });
  });

  afterAll(async () => {
    stopWatch?.();
    await engine.down();
  });

  it('brings IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways', async () => {
    const status = await engine.status();
    expect(status.tunnel.left).toEqual({ ike: 'ESTABLISHED', child: 'INSTALLED' });
    expect(status.tunnel.right).toEqual({ ike: 'ESTABLISHED', child: 'INSTALLED' });
    expect(status.up).toBe(true);
    const left = status.sas.left!.ikeSas[0];
    expect(left.remoteHost).toBe('203.0.113.10');
    expect(child(status.sas.left)?.localTs).toEqual(['10.1.0.0/24']);
    expect(child(status.sas.right)?.localTs).toEqual(['10.2.0.0/24']);
  });

  it('passes pings between the LAN hosts and moves the CHILD_SA counters both ways on both gateways', async () => {
    const before = await engine.status();
    const r = await engine.traffic({ from: 'left', count: 5, intervalMs: 100 });
    expect(r.received).toBe(5);
    const back = await engine.traffic({ from: 'right', count: 3, intervalMs: 100 });
    expect(back.received).toBe(3);
    const after = await engine.status();
    for (const side of ['left', 'right'] as const) {
      const b = child(before.sas[side])!;
      const a = child(after.sas[side])!;
      // 8 echo requests and 8 replies cross each gateway in each direction.
      expect(a.packetsOut! - (b.packetsOut ?? 0)).toBe(8);
      expect(a.packetsIn! - (b.packetsIn ?? 0)).toBe(8);
      expect(a.bytesOut!).toBeGreaterThan(b.bytesOut ?? 0);
      expect(a.bytesIn!).toBeGreaterThan(b.bytesIn ?? 0);
    }
  });

  it('streams log records from both charons, parsed into fields', async () => {
    // The watch replays both logs from the start; on a busy machine that takes a moment.
    const deadline = Date.now() + 30_000;
    while (
      Date.now() < deadline &&
      !(
        records.some((r) => r.side === 'left' && /established/.test(r.message)) &&
        records.some((r) => r.side === 'right' && /established/.test(r.message))
      )
    ) {
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const side of ['left', 'right'] as const) {
      const est = records.find((r) => r.side === side && /^IKE_SA lab\[\d+\] established/.test(r.message));
      expect(est, `${side} logs IKE_SA established`).toBeDefined();
      expect(est!.group).toBe('IKE');
      expect(est!.ikeName).toBe('lab');
      expect(est!.time).toMatch(/^\w{3} [ \d]\d \d\d:\d\d:\d\d\.\d{3}$/);
    }
    expect(records.some((r) => r.group === 'NET' && r.level === 2)).toBe(true);
  });

  it('reports SA snapshots as events', async () => {
    const got = await new Promise<SaSnapshot>((resolve) => {
      const off = engine.onSas((s) => {
        off();
        resolve(s);
      });
    });
    expect(['left', 'right']).toContain(got.side);
    expect(got.ikeSas.length).toBeGreaterThan(0);
  });

  it('`explain` finds nothing wrong with a healthy lab', async () => {
    const { diagnoseLab } = await import('../../lab/engine/lab-diagnosis.js');
    const r = await diagnoseLab(engine);
    expect(r.verdict).toBe('healthy');
    expect(r.findings.filter((f) => f.cause !== 'healthy' && f.cause !== 'dh-group-mismatch')).toEqual([]);
  });

  it('refuses to start a second lab under the same name', async () => {
    await expect(engine.up(defaultSettings())).rejects.toMatchObject({ code: 'lab-exists' });
  });

  it('down removes every container and the network', async () => {
    stopWatch?.();
    stopWatch = undefined;
    const removed = await engine.down();
    expect(removed).toEqual({ containers: 5, networks: 1 });
    expect((await findLabs(engine.docker)).find((l) => l.name === engine.name)).toBeUndefined();
    const leftover = await engine.docker.listContainers({
      all: true,
      filters: { label: [`ipsec-lab.lab=${engine.name}`] },
    });
    expect(leftover).toEqual([]);
  });
});

describe.skipIf(skipWithoutDocker('lab integration (invalid settings)'))('invalid settings', () => {
  it('are refused before anything starts, naming the field', async () => {
    const engine = LabEngine.connect(testLabName('bad'));
    const s = defaultSettings();
    s.right.gateway.espProposals = ['aes256-shaXYZ'];
    s.left.lan = '10.1.0.0/99';
    await expect(engine.up(s)).rejects.toMatchObject({
      code: 'invalid-settings',
      issues: [{ field: 'left.lan' }],
    });
    s.left.lan = '10.1.0.0/24';
    await expect(engine.up(s)).rejects.toMatchObject({ issues: [{ field: 'right.gateway.espProposals[0]' }] });
    expect(await engine.find()).toBeUndefined();
  });
});

describe.skipIf(skipWithoutDocker('lab integration (two strongSwan releases)'))(
  'a lab mixing strongSwan 5.9 and 6.0',
  () => {
    it('comes up with gw-left on bookworm (5.9) and gw-right on trixie (6.0), and carries traffic', async () => {
      const engine = LabEngine.connect(testLabName('mix'));
      try {
        const s = defaultSettings();
        s.left.gateway.release = 'bookworm';
        const r = await engine.up(s, { timeoutMs: 30_000 });
        expect(r.status.up).toBe(true);
        const { execOk } = await import('../../lab/docker/exec.js');
        expect(await execOk(engine.docker, engine.container('gw-left'), ['swanctl', '--version'])).toMatch(/5\.9\.\d+/);
        expect(await execOk(engine.docker, engine.container('gw-right'), ['swanctl', '--version'])).toMatch(
          /6\.0\.\d+/,
        );
        expect((await engine.traffic({ count: 3, intervalMs: 100 })).received).toBe(3);
      } finally {
        await engine.down();
      }
    }, 180_000);
  },
);

describe.skipIf(skipWithoutDocker('lab integration (continuous flow)'))('a continuous flow', () => {
  it('reports per-second samples while it runs, shows loss when the tunnel breaks, and stops its ping', async () => {
    const engine = LabEngine.connect(testLabName('flow'));
    try {
      expect((await engine.up(defaultSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
      const samples: Array<{ sent: number; received: number }> = [];
      const flow = await engine.flow({ intervalMs: 100, onSample: (s) => samples.push(s) });
      // Samples come once a second; the ping starts in the box a moment later on a busy machine.
      await waitFor(() => samples.length >= 2 && samples.some((s) => s.received > 3), 15_000, 'a sample with replies');
      const { FaultService } = await import('../../lab/faults/fault-service.js');
      await new FaultService(engine).apply(['esp-blocked']);
      const mark = samples.length;
      // The sample under way when the fault went in may still hold replies; the later ones none.
      await waitFor(
        () => samples.slice(mark + 1).some((s) => s.sent > 0 && s.received === 0),
        15_000,
        'a sample of requests without replies',
      );
      const totals = await flow.stop();
      expect(totals.sent).toBeGreaterThan(totals.received);
      const { execIn } = await import('../../lab/docker/exec.js');
      expect((await execIn(engine.docker, engine.container('host-left'), ['pgrep', 'ping'])).exitCode).toBe(1);
    } finally {
      await engine.down();
    }
  }, 120_000);
});
