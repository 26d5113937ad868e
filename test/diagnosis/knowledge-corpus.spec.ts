/**
 * The ASA and Palo Alto views of diagnosed logs: every finding of every recorded case (the full-lab
 * corpus and the older per-fault fixtures) speaks the IKE version the case ran, and where the logs
 * show who initiated, the view puts that gateway in the initiator's place. The version and the
 * initiating side are read here from the raw log text, not from the diagnosis.
 */
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { human } from '../../lab/cli/diagnose-command.js';
import { Correlator } from '../../lab/diagnosis/correlate.js';
import { diagnose, type DiagnoseInput } from '../../lab/diagnosis/diagnose.js';
import type { DiagnosisResult, Finding } from '../../lab/diagnosis/findings.js';
import { asaView, ikeInPlay } from '../../lab/diagnosis/knowledge.js';
import { emptySeries, parseSasText } from '../../lab/diagnosis/sas-text.js';
import { toLines } from '../../lab/diagnosis/stream.js';
import { diagnoseFixture, fixtureNames, FIXTURES, meta } from './helpers.js';
import { checkRoleStates, IKEV1_ONLY_ASA, IKEV1_ONLY_PAN, IKEV2_ONLY_ASA, IKEV2_ONLY_PAN } from './knowledge-terms.js';

const LAB = path.join(FIXTURES, 'lab');
const labCases = existsSync(LAB)
  ? readdirSync(LAB)
      .filter((d) => existsSync(path.join(LAB, d, 'meta.json')))
      .sort()
  : [];

async function diagnoseLab(name: string): Promise<DiagnosisResult> {
  const input: DiagnoseInput = { logs: [], sasText: [] };
  for (const side of ['left', 'right'] as const) {
    input.logs!.push({
      source: `${name}/${side}.log`,
      side,
      lines: createReadStream(path.join(LAB, name, `${side}.log`)),
    });
    for (const file of [`${side}.sas.before.txt`, `${side}.sas.txt`])
      if (existsSync(path.join(LAB, name, file)))
        input.sasText!.push({ source: `${name}/${file}`, side, lines: createReadStream(path.join(LAB, name, file)) });
  }
  return diagnose(input);
}

/** The sides whose own log says charon started an IKE_SA ("initiating IKE_SA", "initiating Main Mode IKE_SA"). */
function initiatingSides(dir: string): string[] {
  return ['left', 'right'].filter((side) => {
    const file = path.join(dir, `${side}.log`);
    return existsSync(file) && /\binitiating (Main Mode |Aggressive Mode )?IKE_SA\b/.test(readFileSync(file, 'utf8'));
  });
}

