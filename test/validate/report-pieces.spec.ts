// The parts of a validation that need no lab: which log lines a check cites, when a tunnel counts
// as up, which device lines a failure cites, which keys a report masks, and lab names that never clash.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { LabStatus } from '../../lab/engine/types.js';
import { LAB_NAME_RE } from '../../lab/lifecycle/labels.js';
import { cryptoAdvice } from '../../lab/settings/crypto-strength.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';
import { tunnelAlive } from '../../lab/validate/check-helpers.js';
import { adviceCitations, configCitations } from '../../lab/validate/citations.js';
import { evidenceWhere, excerpt } from '../../lab/validate/evidence.js';
import { reportHtml, reportJson, reportJunit } from '../../lab/validate/index.js';
import { validationLabName } from '../../lab/validate/run.js';
import { secretsInText } from '../../lab/validate/secrets.js';
import { loadTemplate } from '../../lab/validate/template.js';
import type { CheckResult, TemplateResult, ValidateReport } from '../../lab/validate/types.js';

const CHARON_START = [
  'Dec  2 06:45:25.887 00[DMN1] Starting charon-systemd IKE daemon (strongSwan 6.0.1, Linux 6.18.44, x86_64)',
  "Dec  2 06:45:25.899 00[LIB1] plugin 'stroke': failed to load - stroke_plugin_create not found and no plugin file available",
  "Dec  2 06:45:25.900 00[LIB1] plugin 'eap-mschapv2': failed to load - eap_mschapv2_plugin_create not found",
  'Dec  2 06:45:25.906 00[JOB1] spawning 16 worker threads',
  "Dec  2 06:45:26.502 11[CFG1] loaded IKE shared key with id 'ike-lab' for: '198.51.100.10', '203.0.113.10'",
];
const NEGOTIATION = [
  'Dec  2 06:45:27.001 12[IKE1] <lab|1> initiating IKE_SA lab[1] to 203.0.113.10',
  'Dec  2 06:45:27.050 13[CFG1] <lab|1> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024',
  'Dec  2 06:45:27.051 13[IKE1] <lab|1> received NO_PROPOSAL_CHOSEN notify error',
];

describe("a check's log excerpt", () => {
  it("is the check's negotiation, not charon's plugin-load noise", () => {
    const records = [...CHARON_START, ...NEGOTIATION].map((l, i) => parseCharonLine(l, 'left', i + 1));
    const texts = excerpt(records, 'lab').map((l) => l.text);
    expect(texts.some((t) => /plugin|worker threads|Starting charon/.test(t))).toBe(false);
    expect(texts).toEqual(NEGOTIATION);
  });
  it('prefers IKE/CHILD lines when there are more notable lines than it shows, keeping the first and the last', () => {
    const lines = Array.from(
      { length: 40 },
      (_, i) =>
        `Dec  2 06:45:${String(10 + i).padStart(2, '0')}.000 12[${i % 2 ? 'NET' : 'IKE'}1] <lab|1> retransmit ${i + 1} of request`,
    );
    const picked = excerpt(
      lines.map((l, i) => parseCharonLine(l, 'right', i + 1)),
      'lab',
      8,
    );
    expect(picked).toHaveLength(8);
    expect(picked.every((l) => l.text.includes('[IKE1]'))).toBe(true);
    expect(picked[0].seq).toBe(1);
    expect(picked[7].seq).toBe(39);
  });
  it('cites evidence without a line number (typed settings) by its source alone, never ":0"', () => {
    expect(evidenceWhere({ source: 'left-settings', line: 0 })).toBe('left-settings');
    expect(evidenceWhere({ source: 'left', line: 12 })).toBe('left:12');
  });
});

