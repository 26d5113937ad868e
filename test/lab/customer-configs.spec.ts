import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

/**
 * Issue 15's "done when", from the command line on the real lab: two devices' own configs with one
 * mismatched proposal show it before start and fail with the matching finding; healthy customer
 * templates of both vendors validate green; no pre-shared key of a multi-tunnel config appears in
 * any output without --reveal-secrets.
 */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['bin/ipsec-lab.js', ...args], { encoding: 'utf8', timeout: 400_000 });

const PAIR = 'test/fixtures/configs/pair';
const ASA = `${PAIR}/hq-asa.cfg`;
const PAN = `${PAIR}/branch-pan.set`;
const PUBLIC = 'test/fixtures/configs/public';
// A published ASA crypto-map template (IKEv2, placeholders) and a Palo Alto set config (IKEv1,
// tunnel interfaces, two tunnels with their own plain-text keys).
const ASA_TEMPLATE = `${PUBLIC}/asa-azure-docs-ikev2-crypto-map/config.txt`;
const PAN_TEMPLATE = `${PUBLIC}/pan-aws-ikev1-bgp-configure-mode/config.set`;

/** Every key written in these files, each tunnel's: as the configs spell them. */
const KEYS: Record<string, string[]> = {
  [ASA]: ['Br4nch-To-HQ-2024', 'Supp1ier-Secret-77'],
  [PAN]: ['Br4nch-To-HQ-2024'],
  [PAN_TEMPLATE]: ['plain-text-password1', 'plain-text-password2'],
};

