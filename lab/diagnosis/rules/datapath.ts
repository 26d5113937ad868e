/**
 * Rules on SA counters. Charon logs nothing when ESP is lost or a LAN does not answer, so the
 * counters of both sides are the evidence: X out grows but Y in does not = lost on the path;
 * Y in grows but Y out does not = the problem is behind Y.
 */
import type { Evidence, Finding } from '../findings.js';
import type { ChildSaSnapshot, SaSnapshot } from '../sas-text.js';
import { finding, type Rule, type RuleContext } from './common.js';

/**
 * Two listings are never read at the same instant: a packet counted out on one side a moment ago
 * may not be counted in on the other yet, a ping decrypted a moment ago may not have its reply
 * encrypted yet. A cause is read from a listing at least this much older than its effect's (s).
 */
export const LISTING_LAG_S = 0.5;

interface Growth {
  inPk: number;
  outPk: number;
}

interface Flow extends Growth {
  side: 'left' | 'right' | 'unknown';
  child: ChildSaSnapshot;
  /** When the latest listing was read (seconds), when the series has times. */
  time?: number;
  /** Growth up to the latest listing read at or before `t` (all of it when the series has no times). */
  at(t: number | undefined): Growth;
}

function installed(snap: SaSnapshot | undefined): ChildSaSnapshot[] {
  if (!snap) return [];
  return snap.ikeSas.flatMap((i) => i.children).filter((c) => c.state === 'INSTALLED');
}

/**
 * Growth over the series. Live (`windowed`), the first listing is the base even when it is the only
 * one: a window's counters start at zero, whatever the SA carried before. Offline, a single listing's
 * totals are all there is.
 */
function flows(series: SaSnapshot[], side: Flow['side'], windowed?: boolean): Flow[] {
  const last = series[series.length - 1];
  const first = series.length > 1 || windowed ? series[0] : undefined;
  const growth = (snap: SaSnapshot | undefined, child: ChildSaSnapshot): Growth => {
    const now = installed(snap).find((c) => c.spiIn === child.spiIn);
    if (!now) return { inPk: 0, outPk: 0 };
    const prev = first && installed(first).find((c) => c.spiIn === child.spiIn);
    return { inPk: now.packetsIn - (prev?.packetsIn ?? 0), outPk: now.packetsOut - (prev?.packetsOut ?? 0) };
  };
  return installed(last).map((child) => ({
    side,
    child,
    time: last?.time,
    ...growth(last, child),
    at: (t) => {
      if (t === undefined || last?.time === undefined) return growth(last, child);
      let snap: SaSnapshot | undefined;
      for (const s of series) if (s.time !== undefined && s.time <= t) snap = s;
      return growth(snap, child);
    },
  }));
}

/**
 * Live, the time a cause must have been read by, given the listing its effect was read from: one
 * read LISTING_LAG_S earlier, or the latest when all traffic had been sent by then (nothing in flight).
 * Offline listings are taken by hand, seconds apart: the latest.
 */
function lagged(ctx: RuleContext, effect: Flow): number | undefined {
  if (!ctx.windowed || effect.time === undefined) return undefined;
  const by = effect.time - LISTING_LAG_S;
  return ctx.trafficSentBy !== undefined && ctx.trafficSentBy <= by ? undefined : by;
}

function counterEvidence(f: Flow, dir: 'in' | 'out', label: string): Evidence {
  const line = f.child.lines?.[dir];
  if (line) return line;
  const c = f.child;
  return {
    source: `${label}-sas`,
    line: 0,
    text: `${c.name} ${dir} ${dir === 'in' ? (c.spiIn ?? '') : (c.spiOut ?? '')}: ${dir === 'in' ? c.bytesIn : c.bytesOut} bytes, ${dir === 'in' ? c.packetsIn : c.packetsOut} packets`,
  };
}