describe('a tunnel being rekeyed is up', () => {
  const status = (left: [string, string], right: [string, string]): LabStatus => {
    const sas = (ike: string, child: string) => ({
      side: 'left' as const,
      time: 0,
      ikeSas: [{ name: 'lab', state: ike, children: [{ name: 'net', state: child }] }],
    });
    return { sas: { left: sas(...left), right: sas(...right) } } as unknown as LabStatus;
  };
  it('ESTABLISHED/INSTALLED, REKEYING and REKEYED count; CONNECTING, DELETING and none do not', () => {
    expect(tunnelAlive(status(['ESTABLISHED', 'INSTALLED'], ['ESTABLISHED', 'INSTALLED']))).toBe(true);
    expect(tunnelAlive(status(['REKEYING', 'REKEYING'], ['ESTABLISHED', 'REKEYED']))).toBe(true);
    expect(tunnelAlive(status(['CONNECTING', 'CREATED'], ['ESTABLISHED', 'INSTALLED']))).toBe(false);
    expect(tunnelAlive(status(['ESTABLISHED', 'DELETING'], ['ESTABLISHED', 'INSTALLED']))).toBe(false);
    expect(tunnelAlive({ sas: {} } as unknown as LabStatus)).toBe(false);
  });
});

describe("a failed check cites the device's own lines", () => {
  const s = defaultSettings();
  s.left.gateway.espProposals = ['aes256-sha256'];
  s.right.gateway.espProposals = ['aes128-sha1'];
  // As an import reports it: field path -> the line it came from.
  const provenance = {
    'left.gateway.espProposals': {
      line: 31,
      text: 'crypto ipsec ikev2 ipsec-proposal P-AES256',
      more: [{ line: 32, text: ' protocol esp encryption aes-256' }],
    },
    'left.gateway.dpd': { line: 40, text: ' isakmp keepalive threshold 10 retry 2' },
    'left.gateway.psk': { line: 0, text: '(whole input)' },
  };
  const failed = (id: CheckResult['id'], cause?: string) =>
    ({ id, cause: cause && { cause, summary: '', fix: [], source: 'live', evidence: [] } }) as CheckResult;

  it('the fields of the diagnosed cause, with what this side offers and what the peer has', () => {
    const c = configCitations(s, provenance, failed('establish', 'esp-proposal-mismatch'));
    expect(c.map((x) => x.line)).toEqual([31, 32]);
    expect(c[0].note).toBe('gw-left espProposals = aes256-sha256; gw-right espProposals = aes128-sha1');
  });
  it("a check's own fields without a cause; a parent field the importer recorded; never line 0", () => {
    expect(configCitations(s, provenance, failed('peer-restart')).map((x) => x.line)).toEqual([40]);
    expect(configCitations(s, provenance, failed('establish', 'psk-mismatch'))).toEqual([]);
    expect(configCitations(s, undefined, failed('establish', 'esp-proposal-mismatch'))).toEqual([]);
  });
});

describe('an imported template: the device lines behind a failure and behind weak crypto', () => {
  it('cites the ASA lines the importer recorded, the precise one for each weakness', async () => {
    const t = await loadTemplate('test/fixtures/configs/asa-multi-entry.txt');
    expect(t.provenance).toBeDefined();
    const esp = configCitations(t.settings, t.provenance, {
      id: 'establish',
      cause: { cause: 'esp-proposal-mismatch', summary: '', fix: [], source: 'live', evidence: [] },
    });
    expect(esp.map((c) => c.text.trim())).toEqual(
      expect.arrayContaining(['crypto ipsec ikev1 transform-set TS-AES256 esp-aes-256 esp-sha-hmac']),
    );
    const advice = cryptoAdvice(t.settings);
    const dh = advice.find((a) => /DH group 5/.test(a.issue))!;
    expect(adviceCitations(dh, t.provenance)).toEqual(['gw-left line 34 `group 5`']);
    const sha = advice.find((a) => /SHA-1 integrity in IKE/.test(a.issue))!;
    expect(adviceCitations(sha, t.provenance)).toEqual(['gw-left line 33 `hash sha`']);
  });
});