/** Checks one finding's views against the version the case ran; returns the initiator named, if any. */
function checkViews(f: Finding, version: number, label: string): string | undefined {
  const asa = f.vendor.asa!;
  const pan = f.vendor.paloAlto!;
  expect(asa, `${label}: ASA view`).toBeTruthy();
  expect(pan, `${label}: PAN view`).toBeTruthy();
  checkRoleStates(asa);
  if (f.cause === 'ike-version-mismatch') return undefined; // about both versions by nature
  const first = asa.split('\n')[0];
  if (version === 2) {
    expect(first, label).toMatch(/^IKEv2, `show crypto ikev2 sa`/);
    for (const re of IKEV1_ONLY_ASA) expect(asa, `${label}: ${re}`).not.toMatch(re);
    for (const re of IKEV1_ONLY_PAN) expect(pan, `${label}: ${re}`).not.toMatch(re);
  } else {
    expect(first, label).toMatch(/^IKEv1, `show crypto ikev1 sa`/);
    for (const re of IKEV2_ONLY_ASA) expect(asa, `${label}: ${re}`).not.toMatch(re);
    for (const re of IKEV2_ONLY_PAN) expect(pan, `${label}: ${re}`).not.toMatch(re);
  }
  return /As initiator \((gw-\w+)'s place here\)/.exec(first)?.[1];
}

describe('vendor views of the full-lab corpus', () => {
  it('has the corpus', () => expect(labCases.length).toBeGreaterThan(40));

  const named: string[] = [];
  it.each(labCases)('%s: views in the IKE version the case ran, initiator where the logs show it', async (name) => {
    const { ikeVersion } = JSON.parse(readFileSync(path.join(LAB, name, 'meta.json'), 'utf8')) as {
      ikeVersion: number;
    };
    const r = await diagnoseLab(name);
    const initiators = initiatingSides(path.join(LAB, name));
    for (const f of r.findings) {
      const initiator = checkViews(f, ikeVersion, `${name} ${f.cause}`);
      if (!initiator) continue;
      // Only judged where exactly one side ever initiated (restarts and DPD make both start some).
      if (initiators.length === 1) {
        expect(initiator, `${name} ${f.cause}`).toBe(`gw-${initiators[0]}`);
        named.push(`${name} ${f.cause}`);
      }
    }
  });

  it('names the initiating gateway in the views of many negotiation failures', () => {
    expect(named.length).toBeGreaterThan(15);
    expect(named.some((n) => n.startsWith('psk-mismatch-v1 psk-mismatch'))).toBe(true);
    expect(named.some((n) => n.startsWith('psk-mismatch-v2 psk-mismatch'))).toBe(true);
  });
});

describe('vendor views of the per-fault fixtures', () => {
  it.each(fixtureNames())('%s', async (name) => {
    const m = meta(name);
    const r = await diagnoseFixture(name);
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) checkViews(f, m.ikeVersion, `${name} ${f.cause}`);
  });

  it('a silent IKEv1 peer: the ASA initiator waits in MM_WAIT_MSG2, the responder has no SA', async () => {
    const r = await diagnoseLab('peer-unreachable-v1');
    const f = r.findings.find((x) => x.cause === 'peer-unreachable')!;
    expect(f.vendor.asa).toMatch(/As initiator[^:]*: `MM_WAIT_MSG2`/);
    expect(f.vendor.asa).toMatch(/As responder[^:]*: no SA for the peer/);
  });

  it('the CLI prints each vendor note one topic a line, indented under its heading', async () => {
    const text = human(await diagnoseLab('psk-mismatch-v2'));
    const lines = text.split('\n');
    const at = lines.indexOf('   Cisco ASA:');
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 1]).toMatch(/^ {5}IKEv2, `show crypto ikev2 sa`/);
    expect(lines[at + 2]).toMatch(/^ {5}IKEv2 logs: /);
    expect(lines).toContain('   Palo Alto:');
  });
});

describe('version and role from a device listing the finding cites', () => {
  // Published show outputs (test/fixtures/diagnosis/public): the listing itself says the version
  // (`show crypto isakmp sa` is IKEv1, an `IKEv2 SAs` table is IKEv2) and the role the device had.
  it.each([
    'asa-healthy-show-isakmp-sa-aws-1',
    'asa-healthy-show-ikev2-sa-zscaler-1',
    'pan-healthy-show-ike-sa-ikev2-zscaler-1',
  ])('%s', async (name) => {
    const file = path.join(FIXTURES, 'public', name, 'input.txt');
    const raw = readFileSync(file, 'utf8');
    const snapshot = await parseSasText(toLines(createReadStream(file)), 'unknown', name);
    const series = emptySeries();
    series.unknown.push(snapshot);
    const ike = snapshot.ikeSas[0];
    const f: Finding = {
      cause: 'healthy',
      phase: 'ike',
      confidence: 0.7,
      side: 'both',
      summary: '',
      evidence: [ike.stateLine ?? ike.header!],
      fix: [],
      vendor: {},
    };
    const inPlay = ikeInPlay(f, new Correlator(), series);
    expect(inPlay.version).toBe(/IKEv2 SAs/.test(raw) ? 2 : 1);
    const initiated = /Role\s*:\s*initiator|\bINITIATOR\b|\sInit\s/.test(raw);
    expect(inPlay.initiator).toBe(initiated ? 'the logging gateway' : 'the peer');
    expect(asaView('healthy', inPlay)).toMatch(
      initiated
        ? /As initiator \(the logging gateway's place here\)/
        : /As responder \(the logging gateway's place here\)/,
    );
  });
});
