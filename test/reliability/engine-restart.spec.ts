import { execSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

import { afterAll, describe, expect, it } from 'vitest';

import { isLocalEngine } from '../../lab/docker/connection.js';
import type { HealthEvent } from '../../lab/engine/health-monitor.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { waitFor } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

/** Stopping the engine needs a dockerd this test may stop and start: local, root, not under systemd. */
function restartableDockerd(): string | null {
  try {
    if (process.getuid?.() !== 0) return null;
    // The engine at the default socket writes its pid here (another dockerd, e.g. a second engine a
    // test started, has its own pid file and must not be the one stopped).
    const pid = readFileSync('/var/run/docker.pid', 'utf8').trim();
    if (!/^\d+$/.test(pid)) return null;
    const parent = execSync(`ps -o comm= -p $(ps -o ppid= -p ${pid})`, { encoding: 'utf8' }).trim();
    return parent === 'systemd' ? null : pid;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const skipDocker = skipWithoutDocker('reliability (engine restart)');
const dockerd = skipDocker ? null : restartableDockerd();
const why = 'needs a local dockerd run by root outside systemd, which this test stops and starts again';
if (!skipDocker && !dockerd) {
  if (process.env.CI) throw new Error(`engine restart test: ${why}; CI starts dockerd that way (.ci/run)`);
  console.warn(`SKIPPED engine restart test: ${why}`);
}

describe.skipIf(skipDocker || !dockerd)('the Docker engine stops and comes back mid-lab', () => {
  const engine = LabEngine.connect(testLabName('eng'));
  afterAll(async () => {
    await engine.down().catch(() => {});
  });

  it('is shown as unavailable, recovers when the engine returns, and reports what was lost', async () => {
    expect(isLocalEngine(engine.endpoint)).toBe(true);
    expect((await engine.up(defaultSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
    const events: HealthEvent[] = [];
    engine.onHealth((e) => events.push(e));
    const stop = await engine.watch();
    await waitFor(() => events.some((e) => e.type === 'engine' && e.available), 10_000, 'engine available');

    process.kill(Number(dockerd), 'SIGTERM');
    await waitFor(
      () => events.some((e) => e.type === 'engine' && !e.available),
      30_000,
      'the engine reported unavailable',
    );
    await expect(engine.status()).rejects.toBeDefined();

    // The API goes away before dockerd has finished stopping: a new one started now would find the
    // old pid file and exit. Wait for the old process to end first.
    await waitFor(() => !alive(Number(dockerd)), 60_000, 'the stopped dockerd to exit');
    const d = spawn('sh', ['-c', 'setsid dockerd >/var/log/dockerd.log 2>&1 &'], { stdio: 'ignore', detached: true });
    d.unref();
    await waitFor(
      () => events.filter((e) => e.type === 'engine' && e.available).length >= 2,
      60_000,
      'the engine reported available again',
    );
    await waitFor(() => events.some((e) => e.type === 'lost'), 15_000, 'a report of what was lost');
    const lost = events.find((e) => e.type === 'lost') as Extract<HealthEvent, { type: 'lost' }>;
    expect(lost.boxes.length).toBeGreaterThan(0);
    expect(lost.message).toMatch(/stopped these boxes|did not survive/);
    stop();
    // The lab can be removed and started again on the recovered engine.
    await engine.down();
    expect((await engine.up(defaultSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
  }, 180_000);
});
