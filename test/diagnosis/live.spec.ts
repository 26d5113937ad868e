import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { LiveDiagnosis } from '../../lab/diagnosis/live.js';
import { parseLogLine } from '../../lab/diagnosis/log-line.js';
import { parseSasText } from '../../lab/diagnosis/sas-text.js';
import { FIXTURES } from './helpers.js';

function lines(name: string, side: string): string[] {
  return readFileSync(path.join(FIXTURES, name, `${side}.log`), 'utf8').split('\n');
}

/** Feeds a log line by line and returns the causes seen right after the first line matching `until`. */
function feedUntil(live: LiveDiagnosis, side: 'left' | 'right', name: string, until: RegExp): string[] {
  const all = lines(name, side);
  for (let i = 0; i < all.length; i++) {
    const rec = parseLogLine(all[i], i + 1, `${name}/${side}.log`);
    if (rec) live.push(side, rec);
    if (until.test(all[i])) return live.findings().map((f) => f.cause);
  }
  throw new Error(`no line matches ${until}`);
}

describe('LiveDiagnosis: findings from early evidence', () => {
  it('silent peer is reported at the first retransmit, long before giving up', () => {
    const live = new LiveDiagnosis();
    const causes = feedUntil(live, 'left', 'peer-unreachable-v2-trixie', /retransmit 1 of request with message ID 0/);
    expect(causes[0]).toBe('peer-unreachable');
    expect(causes).toContain('ike-port-blocked');
  });

  it('confidence grows with retransmits and the give-up', () => {
    const early = new LiveDiagnosis();
    feedUntil(early, 'left', 'peer-unreachable-v2-trixie', /retransmit 1 of request/);
    const late = new LiveDiagnosis();
    feedUntil(late, 'left', 'peer-unreachable-v2-trixie', /giving up after/);
    const c = (l: LiveDiagnosis) => l.findings().find((f) => f.cause === 'peer-unreachable')!.confidence;
    expect(c(late)).toBeGreaterThan(c(early));
  });

  it('UDP 4500 blocked is reported at the first IKE_AUTH retransmit', () => {
    const live = new LiveDiagnosis();
    expect(feedUntil(live, 'left', 'natt-port-blocked-v2-trixie', /retransmit 1 of request with message ID 1/)[0]).toBe(
      'natt-port-blocked',
    );
  });

  it('a dead peer is reported before DPD gives up', () => {
    const live = new LiveDiagnosis();
    expect(feedUntil(live, 'left', 'dpd-peer-dead-v2-trixie', /retransmit 2 of request with message ID 2/)[0]).toBe(
      'dpd-peer-dead',
    );
  });

  it('a healthy tunnel stays healthy while lines arrive', () => {
    const live = new LiveDiagnosis();
    const all = lines('healthy-v2-trixie', 'left');
    for (let i = 0; i < all.length; i++) {
      const rec = parseLogLine(all[i], i + 1, 'left');
      if (rec) live.push('left', rec);
      if (i % 20 === 0) expect(live.findings().filter((f) => f.cause !== 'healthy')).toEqual([]);
    }
    expect(live.result().verdict).toBe('healthy');
  });

  it('judges counter growth over a series of typed snapshots', () => {
    const live = new LiveDiagnosis();
    const snap = (side: 'left' | 'right', time: number, inPk: number, outPk: number) => ({
      side,
      time,
      source: `${side}-vici`,
      ikeSas: [
        {
          name: 'lab',
          state: 'ESTABLISHED',
          version: 2,
          children: [
            {
              name: 'net',
              state: 'INSTALLED',
              bytesIn: inPk * 84,
              bytesOut: outPk * 84,
              packetsIn: inPk,
              packetsOut: outPk,
              localTs: [],
              remoteTs: [],
              spiIn: side === 'left' ? 'aa' : 'bb',
              spiOut: side === 'left' ? 'bb' : 'aa',
            },
          ],
        },
      ],
    });
    // Old traffic both ways, then only left -> right grows at right, nothing comes back.
    live.pushSnapshot(snap('left', 1, 10, 10));
    live.pushSnapshot(snap('right', 1, 10, 10));
    live.pushSnapshot(snap('left', 9, 10, 25));
    live.pushSnapshot(snap('right', 9, 25, 10));
    expect(live.result().verdict).toBe('no-return-traffic');
    expect(live.findings()[0].side).toBe('right');
  });

  it("one side's counters only: ESP loss and no return traffic are both ranked", async () => {
    const live = new LiveDiagnosis();
    const text = readFileSync(path.join(FIXTURES, 'esp-blocked-v2-trixie', 'left.sas.txt'), 'utf8').split('\n');
    live.pushSnapshot(await parseSasText(text, 'left', 'esp-blocked-v2-trixie/left.sas.txt'));
    const f = live.findings();
    expect(
      f
        .map((x) => x.cause)
        .slice(0, 2)
        .sort(),
    ).toEqual(['esp-blocked', 'no-return-traffic']);
    expect(f[0].decidingCheck).toMatch(/counters/);
  });
});

describe('NAT-T off on the peer (IKEv1)', () => {
  it('is found when NAT is detected but the peer sent no NAT-T vendor ID, and not otherwise', () => {
    const all = lines('healthy-v1-trixie', 'left');
    const feed = (skipVid: boolean) => {
      const live = new LiveDiagnosis();
      all.forEach((l, i) => {
        if (skipVid && /received NAT-T \(RFC 3947\) vendor ID/.test(l)) return;
        const rec = parseLogLine(l, i + 1, 'left.log');
        if (rec) live.push('left', rec);
      });
      return live.result();
    };
    expect(feed(false).verdict).toBe('healthy');
    expect(feed(true).findings.map((f) => f.cause)).toContain('nat-t-disabled-behind-nat');
  });
});
