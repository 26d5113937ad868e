import { describe, expect, it } from 'vitest';

import { LiveDiagnosis } from '../../lab/diagnosis/live.js';
import type { SaSnapshot } from '../../lab/diagnosis/sas-text.js';

/** One gateway's listing of the lab tunnel at time `t` (s) with these packet totals. */
function snap(side: 'left' | 'right', t: number, inPk: number, outPk: number): SaSnapshot {
  return {
    side,
    time: t,
    source: `${side}-sas`,
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
            spiIn: side === 'left' ? 'c1' : 'c2',
            spiOut: side === 'left' ? 'c2' : 'c1',
          },
        ],
      },
    ],
  };
}

/** A live window (as the lab's feed makes one): counters count from its first listings. */
function windowed(opts: Partial<Pick<LiveDiagnosis, 'trafficOffered' | 'trafficSentBy' | 'trafficDueBy'>> = {}) {
  const d = new LiveDiagnosis();
  d.windowed = true;
  d.trafficOffered = opts.trafficOffered ?? false;
  d.trafficSentBy = opts.trafficSentBy;
  d.trafficDueBy = opts.trafficDueBy;
  return d;
}

describe('live window: counters are growth since the window began, never SA totals', () => {
  it('the totals a window starts with are history: ESP dropped before a fix is no finding after it', () => {
    // gw-left sent 40 packets that gw-right never received, before the window (the fix) began.
    const d = windowed();
    d.pushSnapshot(snap('left', 100, 0, 40));
    d.pushSnapshot(snap('right', 100, 0, 0));
    expect(d.result().verdict).toBe('healthy');
    // The same single listing pair read offline: its totals are all there is, and they show the loss.
    const offline = new LiveDiagnosis();
    offline.pushSnapshot(snap('left', 100, 0, 40));
    offline.pushSnapshot(snap('right', 100, 0, 0));
    expect(offline.result().verdict).toBe('esp-blocked');
  });

  it('traffic both ways after the fix is healthy, and says the CHILD_SA carries it', () => {
    const d = windowed({ trafficOffered: true, trafficSentBy: 101.5, trafficDueBy: 101.5 });
    d.pushSnapshot(snap('left', 100, 0, 40));
    d.pushSnapshot(snap('right', 100, 0, 0));
    d.pushSnapshot(snap('left', 102, 5, 45));
    d.pushSnapshot(snap('right', 102, 5, 5));
    const r = d.result();
    expect(r.verdict).toBe('healthy');
    expect(r.findings[0].summary).toMatch(/carries traffic both ways/);
  });

  it('a packet still in flight between two listings is no loss', () => {
    // gw-left's listing (t=10.0) counts a ping that gw-right's listing (t=10.05) has not received yet.
    const d = windowed({ trafficOffered: true });
    d.pushSnapshot(snap('left', 9, 0, 0));
    d.pushSnapshot(snap('right', 9, 0, 0));
    d.pushSnapshot(snap('left', 10, 0, 1));
    d.pushSnapshot(snap('right', 10.05, 0, 0));
    expect(d.result().findings.map((f) => f.cause)).not.toContain('esp-blocked');
    // A second later gw-right still has received nothing of what gw-left sent a second before: lost.
    d.pushSnapshot(snap('left', 11, 0, 2));
    d.pushSnapshot(snap('right', 11.05, 0, 0));
    const r = d.result();
    expect(r.verdict).toBe('esp-blocked');
    expect(r.findings[0].summary).toMatch(/sent 1 ESP packet/);
  });

  it('a reply not yet encrypted when the listing was read is no missing return traffic', () => {
    const d = windowed({ trafficOffered: true });
    d.pushSnapshot(snap('left', 9, 0, 0));
    d.pushSnapshot(snap('right', 9, 0, 0));
    d.pushSnapshot(snap('left', 10, 0, 1));
    d.pushSnapshot(snap('right', 10.1, 1, 0));
    expect(d.result().findings.map((f) => f.cause)).not.toContain('no-return-traffic');
    d.pushSnapshot(snap('left', 11, 0, 2));
    d.pushSnapshot(snap('right', 11.1, 2, 0));
    expect(d.result().verdict).toBe('no-return-traffic');
  });

  it('listings read around a finished ping need no lag (explain: before and after)', () => {
    const d = windowed({ trafficOffered: true, trafficSentBy: 5, trafficDueBy: 5 });
    d.pushSnapshot(snap('left', 1, 0, 0));
    d.pushSnapshot(snap('right', 1, 0, 0));
    d.pushSnapshot(snap('left', 6, 0, 5));
    d.pushSnapshot(snap('right', 6, 5, 0));
    expect(d.result().verdict).toBe('no-return-traffic');
  });

  it('an idle tunnel is healthy, with a note that nothing was offered', () => {
    const d = windowed({ trafficOffered: false });
    for (const t of [1, 2, 3]) {
      d.pushSnapshot(snap('left', t, 7, 7));
      d.pushSnapshot(snap('right', t, 7, 7));
    }
    const r = d.result();
    expect(r.verdict).toBe('healthy');
    expect(r.findings.map((f) => f.cause)).toEqual(['healthy']);
    expect(r.findings[0].summary).toMatch(/Idle: no traffic was offered/);
  });

  it('offered traffic that never enters the tunnel shows only once it was due', () => {
    const d = windowed({ trafficOffered: true });
    d.pushSnapshot(snap('left', 1, 0, 0));
    d.pushSnapshot(snap('right', 1, 0, 0));
    d.pushSnapshot(snap('left', 2, 0, 0));
    d.pushSnapshot(snap('right', 2, 0, 0));
    // The ping is still running: flat counters say nothing yet.
    expect(d.result().verdict).toBe('healthy');
    d.trafficSentBy = 2.5;
    d.trafficDueBy = 2.5;
    d.pushSnapshot(snap('left', 3, 0, 0));
    d.pushSnapshot(snap('right', 3, 0, 0));
    expect(d.result().verdict).toBe('no-outbound-traffic');
  });
});
