import { createReadStream, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { diagnose, type DiagnoseInput } from '../../lab/diagnosis/diagnose.js';
import type { Evidence, Finding } from '../../lab/diagnosis/findings.js';
import { FIXTURES } from './helpers.js';

/**
 * A finding's text states only what its evidence shows (issue 16). Over the whole recorded lab
 * corpus (every catalogue fault, both IKE versions, healthy runs), every claim a finding's summary
 * makes about what a gateway did, logged, sent or counted must have an evidence line of that
 * gateway (or its counters) behind it: a frozen peer never "received and answered" anything.
 */
const LAB = path.join(FIXTURES, 'lab');
const cases = existsSync(LAB)
  ? readdirSync(LAB)
      .filter((d) => existsSync(path.join(LAB, d, 'meta.json')))
      .sort()
  : [];

async function diagnoseCase(name: string) {
  const logs: NonNullable<DiagnoseInput['logs']> = (['left', 'right'] as const).map((side) => ({
    source: `${name}/${side}.log`,
    side,
    lines: createReadStream(path.join(LAB, name, `${side}.log`)),
  }));
  const sasText: NonNullable<DiagnoseInput['sasText']> = [];
  for (const side of ['left', 'right'] as const)
    for (const file of [`${side}.sas.before.txt`, `${side}.sas.txt`])
      if (existsSync(path.join(LAB, name, file)))
        sasText.push({ source: `${name}/${file}`, side, lines: createReadStream(path.join(LAB, name, file)) });
  return diagnose({ logs, sasText });
}

const sideOf = (e: Evidence) => /(?:^|[/-])(left|right)(?:[.-]|$)/.exec(e.source)?.[1];
const isCounter = (e: Evidence) => /sas/.test(e.source) || /\bpackets?\b|#pkts/.test(e.text);

/**
 * The claims a summary makes, each with what backs it. Only positive statements about what a
 * gateway did: "never answered" is a claim about the asking side's retransmits, not the peer's log.
 */
const CLAIMS: { re: RegExp; backed: (m: RegExpExecArray, ev: Evidence[]) => boolean; what: string }[] = [
  {
    what: 'a gateway did or logged something: a line of that gateway',
    re: /\b[Tt]he (left|right) gateway(?:'s log)? (?:received|answered|decrypts|decrypted|logged|logs|refused|rejected|verified|deleted|restarted|retransmitted|shows)\b/g,
    backed: (m, ev) => ev.some((e) => sideOf(e) === m[1]),
  },
  {
    what: 'a quoted message: that text in an evidence line',
    re: /"([^"]{8,})"/g,
    backed: (m, ev) => ev.some((e) => e.text.includes(m[1].replace(/…$/, ''))),
  },
  {
    what: 'retransmits counted: a retransmit or give-up line',
    re: /retransmitted (\d+) time/g,
    backed: (_m, ev) => ev.some((e) => /retransmit|giving up/.test(e.text)),
  },
  {
    what: 'packets counted: the counters',
    re: /(\d+) (?:ESP )?packet\(?s?\)? (?:out|in)|sent (\d+) ESP packet/g,
    backed: (_m, ev) => ev.some(isCounter),
  },
  {
    what: 'requests answered: an answer in the evidence',
    re: /(?<!un|never |not )answered (?:them|the IKE requests)|received the IKE requests and answered/g,
    backed: (_m, ev) => ev.some((e) => /response \d+/.test(e.text)),
  },
];

/** Claims checked so far, per kind: the test must check real claims, not pass on none. */
const checked = new Map<string, number>();

function unbacked(f: Finding): string[] {
  const out: string[] = [];
  for (const c of CLAIMS)
    for (const m of f.summary.matchAll(c.re)) {
      checked.set(c.what, (checked.get(c.what) ?? 0) + 1);
      if (!c.backed(m as RegExpExecArray, f.evidence)) out.push(`"${m[0]}" (${c.what})`);
    }
  return out;
}

describe('every claim of a finding has evidence behind it', () => {
  const byCause = new Map<string, { name: string; f: Finding }[]>();
  beforeAll(async () => {
    for (const name of cases) {
      const r = await diagnoseCase(name);
      for (const f of r.findings) {
        if (!byCause.has(f.cause)) byCause.set(f.cause, []);
        byCause.get(f.cause)!.push({ name, f });
      }
    }
  }, 120_000);

  it('the corpus exercises the rules', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(byCause.size).toBeGreaterThan(15);
  });

  // One test per cause a rule can name: each of its findings over the corpus, every claim backed.
  for (const cause of [
    'psk-mismatch',
    'ike-proposal-mismatch',
    'dh-group-mismatch',
    'aggressive-mode-mismatch',
    'no-initiator',
    'esp-proposal-mismatch',
    'pfs-mismatch',
    'ts-mismatch',
    'id-mismatch',
    'ike-version-mismatch',
    'peer-address-mismatch',
    'peer-unreachable',
    'ike-port-blocked',
    'natt-port-blocked',
    'esp-blocked',
    'dpd-peer-dead',
    'stale-sa',
    'peer-closed',
    'rekey-failure',
    'lifetime-mismatch',
    'no-return-traffic',
    'no-outbound-traffic',
    'packet-loss',
    'overlapping-subnets',
    'local-socket-error',
    'healthy',
  ]) {
    it(cause, () => {
      const found = byCause.get(cause) ?? [];
      for (const { name, f } of found) expect(unbacked(f), `${name}: ${f.summary}`).toEqual([]);
    });
  }

  it('claims of every kind but answers were checked', () => {
    for (const c of CLAIMS.slice(0, 4)) expect(checked.get(c.what) ?? 0, c.what).toBeGreaterThan(3);
  });

  it('the checker itself catches a claim without evidence', () => {
    const f = {
      cause: 'ike-port-blocked',
      summary:
        'The right gateway received the IKE requests and answered, but the answers never reached the left gateway.',
      evidence: [{ source: 'x/left.log', line: 3, text: 'retransmit 1 of request with message ID 0' }],
    } as Finding;
    expect(unbacked(f)).toHaveLength(2);
  });
});
