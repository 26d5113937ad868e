// The ladder tells a message that never arrived from one that arrived and could not be read, on
// the lab's recorded logs (test/fixtures/diagnosis/lab): IKEv1 main mode message 5 with another
// pre-shared key reaches the responder, which cannot decrypt it.
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import type { LogRecord, Side } from '../../lab/api/contract.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';
import { Ladder, type LadderMessage } from '../../renderer/src/model/ladder.js';

const records = (scenario: string, side: Side): LogRecord[] =>
  readFileSync(`test/fixtures/diagnosis/lab/${scenario}/${side}.log`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line, i) => parseCharonLine(line, side, i + 1));

/** As the app reads a lab's history: all of one gateway's log, then the other's. */
function ladderOf(scenario: string): LadderMessage[] {
  const l = new Ladder(100_000);
  for (const side of ['left', 'right'] as const) for (const r of records(scenario, side)) l.push(r);
  return l.list().filter((e): e is LadderMessage => e.kind === 'message');
}

describe('ladder: not received, or received and not readable', () => {
  it('IKEv1 PSK mismatch: message 5 arrived at the responder, which could not decrypt it', () => {
    const m5 = ladderOf('psk-mismatch-v1').filter(
      (m) => m.exchange === 'ID_PROT' && m.from === 'left' && m.dir === 'request' && /^ID HASH/.test(m.payloads),
    );
    expect(m5.length).toBeGreaterThan(0);
    for (const m of m5) {
      expect(m.parsedSeq, 'never parsed').toBeUndefined();
      expect(m.receivedSeq, 'but received').toBeDefined();
      expect(m.failed?.text).toMatch(/decrypt/);
    }
    // Messages 1 to 4 were read.
    const early = ladderOf('psk-mismatch-v1').filter((m) => m.exchange === 'ID_PROT' && !/^ID HASH/.test(m.payloads));
    expect(early.some((m) => m.parsedSeq !== undefined)).toBe(true);
  });

  it('UDP 500 blocked: the first message never arrives', () => {
    const first = ladderOf('ike-port-blocked-v2').filter((m) => m.exchange === 'IKE_SA_INIT' && m.from === 'left');
    expect(first.length).toBeGreaterThan(0);
    for (const m of first) {
      expect(m.receivedSeq).toBeUndefined();
      expect(m.failed).toBeUndefined();
    }
  });

  it('a healthy tunnel: every message arrives and is read', () => {
    for (const scenario of ['healthy-v2-trixie', 'healthy-v1-trixie']) {
      // The negotiation (the recordings also hold the previous run's deletes, answered before it began).
      const all = ladderOf(scenario).filter((m) => /ID_PROT|QUICK_MODE|IKE_SA_INIT|IKE_AUTH/.test(m.exchange));
      expect(all.length).toBeGreaterThan(3);
      for (const m of all) {
        expect(m.failed, `${scenario} ${m.exchange} ${m.mid}`).toBeUndefined();
        expect(m.parsedSeq, `${scenario} ${m.exchange} ${m.mid}`).toBeDefined();
      }
    }
  });
});