describe.skipIf(skipWithoutDocker('lab integration (customer configs from the CLI)'))('customer configs', () => {
  describe('an ASA and a Palo Alto config of the same tunnel, one proposal mismatched', () => {
    const lab = testLabName('pair');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-pair-'));
    afterAll(() => {
      cli('down', '--lab', lab);
    });

    it('shows the mismatch before start in both devices’ lines, then the lab fails with that finding', () => {
      const settings = path.join(dir, 'lab.json');
      const imported = cli('import', '--left', ASA, '--right', PAN, '--out', settings);
      expect(imported.status, imported.stderr).toBe(0);
      expect(imported.stderr).toContain('1 mismatch(es) between the two configs (before anything runs)');

      const compare = cli('compare', '--left', ASA, '--right', PAN);
      expect(compare.status).toBe(1);
      const failing = compare.stdout.split(/\n(?=[✔✘])/).filter((b) => b.startsWith('✘'));
      expect(failing).toHaveLength(1);
      const [esp] = failing;
      expect(esp).toMatch(/^✘ left\.gateway\.espProposals = right\.gateway\.espProposals/);
      // Each device in its own terms, at its own line.
      expect(esp).toContain(`${ASA}:39  protocol esp encryption aes-256`);
      expect(esp).toContain(`${ASA}:45  crypto map OUTSIDE_MAP 10 set ikev2 ipsec-proposal AES256-SHA256`);
      expect(esp).toContain(
        `${PAN}:12  set network ike crypto-profiles ipsec-crypto-profiles HQ-IPSEC esp encryption aes-128-cbc`,
      );
      expect(esp).toContain(
        `${PAN}:13  set network ike crypto-profiles ipsec-crypto-profiles HQ-IPSEC esp authentication sha1`,
      );
      const json = cli('compare', '--left', ASA, '--right', PAN, '--json');
      const pairs = JSON.parse(json.stdout).pairs as { left: string; ok: boolean; lines?: { line: number }[] }[];
      expect(pairs.filter((p) => !p.ok).map((p) => p.left)).toEqual(['left.gateway.espProposals']);

      const up = cli('up', '--settings', settings, '--lab', lab, '--timeout', '40');
      expect(up.status, up.stdout + up.stderr).not.toBe(0);
      // IKE agrees, the CHILD_SA does not: as the two devices would.
      expect(up.stdout + up.stderr).toMatch(/IKE ESTABLISHED\/CHILD NONE/);
      const explain = cli('explain', '--lab', lab, '--json');
      expect(explain.status, explain.stderr).toBe(0);
      const verdict = JSON.parse(explain.stdout) as { verdict: string; findings: { cause: string }[] };
      expect(verdict.verdict).toBe('esp-proposal-mismatch');
      expect(verdict.findings[0].cause).toBe('esp-proposal-mismatch');
    }, 240_000);
  });

  describe('healthy templates validated from the CLI', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-validate-'));
    const html = path.join(dir, 'report.html');
    const junit = path.join(dir, 'report.xml');
    let run: ReturnType<typeof cli>;

    beforeAll(() => {
      // One run for three templates, the checks that tell a template works (the full set is the
      // validate suite's): establish (as the device starts it), traffic both ways, rekeys.
      run = cli(
        'validate',
        ASA_TEMPLATE,
        PAN_TEMPLATE,
        ASA,
        '--only',
        'establish,traffic,rekey',
        '--json',
        '--report',
        html,
        '--junit',
        junit,
      );
    }, 400_000);

    it('an ASA crypto-map template and a Palo Alto template (and the multi-tunnel ASA) all pass', () => {
      expect(run.status, run.stderr.slice(-3000)).toBe(0);
      const report = JSON.parse(run.stdout) as {
        ok: boolean;
        templates: { template: string; ok: boolean; checks: { id: string; status: string }[] }[];
      };
      expect(report.ok).toBe(true);
      expect(report.templates.map((t) => t.template)).toEqual([ASA_TEMPLATE, PAN_TEMPLATE, ASA]);
      for (const t of report.templates) {
        expect(t.ok, t.template).toBe(true);
        const ran = t.checks.filter((c) => c.status !== 'skipped');
        expect(ran.map((c) => [c.id, c.status])).toEqual([
          ['establish', 'pass'],
          ['traffic', 'pass'],
          ['rekey', 'pass'],
        ]);
      }
    });

    it('no pre-shared key of any tunnel appears in any output unless --reveal-secrets', () => {
      const outputs: Record<string, string> = {
        'validate --json': run.stdout,
        'validate progress': run.stderr,
        'validate --report (HTML)': readFileSync(html, 'utf8'),
        'validate --junit': readFileSync(junit, 'utf8'),
      };
      const say = (name: string, r: ReturnType<typeof cli>) => {
        expect(r.status, `${name}: ${r.stderr}`).toBeLessThanOrEqual(1);
        outputs[name] = r.stdout + r.stderr;
      };
      for (const file of [ASA, PAN, PAN_TEMPLATE]) {
        say(`import ${file}`, cli('import', file));
        say(`import ${file} --json`, cli('import', file, '--json'));
      }
      say('import --tunnel 20 (the other ASA tunnel)', cli('import', ASA, '--tunnel', '20', '--json'));
      say('import --tunnel ipsec-tunnel-2', cli('import', PAN_TEMPLATE, '--tunnel', 'ipsec-tunnel-2'));
      say('import --left --right', cli('import', '--left', ASA, '--right', PAN));
      say('import --left --right --json', cli('import', '--left', ASA, '--right', PAN, '--json'));
      say('compare --left --right', cli('compare', '--left', ASA, '--right', PAN));
      say('compare --left --right --json', cli('compare', '--left', ASA, '--right', PAN, '--json'));
      say('compare two templates', cli('compare', '--left', PAN_TEMPLATE, '--right', ASA, '--json'));

      const keys = [...new Set(Object.values(KEYS).flat())];
      for (const [name, text] of Object.entries(outputs))
        for (const key of keys) expect(text.includes(key), `${name} shows the key ${key}`).toBe(false);

      // The same outputs with --reveal-secrets do show them: the search above finds a key where one is.
      const revealed = cli('import', ASA, '--json', '--reveal-secrets');
      for (const key of KEYS[ASA]) expect(revealed.stdout + revealed.stderr).toContain(key);
      const both = cli('import', PAN_TEMPLATE, '--reveal-secrets');
      for (const key of KEYS[PAN_TEMPLATE]) expect(both.stdout + both.stderr).toContain(key);
    }, 180_000);
  });
});
