// `ipsec-lab validate` against real labs: a good on-demand (trap) template passes every check, a PFS mismatch fails
// the rekey check, mismatched proposals fail establishment, each failure naming the diagnosed
// cause; the HTML report and the JUnit XML are produced, secret-free, and read back.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { defaultSettings } from '../../lab/settings/defaults.js';
import { CHECK_IDS, CHECK_TITLES, type ValidateReport } from '../../lab/validate/index.js';
import { skipWithoutDocker } from '../support/docker-available.js';

const PSK = 'validate-test-psk-4711';

describe.skipIf(skipWithoutDocker('validate on real labs'))('ipsec-lab validate (real labs)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-validate-'));
  const file = (name: string, mutate: (s: ReturnType<typeof defaultSettings>) => void) => {
    const s = defaultSettings();
    s.left.gateway.psk = PSK;
    s.right.gateway.psk = PSK;
    mutate(s);
    const f = path.join(dir, name);
    writeFileSync(f, JSON.stringify(s, null, 2));
    return f;
  };
  // Healthy, and started the way a crypto-map ASA starts: on demand (trap) when interesting
  // traffic matches, DPD action trap on both; the peer only answers. It must validate green.
  const good = file('good.json', (s) => {
    s.left.gateway.startAction = 'trap';
    s.left.gateway.dpd.action = 'trap';
    s.right.gateway.dpd.action = 'trap';
  });
  const pfs = file('pfs-mismatch.json', (s) => void (s.left.gateway.espProposals = ['aes256-sha256-modp2048']));
  const proposals = file(
    'proposal-mismatch.json',
    (s) => void (s.right.gateway.ikeProposals = ['aes128-sha1-modp1024']),
  );
  const html = path.join(dir, 'report.html');
  const junit = path.join(dir, 'junit.xml');
  let run: ReturnType<typeof spawnSync>;
  let report: ValidateReport;

  beforeAll(() => {
    // Three templates side by side, two labs at a time.
    run = spawnSync(
      process.execPath,
      [
        'bin/ipsec-lab.js',
        'validate',
        good,
        pfs,
        proposals,
        '--concurrency',
        '2',
        '--report',
        html,
        '--junit',
        junit,
        '--json',
      ],
      { encoding: 'utf8', timeout: 600_000 },
    );
    report = JSON.parse(String(run.stdout));
  }, 620_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const template = (f: string) => report.templates.find((t) => t.template === f)!;
  const check = (f: string, id: string) => template(f).checks.find((c) => c.id === id)!;

  it('exits 1 because a template failed, and reports every template with every check', () => {
    expect(run.status, String(run.stderr)).toBe(1);
    expect(report.options.concurrency).toBe(2);
    for (const f of [good, pfs, proposals]) expect(template(f).checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    // Progress went to stderr, per template.
    expect(String(run.stderr)).toMatch(/\[good\.json\] ✔ establish pass/);
  });

  it('a good template passes every check this engine can run, with evidence', () => {
    const t = template(good);
    expect(t.ok).toBe(true);
    for (const c of t.checks) {
      if (c.status === 'skipped') {
        // Only what the kernel cannot do is skipped, and it says why.
        expect(c.id).toBe('latency');
        expect(c.reason).toMatch(/netem/);
        continue;
      }
      expect(c.status, `${c.id}: ${c.reason}`).toBe('pass');
      expect(c.facts.length, c.id).toBeGreaterThan(0);
    }
    expect(check(good, 'traffic').counters.after.length).toBeGreaterThan(0);
    expect(check(good, 'rekey').logs.some((l) => /rekey|CHILD_SA .* established/i.test(l.text))).toBe(true);
  });

  it('brings an on-demand template up and back as the device would, and says so', () => {
    expect(check(good, 'establish').facts.join('\n')).toMatch(
      /gw-left starts on demand .* sending interesting traffic/,
    );
    expect(check(good, 'peer-restart').facts.join('\n')).toMatch(/host-left sends a packet every 2 s/);
    // The excerpt is the negotiation the check caused, not charon's start-up.
    const est = check(good, 'establish').logs.map((l) => l.text);
    expect(est.some((t) => /initiating IKE_SA|acquire/.test(t))).toBe(true);
    expect(est.some((t) => /plugin '|worker threads/.test(t))).toBe(false);
  });

  it('interop reports the versions charon itself gives, one of each series', () => {
    const interop = check(good, 'interop');
    if (interop.status === 'skipped') return expect(interop.reason).toMatch(/--quick|nothing to interoperate/);
    expect(interop.facts.join('\n')).toMatch(/charon versions \(VICI version\): gw-left 6\.0\.\d+, gw-right 5\.9\.\d+/);
  });

  it('lists weak crypto as advice without failing the template', () => {
    expect(template(good).advice?.some((a) => /no PFS/.test(a))).toBe(true);
    expect(template(proposals).advice?.some((a) => /gw-right: DH group 2 \(modp1024\)/.test(a))).toBe(true);
    expect(template(good).ok).toBe(true);
  });

  it('a PFS mismatch establishes and passes traffic, then fails the rekey check naming pfs-mismatch', () => {
    expect(check(pfs, 'establish').status).toBe('pass');
    expect(check(pfs, 'traffic').status).toBe('pass');
    const rekey = check(pfs, 'rekey');
    expect(rekey.status).toBe('fail');
    expect(rekey.cause?.cause).toBe('pfs-mismatch');
    expect(rekey.cause?.evidence.length).toBeGreaterThan(0);
  });

  it('mismatched IKE proposals fail establishment naming ike-proposal-mismatch; the rest is skipped, saying why', () => {
    const est = check(proposals, 'establish');
    expect(est.status).toBe('fail');
    expect(est.cause?.cause).toBe('ike-proposal-mismatch');
    expect(est.logs.some((l) => /NO_PROPOSAL_CHOSEN|no proposal chosen|configured proposals/i.test(l.text))).toBe(true);
    for (const c of template(proposals).checks.filter((x) => x.id !== 'establish'))
      expect(c.reason).toMatch(/never established/);
  });

  it('writes an HTML report with every check, the counters chart and the cause, and no pre-shared key', () => {
    const text = readFileSync(html, 'utf8');
    for (const id of CHECK_IDS) expect(text).toContain(CHECK_TITLES[id]);
    expect(text).toMatch(/<svg[^>]*>[\s\S]*?<\/svg>/);
    expect(text).toContain('pfs-mismatch');
    expect(text).toContain('ike-proposal-mismatch');
    expect(text).not.toContain(PSK);
    expect(String(run.stdout)).not.toContain(PSK);
  });

  it('writes JUnit XML that parses: one testcase per check, failures and skips where they were', () => {
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toContain(PSK);
    const doc = new XMLParser({
      ignoreAttributes: false,
      isArray: (name) => name === 'testsuite' || name === 'testcase',
    }).parse(xml);
    const suites = doc.testsuites.testsuite as Array<{ testcase: Array<Record<string, unknown>> }>;
    expect(suites).toHaveLength(3);
    const cases = suites.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(3 * CHECK_IDS.length);
    const failed = cases.filter((c) => c.failure !== undefined).length;
    const skipped = cases.filter((c) => c.skipped !== undefined).length;
    expect(failed).toBe(report.totals.fail);
    expect(skipped).toBe(report.totals.skipped);
  });

  it('refuses a broken template before starting any lab, naming the file and the problem', () => {
    const bad = path.join(dir, 'broken.conf');
    writeFileSync(bad, 'crypto map outside_map 10 match address\nthis is not a config\n');
    const r = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'validate', good, bad], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(bad);
    const opt = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'validate', good, '--only', 'establish,teleport'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(opt.status).toBe(2);
    expect(opt.stderr).toContain('unknown check teleport');
  });
});
