/**
 * Rules on SA counters. Charon logs nothing when ESP is lost or a LAN does not answer, so the
 * counters of both sides are the evidence: X out grows but Y in does not = lost on the path;
 * Y in grows but Y out does not = the problem is behind Y.
 */
import type { Evidence, Finding } from '../findings.js';
import type { ChildSaSnapshot, SaSnapshot } from '../sas-text.js';
import { finding, type Rule } from './common.js';

interface Flow {
  side: 'left' | 'right' | 'unknown';
  child: ChildSaSnapshot;
  /** Growth over the series when there is one, else the absolute counters. */
  inPk: number;
  outPk: number;
}

function installed(snap: SaSnapshot | undefined): ChildSaSnapshot[] {
  if (!snap) return [];
  return snap.ikeSas.flatMap((i) => i.children).filter((c) => c.state === 'INSTALLED');
}

function flows(series: SaSnapshot[], side: Flow['side']): Flow[] {
  const last = series[series.length - 1];
  const first = series.length > 1 ? series[0] : undefined;
  return installed(last).map((child) => {
    const prev = first && installed(first).find((c) => c.spiIn === child.spiIn);
    return {
      side,
      child,
      inPk: child.packetsIn - (prev?.packetsIn ?? 0),
      outPk: child.packetsOut - (prev?.packetsOut ?? 0),
    };
  });
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
  const left = flows(ctx.snapshots.left, 'left');
  const right = flows(ctx.snapshots.right, 'right');
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
      if (x.outPk > 0 && y.inPk === 0) {
        out.push(
          finding(
            'esp-blocked',
            y.side,
            0.85,
            `The ${x.side} gateway sent ${x.outPk} ESP packet(s) on SPI ${x.child.spiOut}, the ${y.side} gateway received none: ESP${x.child.udpEncap ? ' (UDP 4500)' : ' (protocol 50)'} is lost on the way to ${y.side}.`,
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
      // instant, so a packet or two in flight is no loss.
      const lost = x.outPk - y.inPk;
      if (y.inPk > 0 && lost >= 3 && lost >= 0.1 * x.outPk) {
        out.push(
          finding(
            'packet-loss',
            'unknown',
            Math.min(0.75, 0.5 + lost / x.outPk / 2),
            `The ${x.side} gateway sent ${x.outPk} ESP packets on SPI ${x.child.spiOut}, the ${y.side} gateway received ${y.inPk}: ${Math.round((100 * lost) / x.outPk)} % were lost on the way.`,
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
      if (y.inPk > 0 && y.outPk === 0 && x.outPk > 0) {
        out.push(
          finding(
            'no-return-traffic',
            y.side,
            0.8,
            `The ${y.side} gateway decrypts traffic from ${x.side} (${y.inPk} packets in) but sends nothing back (0 out): replies from its LAN never enter the tunnel.`,
            [counterEvidence(y, 'in', y.side), counterEvidence(y, 'out', y.side), counterEvidence(x, 'in', x.side)],
          ),
        );
      }
    }
  }
  // One side only: the direction is known, the culprit is not.
  if (!pairs.length) {
    for (const x of [...left, ...right, ...flows(ctx.snapshots.unknown, 'unknown')]) {
      if (x.outPk > 0 && x.inPk === 0) {
        const peer = x.side === 'left' ? 'right' : x.side === 'right' ? 'left' : 'unknown';
        const check = `Read the ${peer === 'unknown' ? "peer's" : peer} gateway's counters for SPI ${x.child.spiOut}: in = 0 means ESP is lost on the path; in > 0 with out = 0 means nothing comes back from its LAN.`;
        const ev = [counterEvidence(x, 'out', x.side), counterEvidence(x, 'in', x.side)];
        out.push(
          finding(
            'esp-blocked',
            peer,
            0.5,
            `The ${x.side} gateway sends ESP (${x.outPk} packets out) but receives nothing back.`,
            ev,
            { alternatives: ['no-return-traffic'], decidingCheck: check },
          ),
        );
        out.push(
          finding(
            'no-return-traffic',
            peer,
            0.45,
            `The peer may receive the traffic but its LAN does not answer.`,
            ev,
            { alternatives: ['esp-blocked'], decidingCheck: check },
          ),
        );
      } else if (x.inPk > 0 && x.outPk === 0) {
        out.push(
          finding(
            'no-return-traffic',
            x.side,
            0.7,
            `The ${x.side} gateway decrypts traffic (${x.inPk} packets in) but sends nothing back (0 out).`,
            [counterEvidence(x, 'in', x.side), counterEvidence(x, 'out', x.side)],
          ),
        );
      }
    }
  }
  // A series in which nothing at all entered the tunnel: only a hint, an idle tunnel looks the same,
  // and no hint at all where it is known that nobody sent anything (a healthy idle lab is no alarm).
  const series = [ctx.snapshots.left, ctx.snapshots.right, ctx.snapshots.unknown].filter((s) => s.length > 1);
  if (series.length && !out.length && ctx.trafficOffered !== false) {
    const all = [...left, ...right];
    if (all.length && all.every((f) => f.inPk === 0 && f.outPk === 0)) {
      out.push(
        finding(
          'no-outbound-traffic',
          'unknown',
          0.3,
          'The CHILD_SA is installed but no packet entered the tunnel in either direction during the snapshots (an idle tunnel looks the same).',
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

/** Counters that show the tunnel carrying traffic both ways. */
export function healthyCounters(snaps: SaSnapshot[]): Evidence[] {
  for (const f of flows(snaps, 'unknown')) {
    if (f.inPk > 0 && f.outPk > 0) return [counterEvidence(f, 'in', 'sas'), counterEvidence(f, 'out', 'sas')];
  }
  return [];
}
