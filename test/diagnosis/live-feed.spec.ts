import { readFileSync } from 'node:fs';
import path from 'node:path';

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import type { Decision } from '../../lab/diagnosis/deciding.js';
import type { DiagnosisResult } from '../../lab/diagnosis/findings.js';
import { markLine } from '../../lab/engine/change-marks.js';
import { DiagnosisFeed } from '../../lab/engine/diagnosis-feed.js';
import { saSnapshot } from '../../lab/engine/sa-snapshot.js';
import type { Side } from '../../lab/settings/types.js';
import { parseCharonLine } from '../../lab/streams/log-record.js';
import type { IkeSaInfo } from '../../lab/vici/index.js';
import { FIXTURES } from './helpers.js';

const lines = (name: string, side: Side) =>
  readFileSync(path.join(FIXTURES, 'lab', name, `${side}.log`), 'utf8')
    .split('\n')
    .filter(Boolean);

/** One lab's log streams as the engine delivers them: records numbered per side. */
class Streams {
  seq = { left: 0, right: 0 };
  constructor(private readonly feed: DiagnosisFeed) {}
  push(side: Side, raw: string[] | string): void {
    for (const line of Array.isArray(raw) ? raw : [raw])
      this.feed.pushLog(parseCharonLine(line, side, ++this.seq[side]));
  }
  mark(m: Parameters<typeof markLine>[0]): void {
    this.push('left', markLine(m));
    this.push('right', markLine(m));
  }
}

/** Both gateways listing the tunnel up (or nothing), read now. */
function listings(feed: DiagnosisFeed, up: boolean): void {
  const ikeSas: IkeSaInfo[] = up
    ? [
        {
          name: 'lab',
          uniqueId: 1,
          version: 2,
          state: 'ESTABLISHED',
          initiator: true,
          natLocal: false,
          natRemote: false,
          natFake: false,
          natAny: false,
          children: [
            {
              name: 'net',
              uniqueId: 1,
              state: 'INSTALLED',
              encap: false,
              packetsIn: 0,
              packetsOut: 0,
              localTs: [],
              remoteTs: [],
              spiIn: 'c1',
              spiOut: 'c2',
            },
          ],
        },
      ]
    : [];
  for (const side of ['left', 'right'] as const) feed.pushSnapshot(saSnapshot(side, ikeSas));
}

/** The lab's answer to "silent peer?" when the peer answers ping: UDP 500 is dropped on the way. */
const PORT_BLOCKED: Decision = {
  question: 'silent-peer',
  cause: 'ike-port-blocked',
  side: 'right',
  conclusion: 'gw-right answers ping, but no IKE packet reached it: UDP 500 is dropped on the way.',
  checks: [{ ran: '`ping -c 2 203.0.113.10` on gw-left', saw: '2 of 2 answered' }],
};

