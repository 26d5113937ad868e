import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { FAULTS } from '../../lab/faults/catalogue.js';
import {
  EVIDENCE,
  evidenceFor,
  evidenceKind,
  logMatches,
  patternText,
  symptomText,
} from '../../lab/faults/evidence.js';
import type { LogEvidence } from '../../lab/faults/types.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';

/** The full-lab recordings of every fault (test/fixtures/diagnosis/record-lab.ts): real charon logs since the fault. */
const LAB = path.join(import.meta.dirname, '..', 'fixtures', 'diagnosis', 'lab');

describe('fault evidence table', () => {
  it('has rows for every fault and every IKE version it applies to, and no rows for an unknown fault', () => {
    expect(Object.keys(EVIDENCE).sort()).toEqual(FAULTS.map((f) => f.id).sort());
    for (const f of FAULTS)
      for (const v of f.ikeVersions)
        expect(evidenceFor(f.evidence, v).length, `${f.id} on IKEv${v}`).toBeGreaterThan(0);
  });

  it('reads in order: counters follow one ping row, and rows hold only for versions the fault applies to', () => {
    for (const f of FAULTS) {
      for (const row of f.evidence)
        if (row.ike !== 'any') expect(f.ikeVersions, `${f.id}: a row for IKEv${row.ike}`).toContain(row.ike);
      for (const v of f.ikeVersions) {
        const kinds = evidenceFor(f.evidence, v).map(evidenceKind);
        expect(kinds.filter((k) => k === 'pings').length, `${f.id} v${v}: ping rows`).toBeLessThanOrEqual(1);
        const firstCounter = kinds.indexOf('counter');
        if (firstCounter >= 0) expect(kinds.indexOf('pings'), `${f.id} v${v}`).toBeGreaterThanOrEqual(0);
        if (firstCounter >= 0) expect(kinds.indexOf('pings')).toBeLessThan(firstCounter);
      }
    }
  });

  it('makes the symptoms the app shows, one line per row, with the log lines as text', () => {
    for (const f of FAULTS) {
      expect(f.symptoms).toEqual(f.evidence.map(symptomText));
      for (const s of f.symptoms) expect(s, f.id).not.toMatch(/\\[dswb]|\.\*|\(\?:/);
    }
    const psk = FAULTS.find((f) => f.id === 'psk-mismatch')!.symptoms;
    expect(psk).toContain(
      "gw-right (IKEv2): the responder checks the initiator's AUTH payload with its own key, and it does not verify (`tried N shared key for … but MAC mismatched`)",
    );
    // The ASA role states: the responder waits for message 5, the initiator for message 6.
    expect(psk.join('\n')).toMatch(/responder waits in MM_WAIT_MSG5, an ASA initiator in MM_WAIT_MSG6/);
    expect(psk.join('\n')).not.toMatch(/initiator (sits|waits) in MM_WAIT_MSG5/);
  });

  it('shows a pattern as the text a reader finds in the log, and refuses regex syntax it cannot show', () => {
    expect(patternText('received packet: from 198.51.100.10[500]')).toEqual([
      'received packet: from 198.51.100.10[500]',
    ]);
    expect(patternText(/tried \d+ shared keys? for .* but MAC mismatched/)).toEqual([
      'tried N shared key(s) for … but MAC mismatched',
    ]);
    expect(patternText(/no (matching )?peer config found|decryption failed\?/)).toEqual([
      'no (matching) peer config found',
      'decryption failed?',
    ]);
    expect(patternText(/generating (IKE_SA_INIT|ID_PROT) request/)).toEqual(['generating IKE_SA_INIT/ID_PROT request']);
    expect(() => patternText(/SPIs [0-9a-f]+_i/)).toThrow(/SPIs \[0-9a-f\]\+_i\/: "\[" has no plain-text form/);
    expect(() => patternText(/^deleting\s/)).toThrow(/has no plain-text form/);
  });

  /**
   * Every log row against the lab's own recording of that fault: a line it expects is in that
   * gateway's log, a line it rules out is not. The live fault tests check the same rows again on a
   * running lab; this catches a misspelt pattern in a second.
   */
  describe('log rows against the recorded lab corpus', () => {
    const cases = FAULTS.flatMap((f) => f.ikeVersions.map((v) => ({ f, v, dir: path.join(LAB, `${f.id}-v${v}`) })));
    for (const { f, v, dir } of cases) {
      const rows = evidenceFor(f.evidence, v).filter((r): r is LogEvidence => evidenceKind(r) === 'log');
      if (!rows.length) continue;
      it.skipIf(!existsSync(dir))(`${f.id} on IKEv${v}`, () => {
        const messages = (side: 'left' | 'right') =>
          readFileSync(path.join(dir, `${side}.log`), 'utf8')
            .split('\n')
            .map((raw, i) => parseCharonLine(raw, side, i + 1).message);
        const logs = { left: messages('left'), right: messages('right') };
        for (const row of rows) {
          const hits = logs[row.side].filter((m) => logMatches(row, m));
          if (row.absent) expect(hits, `gw-${row.side} must never log ${row.pattern}`).toEqual([]);
          else expect(hits.length, `gw-${row.side} logs ${row.pattern}`).toBeGreaterThan(0);
        }
      });
    }
  });
});
