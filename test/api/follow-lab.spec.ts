// The service follows a lab it did not start: `ipsec-lab up` in a terminal, then break, down and
// up again there. The app's host sees each change by itself, with the lab's whole log from its
// first line, its SAs and the settings it runs, and never mixes one lab's lines with the next's.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ApiEventMessage } from '../../lab/api/contract.js';
import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { waitFor } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const run = promisify(execFile);

describe.skipIf(skipWithoutDocker('following a CLI-started lab'))('the service follows a lab the CLI started', () => {
  const name = testLabName('follow');
  const cli = (...args: string[]) =>
    run(process.execPath, ['bin/ipsec-lab.js', ...args, '--lab', name], { timeout: 120_000 });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-follow-'));
  const engine = LabEngine.connect(name);
  const service = new LabService(engine, { pollMs: 400, configDir: dir });
  const events: ApiEventMessage[] = [];
  const changed = (what: string) => events.filter((e) => e.event === 'changed' && e.payload.what === what).length;

  beforeAll(async () => {
    service.onEvent((e) => events.push(e));
    await service.start();
  });
  afterAll(async () => {
    await service.dispose();
    await engine.down();
    rmSync(dir, { recursive: true, force: true });
  });

  it('attaches on its own: the whole log from line 1, both SAs, the settings the CLI gave', async () => {
    expect((await service.snapshot()).watching).toBe(false);
    const settings = defaultSettings();
    settings.left.gateway.psk = settings.right.gateway.psk = 'given-on-the-command-line';
    settings.right.gateway.dpd.delay = 17;
    const file = path.join(dir, 'cli.json');
    writeFileSync(file, JSON.stringify(settings));
    await cli('up', '--settings', file, '--timeout', '40');
    // The service finds the lab at its next poll, then starts following it (its logs, its SAs): on a
    // loaded machine that takes a while.
    await waitFor(async () => changed('up') > 0, 45_000, 'changed: up after the CLI started the lab');
    await waitFor(
      async () => {
        const s = await service.snapshot();
        return s.sas.left?.tunnel.child === 'INSTALLED' && s.sas.right?.tunnel.child === 'INSTALLED';
      },
      45_000,
      'both SAs in the snapshot',
    );
    const snap = await service.snapshot();
    expect(snap.watching).toBe(true);
    for (const side of ['left', 'right'] as const) {
      expect(snap.logs[side][0]?.seq, `${side} log from its first line`).toBe(1);
      expect(snap.logs[side].some((r) => /CHILD_SA net\{\d+\} established/.test(r.message))).toBe(true);
    }
    const info = await service.getSettings();
    expect(info.source).toBe('lab');
    expect(info.settings.right.gateway.dpd.delay).toBe(17);
  }, 240_000);

  it('hears a fault applied from another terminal', async () => {
    const before = changed('faults');
    await cli('break', 'esp-blocked');
    await waitFor(async () => changed('faults') > before, 45_000, 'changed: faults after a CLI break');
    expect((await service.faultsList()).faults.find((f) => f.id === 'esp-blocked')?.active).toBe(true);
  }, 180_000);

  it('follows the next lab under the name afresh after a down and up elsewhere', async () => {
    const downs = changed('down');
    const ups = changed('up');
    await cli('down');
    await waitFor(async () => changed('down') > downs, 45_000, 'changed: down after the CLI removed the lab');
    expect((await service.snapshot()).watching).toBe(false);
    await cli('up', '--timeout', '40');
    await waitFor(async () => changed('up') > ups, 45_000, 'changed: up for the new lab');
    await waitFor(async () => (await service.snapshot()).logs.left.length > 20, 45_000, 'new lab logs');
    const snap = await service.snapshot();
    // Only the new lab's lines: numbered from 1, one run of charon's start-up, not two.
    expect(snap.logs.left[0].seq).toBe(1);
    expect(snap.logs.left.filter((r) => /^Starting charon-systemd IKE daemon/.test(r.message))).toHaveLength(1);
    expect((await service.getSettings()).settings.left.gateway.psk).toBe(defaultSettings().left.gateway.psk);
  }, 360_000);
});