describe('live feed: windows, changes and deciding checks', () => {
  let feed: DiagnosisFeed;
  let s: Streams;
  let seen: DiagnosisResult[];
  beforeEach(() => {
    vi.useFakeTimers();
    feed = new DiagnosisFeed();
    s = new Streams(feed);
    seen = [];
    feed.onResult((r) => seen.push(r));
  });
  afterEach(() => {
    feed.dispose();
    vi.useRealTimers();
  });
  const verdicts = () => seen.map((r) => r.verdict).filter((v, i, a) => v !== a[i - 1]);

  it('a change says re-negotiating until its first symptom, then judges only the lines after its window mark', () => {
    s.push('left', lines('healthy-v2-trixie', 'left'));
    s.push('right', lines('healthy-v2-trixie', 'right'));
    vi.advanceTimersByTime(200);
    expect(feed.current().verdict).toBe('healthy');
    const id = feed.beginChange('applying psk-mismatch');
    vi.advanceTimersByTime(200);
    expect(feed.current()).toMatchObject({
      verdict: 're-negotiating',
      transition: { change: 'applying psk-mismatch' },
    });
    s.mark({ kind: 'window', id, n: 1, what: 'applying psk-mismatch' });
    s.push('right', lines('psk-mismatch-v2', 'right'));
    s.push('left', lines('psk-mismatch-v2', 'left'));
    vi.advanceTimersByTime(1000);
    // Not applied yet: the symptom is in, but the change is still being made.
    expect(feed.current().verdict).toBe('re-negotiating');
    s.mark({ kind: 'applied', id, expect: 'any', boundMs: 6000 });
    vi.advanceTimersByTime(500);
    const r = feed.current();
    expect(r.verdict).toBe('psk-mismatch');
    // The healthy negotiation before the window is history: no evidence from it.
    const windowStart = lines('healthy-v2-trixie', 'left').length + 1;
    for (const e of r.findings[0].evidence) if (e.source === 'left') expect(e.line).toBeGreaterThan(windowStart);
    expect(verdicts()).toEqual(['healthy', 're-negotiating', 'psk-mismatch']);
  });

  it("another process's change is read from its marks alone", () => {
    s.push('left', lines('healthy-v2-trixie', 'left'));
    s.push('right', lines('healthy-v2-trixie', 'right'));
    // Its begin mark comes before it tears the old SAs down: the teardown is no verdict.
    s.mark({ kind: 'begin', id: 'cli1', what: 'applying peer-unreachable' });
    vi.advanceTimersByTime(200);
    expect(feed.current().verdict).toBe('re-negotiating');
    s.mark({ kind: 'window', id: 'cli1', n: 1, what: 'applying peer-unreachable' });
    vi.advanceTimersByTime(200);
    expect(feed.current()).toMatchObject({
      verdict: 're-negotiating',
      transition: { change: 'applying peer-unreachable' },
    });
    s.mark({ kind: 'applied', id: 'cli1', expect: 'any', boundMs: 6000 });
    s.push('left', lines('peer-unreachable-v2', 'left'));
    vi.advanceTimersByTime(500);
    expect(['peer-unreachable', 'ike-port-blocked']).toContain(feed.current().verdict);
  });

  it('a fix settles when both listings read after it show the tunnel up, not at the first retransmit', () => {
    const id = feed.beginChange('fixing peer-unreachable');
    s.mark({ kind: 'window', id, n: 1, what: 'fixing peer-unreachable' });
    s.mark({ kind: 'applied', id, expect: 'healthy', boundMs: 20_000 });
    feed.applied(id, 'healthy', 20_000);
    // A retransmit of the negotiation under way is no verdict while a fix is settling.
    s.push('left', lines('peer-unreachable-v2', 'left').slice(0, 60));
    vi.advanceTimersByTime(1000);
    expect(feed.current().verdict).toBe('re-negotiating');
    listings(feed, true);
    vi.advanceTimersByTime(300);
    expect(feed.current().verdict).not.toBe('re-negotiating');
  });

  it('a change that shows nothing is judged after its bound', () => {
    const id = feed.beginChange('applying no-initiator');
    s.mark({ kind: 'window', id, n: 1, what: 'applying no-initiator' });
    feed.applied(id, 'any', 6000);
    vi.advanceTimersByTime(5500);
    expect(feed.current().verdict).toBe('re-negotiating');
    vi.advanceTimersByTime(1000);
    expect(feed.current().verdict).not.toBe('re-negotiating');
  });

  it('holds the verdict while the deciding check runs, then names the cause it showed, with what it ran', async () => {
    let answer: (d: Decision) => void = () => {};
    const asked: string[] = [];
    feed.decider = (q) => {
      asked.push(q);
      return new Promise<Decision>((r) => (answer = r));
    };
    const id = feed.beginChange('applying ike-port-blocked');
    s.mark({ kind: 'window', id, n: 1, what: 'applying ike-port-blocked' });
    s.push('left', lines('peer-unreachable-v2', 'left'));
    feed.applied(id, 'any', 6000);
    vi.advanceTimersByTime(600);
    expect(asked).toEqual(['silent-peer']);
    expect(feed.current().verdict).toBe('re-negotiating');
    answer(PORT_BLOCKED);
    await vi.advanceTimersByTimeAsync(300);
    const r = feed.current();
    expect(r.verdict).toBe('ike-port-blocked');
    expect(r.findings[0].checked).toEqual([{ ran: '`ping -c 2 203.0.113.10` on gw-left', saw: '2 of 2 answered' }]);
    expect(r.findings[0].alternatives).toBeUndefined();
    expect(r.findings.map((f) => f.cause)).not.toContain('peer-unreachable');
    // Never the guess before the check: only the transition, then the decided cause.
    expect(verdicts()).toEqual(['re-negotiating', 'ike-port-blocked']);
  });

  it('outside a change too, a question the evidence opens is shown only once its check has answered', async () => {
    let answer: (d: Decision) => void = () => {};
    feed.decider = () => new Promise<Decision>((r) => (answer = r));
    const log = lines('peer-unreachable-v2', 'left');
    s.push('left', log.slice(0, 1));
    vi.advanceTimersByTime(300);
    const before = seen.length;
    expect(before).toBeGreaterThan(0);
    s.push('left', log.slice(1));
    vi.advanceTimersByTime(600);
    // The check runs: what was shown stands, no undecided guess goes out.
    expect(seen.length).toBe(before);
    answer(PORT_BLOCKED);
    await vi.advanceTimersByTimeAsync(300);
    const last = seen[seen.length - 1];
    expect(last.verdict).toBe('ike-port-blocked');
    expect(last.findings[0].checked).toHaveLength(1);
    expect(seen.slice(before).every((r) => !r.findings.some((f) => f.alternatives?.length))).toBe(true);
  });

  it('another lab under the same name starts from nothing: its lines count from 1 again', () => {
    s.push('left', lines('psk-mismatch-v2', 'left'));
    s.push('right', lines('psk-mismatch-v2', 'right'));
    vi.advanceTimersByTime(200);
    expect(feed.current().verdict).toBe('psk-mismatch');
    feed.restart();
    const next = new Streams(feed);
    next.push('left', lines('healthy-v2-trixie', 'left'));
    next.push('right', lines('healthy-v2-trixie', 'right'));
    vi.advanceTimersByTime(200);
    const r = feed.current();
    expect(r.verdict).toBe('healthy');
    expect(r.stats.lines).toBe(lines('healthy-v2-trixie', 'left').length + lines('healthy-v2-trixie', 'right').length);
  });

  it("a ping begun before a change is no traffic the change's window was offered", () => {
    listings(feed, true);
    const end = feed.trafficOffered('ping');
    const id = feed.beginChange('fixing no-return-traffic');
    s.mark({ kind: 'window', id, n: 1, what: 'fixing no-return-traffic' });
    feed.applied(id, 'healthy', 20_000);
    end();
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(1000);
      listings(feed, true);
    }
    vi.advanceTimersByTime(300);
    expect(feed.current().verdict).toBe('healthy');
    expect(verdicts()).not.toContain('no-outbound-traffic');
  });

  it('a ping still running is no missing traffic; once it is over, flat counters are', () => {
    listings(feed, true);
    const end = feed.trafficOffered('ping');
    vi.advanceTimersByTime(1500);
    listings(feed, true);
    expect(feed.current().verdict).toBe('healthy');
    end();
    vi.advanceTimersByTime(1000);
    listings(feed, true);
    expect(feed.current().verdict).toBe('no-outbound-traffic');
  });
});
