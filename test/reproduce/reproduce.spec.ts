// A customer's logs diagnosed offline, then the same cause reproduced on a real lab: the lab's own
// live diagnosis (which is never told the fault) must agree.
import { spawnSync } from 'node:child_process';

import { afterAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { FAULTS } from '../../lab/faults/catalogue.js';
import { faultsForCause, reproduce, ReproduceError } from '../../lab/reproduce/reproduce.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const F = 'test/fixtures/diagnosis';

describe('mapping a cause to catalogue faults', () => {
  it("every fault's cause maps back to a fault, the one named like the cause first", () => {
    for (const f of FAULTS) {
      for (const v of f.ikeVersions) {
        const list = faultsForCause(f.cause, v);
        expect(list.map((x) => x.id)).toContain(f.id);
        if (FAULTS.some((x) => x.id === f.cause && x.ikeVersions.includes(v))) expect(list[0].id).toBe(f.cause);
      }
    }
  });

  it('refuses to reproduce a healthy or unknown verdict, without touching a lab', async () => {
    const engine = LabEngine.connect(testLabName('rep-none'));
    await expect(reproduce(engine, { verdict: 'healthy' })).rejects.toThrow(ReproduceError);
    await expect(reproduce(engine, { verdict: 'unknown' })).rejects.toThrow(/nothing to reproduce/);
    expect(await engine.find().catch(() => null)).toBeFalsy();
    await engine.close();
  });
});

describe.skipIf(skipWithoutDocker('reproduce on a real lab'))('ipsec-lab diagnose --reproduce (real lab)', () => {
  const lab = testLabName('rep');
  afterAll(async () => {
    const engine = LabEngine.connect(lab);
    await engine.down().catch(() => {});
    await engine.close();
  });

  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['bin/ipsec-lab.js', '--lab', lab, 'diagnose', '--json', ...args, '--reproduce'], {
      encoding: 'utf8',
      timeout: 180_000,
    });

  it("a customer's PSK mismatch, from their logs, reappears on the lab and the lab diagnoses it the same", async () => {
    const r = run('--left', `${F}/psk-mismatch-v2-trixie/left.log`, '--right', `${F}/psk-mismatch-v2-trixie/right.log`);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('psk-mismatch');
    expect(out.reproduction).toMatchObject({ fault: 'psk-mismatch', labVerdict: 'psk-mismatch', matched: true, lab });
    expect(out.reproduction.fix).toBe(`ipsec-lab --lab ${lab} fix psk-mismatch`);
    // The CLI started that lab and exited: like after `up`, the lab is the user's (detached), not an
    // orphan that the next `up` on this engine would remove.
    const engine = LabEngine.connect(lab);
    try {
      const found = await engine.find();
      expect(found?.mode).toBe('detached');
      expect(found?.orphaned).toBe(false);
    } finally {
      await engine.close();
    }
  }, 200_000);

  it('a datapath cause (ESP dropped) is reproduced on the running lab, with traffic to show it', () => {
    const d = `${F}/esp-blocked-v2-trixie`;
    const r = run(
      '--left',
      `${d}/left.log`,
      '--right',
      `${d}/right.log`,
      '--left-sas',
      `${d}/left.sas.txt`,
      '--right-sas',
      `${d}/right.sas.txt`,
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.verdict).toBe('esp-blocked');
    expect(out.reproduction).toMatchObject({ fault: 'esp-blocked', labVerdict: 'esp-blocked', matched: true });
  }, 200_000);
});