export const datapathRule: Rule = (ctx) => {
  const out: Finding[] = [];
  const left = flows(ctx.snapshots.left, 'left', ctx.windowed);
  const right = flows(ctx.snapshots.right, 'right', ctx.windowed);
  const pairs: [Flow, Flow][] = [];
  for (const l of left) {
    const r = right.find((x) => x.child.spiIn === l.child.spiOut || x.child.spiOut === l.child.spiIn);
    if (r) pairs.push([l, r]);
  }
  for (const [a, b] of pairs) {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as [Flow, Flow][]) {
      const sent = x.at(lagged(ctx, y)).outPk;
      if (sent > 0 && y.inPk === 0) {
        out.push(
          finding(
            'esp-blocked',
            y.side,
            0.85,
            `The ${x.side} gateway sent ${sent} ESP packet(s) on SPI ${x.child.spiOut}, the ${y.side} gateway received none: ESP${x.child.udpEncap ? ' (UDP 4500)' : ' (protocol 50)'} is lost on the way to ${y.side}.`,
            [counterEvidence(x, 'out', x.side), counterEvidence(y, 'in', y.side)],
          ),
        );
      }
    }
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as [Flow, Flow][]) {
      // Some ESP arrives, some does not: a lossy path. The two listings are not read at the same
      // instant (see LISTING_LAG_S), and a packet or two in flight is no loss.
      const sent = x.at(lagged(ctx, y)).outPk;
      const lost = sent - y.inPk;
      if (y.inPk > 0 && lost >= 3 && lost >= 0.1 * sent) {
        out.push(
          finding(
            'packet-loss',
            'unknown',
            Math.min(0.75, 0.5 + lost / sent / 2),
            `The ${x.side} gateway sent ${sent} ESP packets on SPI ${x.child.spiOut}, the ${y.side} gateway received ${y.inPk}: ${Math.round((100 * lost) / sent)} % were lost on the way.`,
            [counterEvidence(x, 'out', x.side), counterEvidence(y, 'in', y.side)],
            {
              decidingCheck:
                "Ping the peer gateway's outside address with many packets (`ping -c 100`): loss there is the internet path, not IPsec.",
            },
          ),
        );
      }
    }
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as [Flow, Flow][]) {
      const decrypted = y.at(lagged(ctx, y)).inPk;
      if (decrypted > 0 && y.outPk === 0 && x.outPk > 0) {
        out.push(
          finding(
            'no-return-traffic',
            y.side,
            0.8,
            `The ${y.side} gateway decrypts traffic from ${x.side} (${decrypted} packets in) but sends nothing back (0 out): replies from its LAN never enter the tunnel.`,
            [counterEvidence(y, 'in', y.side), counterEvidence(y, 'out', y.side), counterEvidence(x, 'in', x.side)],
          ),
        );
      }
    }
  }
  // One side only: the direction is known, the culprit is not.
  if (!pairs.length) {
    for (const x of [...left, ...right, ...flows(ctx.snapshots.unknown, 'unknown', ctx.windowed)]) {
      const early = x.at(lagged(ctx, x));
      if (early.outPk > 0 && x.inPk === 0) {
        const peer = x.side === 'left' ? 'right' : x.side === 'right' ? 'left' : 'unknown';
        const check = `Read the ${peer === 'unknown' ? "peer's" : peer} gateway's counters for SPI ${x.child.spiOut}: in = 0 means ESP is lost on the path; in > 0 with out = 0 means nothing comes back from its LAN.`;
        const ev = [counterEvidence(x, 'out', x.side), counterEvidence(x, 'in', x.side)];
        out.push(
          finding(
            'esp-blocked',
            peer,
            0.5,
            `The ${x.side} gateway sends ESP (${early.outPk} packets out) but receives nothing back.`,
            ev,
            { alternatives: ['no-return-traffic'], decidingCheck: check },
          ),
        );
        out.push(
          finding(
            'no-return-traffic',
            peer,
            0.45,
            `The ${x.side} gateway receives nothing back for what it sends: the peer may receive the traffic while its LAN does not answer.`,
            ev,
            { alternatives: ['esp-blocked'], decidingCheck: check },
          ),
        );
      } else if (early.inPk > 0 && x.outPk === 0) {
        out.push(
          finding(
            'no-return-traffic',
            x.side,
            0.7,
            `The ${x.side} gateway decrypts traffic (${early.inPk} packets in) but sends nothing back (0 out).`,
            [counterEvidence(x, 'in', x.side), counterEvidence(x, 'out', x.side)],
          ),
        );
      }
    }
  }
  // A series in which nothing at all entered the tunnel: only a hint, an idle tunnel looks the same,
  // and no hint at all where it is known that nobody sent anything (a healthy idle lab is no alarm).
  // Live, only listings read after the offered traffic had been sent can show it missing.
  const series = [ctx.snapshots.left, ctx.snapshots.right, ctx.snapshots.unknown].filter(
    (s) =>
      s.length > 1 &&
      (!ctx.windowed || (ctx.trafficDueBy !== undefined && (s[s.length - 1].time ?? 0) >= ctx.trafficDueBy)),
  );
  if (series.length && !out.length && ctx.trafficOffered !== false) {
    const all = [...left, ...right];
    if (all.length && all.every((f) => f.inPk === 0 && f.outPk === 0)) {
      out.push(
        finding(
          'no-outbound-traffic',
          'unknown',
          ctx.trafficOffered ? 0.6 : 0.3,
          ctx.trafficOffered
            ? 'The CHILD_SA is installed and traffic was offered, but no packet entered the tunnel in either direction: the sending host is outside the encryption domain, or its traffic is not routed to the gateway.'
            : 'The CHILD_SA is installed but no packet entered the tunnel in either direction during the snapshots (an idle tunnel looks the same).',
          all.slice(0, 2).map((f) => counterEvidence(f, 'out', f.side)),
          {
            decidingCheck:
              'Ping from a LAN host to an address in the remote selector while watching `swanctl --list-sas`.',
          },
        ),
      );
    }
  }
  return out;
};

/** Counters that show the tunnel carrying traffic both ways (growth in the window, when `windowed`). */
export function healthyCounters(snaps: SaSnapshot[], windowed?: boolean): Evidence[] {
  for (const f of flows(snaps, 'unknown', windowed)) {
    if (f.inPk > 0 && f.outPk > 0) return [counterEvidence(f, 'in', 'sas'), counterEvidence(f, 'out', 'sas')];
  }
  return [];
}

/** Whether nothing entered or left any CHILD_SA of these listings in the window (an idle tunnel). */
export function countersFlat(ctx: RuleContext): boolean {
  return [ctx.snapshots.left, ctx.snapshots.right].every((series) =>
    flows(series, 'unknown', ctx.windowed).every((f) => f.inPk === 0 && f.outPk === 0),
  );
}
