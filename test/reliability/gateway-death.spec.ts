import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HealthEvent } from '../../lab/engine/health-monitor.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LogRecord } from '../../lab/streams/log-record.js';
import { waitFor, waitStatus } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('reliability (gateway death)'))('a gateway that dies', () => {
  const engine = LabEngine.connect(testLabName('death'));
  const health: Array<HealthEvent & { at: number }> = [];
  const records: LogRecord[] = [];
  let stop: () => void;

  beforeAll(async () => {
    expect((await engine.up(defaultSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
    engine.onHealth((e) => health.push({ ...e, at: Date.now() }));
    engine.onLog((r) => records.push(r));
    stop = await engine.watch({ intervalMs: 500 });
    await waitFor(() => health.some((e) => e.type === 'engine' && e.available), 10_000, 'engine available');
  });
  afterAll(async () => {
    stop?.();
    await engine.down();
  });

  it('is detected within seconds, and after a restart its logs and SAs are followed again', async () => {
    const killedAt = Date.now();
    await engine.docker.getContainer(engine.container('gw-right')).kill();
    // Docker's event stream is late on a busy engine: still seconds, not a poll's minutes.
    await waitFor(
      () => health.some((e) => e.type === 'box' && e.role === 'gw-right' && e.action === 'die'),
      15_000,
      'a die event for gw-right',
    );
    const died = health.find((e) => e.type === 'box' && e.role === 'gw-right' && e.action === 'die')!;
    expect(died.at - killedAt).toBeLessThan(15_000);
    const s = await engine.status();
    expect(s.boxes.find((b) => b.role === 'gw-right')?.state).toBe('exited');

    const before = records.filter((r) => r.side === 'right').length;
    await engine.docker.getContainer(engine.container('gw-right')).start();
    await waitFor(
      () => health.some((e) => e.type === 'box' && e.role === 'gw-right' && e.action === 'start'),
      15_000,
      'a start event',
    );
    // The log stream resumes with the new charon's lines, without repeating the old ones.
    await waitFor(
      () =>
        records
          .filter((r) => r.side === 'right')
          .slice(before)
          .some((r) => /Starting charon-systemd IKE daemon/.test(r.message)),
      30_000,
      "the restarted charon's log",
    );
    const seqs = records.filter((r) => r.side === 'right').map((r) => r.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    // The restarted charon reloads its config by itself; a fresh negotiation brings the tunnel back.
    await engine.renegotiate();
    await waitStatus(engine, (x) => x.up, 30_000, 'the tunnel back');
  }, 150_000);
});