describe('keys in reports', () => {
  it('finds the keys of every tunnel, however the format writes them', () => {
    const text = [
      ' ikev1 pre-shared-key partnerAkey',
      ' ikev2 remote-authentication pre-shared-key partnerBkey',
      'crypto isakmp key iosOldKey1 address 192.0.2.1',
      'set network ike gateway gw1 authentication pre-shared-key key "pan key 1"',
      '<pre-shared-key>',
      '  <key>-AQ==xmlKey&amp;1</key>',
      '</pre-shared-key>',
      '    secret = "swan&secret"',
      ': PSK "ipsecSecret9"',
      '{ "psk": "json\\"key" }',
      ' ikev2 local-authentication pre-shared-key *****',
    ].join('\n');
    expect(secretsInText(text).sort()).toEqual(
      [
        'partnerAkey',
        'partnerBkey',
        'iosOldKey1',
        'pan key 1',
        '-AQ==xmlKey&1',
        'swan&secret',
        'ipsecSecret9',
        'json"key',
      ].sort(),
    );
  });

  it("never puts another tunnel's key of a multi-tunnel config into the HTML, JSON or JUnit report", async () => {
    const file = 'test/fixtures/configs/asa-multi-entry.txt';
    const loaded = await loadTemplate(file);
    expect(loaded.secrets).toEqual(expect.arrayContaining(['partnerAkey', 'partnerBkey']));
    // The report quotes lines of the tunnel that was not imported, as it would on any import.
    const leaky = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => /pre-shared-key/.test(l));
    const quoted = leaky.map((l) => `line 99: ${l.trim()}`).join('; ');
    const check: CheckResult = {
      id: 'establish',
      title: 'establish',
      status: 'fail',
      durationMs: 0,
      reason: `failed near ${quoted}`,
      facts: [quoted],
      logs: [],
      counters: { before: [], after: [] },
      series: [],
    };
    const t: TemplateResult = {
      template: file,
      lab: 'x',
      importNotes: [...loaded.notes, ...leaky.map((l) => `line 99 not imported: ${l.trim()} (another tunnel)`)],
      checks: [check],
      durationMs: 0,
      ok: false,
    };
    const report: ValidateReport = {
      tool: 'ipsec-lab validate',
      startedAt: new Date(0).toISOString(),
      durationMs: 0,
      options: { concurrency: 1, quick: true },
      templates: [t],
      totals: { pass: 0, fail: 1, skipped: 0 },
      ok: false,
    };
    for (const out of [
      reportHtml(report, loaded.secrets),
      reportJson(report, loaded.secrets),
      reportJunit(report, loaded.secrets),
    ]) {
      expect(out).not.toMatch(/partnerAkey|partnerBkey/);
      expect(out).toContain('********');
    }
  });
});

describe('validation lab names', () => {
  it('are valid lab names, leave room for the interop lab, and differ between two validations', () => {
    const names = new Set(Array.from({ length: 50 }, () => validationLabName('My Lab Name Is Long')));
    expect(names.size).toBeGreaterThan(45);
    for (const n of names) {
      expect(n).toMatch(LAB_NAME_RE);
      expect(`${n}-i`).toMatch(LAB_NAME_RE);
      expect(n).toMatch(/^my-lab-name-val-/);
    }
  });
});

describe("an imported template's notes", () => {
  it('list the placeholders with what replaced them, and the tunnels of the file that were not picked', async () => {
    const t = await loadTemplate('test/fixtures/configs/public/asa-oci-ikev2-vti-template/config.txt');
    const placeholders = t.notes.filter((n) => / placeholder /.test(` ${n}`));
    expect(placeholders.length).toBeGreaterThan(0);
    expect(placeholders.join('\n')).toMatch(/^line \d+ placeholder \$\{oracleHeadend1\} \(peerAddress\) replaced by /m);
    expect(placeholders.join('\n')).toMatch(
      /placeholder \$\{sharedSecret1\} \(psk\) replaced by the lab's default key/,
    );
    const tunnels = t.notes.filter((n) => n.startsWith('validated tunnel '));
    expect(tunnels).toHaveLength(1);
    expect(tunnels[0]).toMatch(
      /^validated tunnel \$\{tunnelInterfaceName1\}; not validated, the file.s other tunnel: \$\{tunnelInterfaceName2\} \(line \d+ peer \$\{oracleHeadend2\}\)/,
    );

    const multi = await loadTemplate('test/fixtures/configs/asa-multi-entry.txt');
    const other = multi.notes.find((n) => n.startsWith('validated tunnel '))!;
    expect(other).toContain("validated tunnel outside_map 10; not validated, the file's other tunnel: outside_map 20");
    expect(other).toContain('peer 192.0.2.77');
    // One tunnel, no placeholders: nothing to say about either.
    const single = await loadTemplate('test/fixtures/configs/asa-ikev2-gcm.txt');
    expect(single.notes.some((n) => n.startsWith('validated tunnel ') || / placeholder /.test(` ${n}`))).toBe(false);
  });
});
