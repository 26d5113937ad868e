import { spawn } from 'node:child_process';

import { afterAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { findLabs, removeLab } from '../../lab/lifecycle/registry.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

async function cleanup(engine: LabEngine, name: string) {
  const stray = (await findLabs(engine.docker)).find((l) => l.name === name);
  if (stray) await removeLab(engine.docker, stray);
}

describe.skipIf(skipWithoutDocker('reliability (killed runs)'))('runs killed with SIGKILL', () => {
  const next = LabEngine.connect(testLabName('rel-next'));
  const names: string[] = [];
  afterAll(async () => {
    await next.down();
    for (const n of names) await cleanup(next, n);
  });

  it('a CLI killed in the middle of `up` leaves an incomplete lab that the next start removes', async () => {
    const name = testLabName('midup');
    names.push(name);
    const cli = spawn(process.execPath, ['bin/ipsec-lab.js', '--lab', name, 'up'], { stdio: 'ignore' });
    // Kill it as soon as its network exists: the boxes are being created, nothing runs yet.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const lab = (await findLabs(next.docker)).find((l) => l.name === name);
      if (lab?.networks.length) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    cli.kill('SIGKILL');
    await new Promise((r) => cli.once('exit', r));
    const left = (await findLabs(next.docker)).find((l) => l.name === name);
    expect(left, 'the killed run left something behind').toBeDefined();
    expect(left!.complete).toBe(false);
    expect(left!.orphaned).toBe(true);
    const r = await next.up(defaultSettings(), { timeoutMs: 30_000 });
    expect(r.removedLeftovers).toContain(name);
    expect((await findLabs(next.docker)).find((l) => l.name === name)).toBeUndefined();
    expect(await next.docker.listContainers({ all: true, filters: { label: [`ipsec-lab.lab=${name}`] } })).toEqual([]);
  }, 120_000);

  it('an app killed while it owns a lab leaves an orphan that can be adopted instead of removed', async () => {
    const name = testLabName('adopt');
    names.push(name);
    const holder = spawn(process.execPath, ['bin/run-ts.js', 'test/support/hold-lab.ts', name], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.on('data', (c) => String(c).includes('READY') && resolve());
      holder.on('exit', (code) => reject(new Error(`lab holder exited early (${code})`)));
    });
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const orphan = LabEngine.connect(name);
    expect((await orphan.find())?.orphaned).toBe(true);
    const adopted = await orphan.adopt('attached');
    expect(adopted.orphaned).toBe(false);
    expect(adopted.ownerPid).toBe(process.pid);
    // Adopted means kept: the lab still works, and another start does not remove it.
    expect((await orphan.status()).up).toBe(true);
    const { removeOrphans } = await import('../../lab/lifecycle/registry.js');
    expect(await removeOrphans(next.docker)).not.toContain(name);
    await orphan.down();
    expect(await orphan.find()).toBeUndefined();
  }, 120_000);
});
