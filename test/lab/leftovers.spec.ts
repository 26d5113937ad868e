import { spawn } from 'node:child_process';

import { afterAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { findLabs, removeLab } from '../../lab/lifecycle/registry.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab integration (leftovers)'))('leftovers of a crashed run', () => {
  const crashed = testLabName('crash');
  const next = LabEngine.connect(testLabName('next'));

  afterAll(async () => {
    await next.down();
    const stray = (await findLabs(next.docker)).find((l) => l.name === crashed);
    if (stray) await removeLab(next.docker, stray);
  });

  it('are found and removed by the next start', async () => {
    const child = spawn(process.execPath, ['bin/run-ts.js', 'test/support/hold-lab.ts', crashed], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (c) => String(c).includes('READY') && resolve());
      child.on('exit', (code) => reject(new Error(`lab holder exited early (${code})`)));
    });
    const before = (await findLabs(next.docker)).find((l) => l.name === crashed);
    expect(before?.complete).toBe(true);
    expect(before?.orphaned).toBe(false);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await findLabs(next.docker)).find((l) => l.name === crashed)?.orphaned).toBe(true);

    const result = await next.up(defaultSettings(), { timeoutMs: 30_000 });
    expect(result.removedLeftovers).toContain(crashed);
    expect((await findLabs(next.docker)).find((l) => l.name === crashed)).toBeUndefined();
    expect(await next.docker.listNetworks({ filters: { label: [`ipsec-lab.lab=${crashed}`] } })).toEqual([]);
  }, 180_000);
});
