/**
 * SA listings: the minimal typed snapshot the datapath rules judge, and a parser for
 * `swanctl --list-sas` text (which keeps line numbers so counters can be cited as evidence).
 */
import type { Evidence } from './findings.js';

export interface ChildSaSnapshot {
  name: string;
  state: string;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  localTs: string[];
  remoteTs: string[];
  spiIn?: string;
  spiOut?: string;
  /** `TUNNEL-in-UDP`: ESP is UDP-encapsulated. */
  udpEncap?: boolean;
  /** Where the counters were read (for evidence); absent for typed snapshots. */
  lines?: { in?: Evidence; out?: Evidence; header?: Evidence };
}

export interface IkeSaSnapshot {
  name: string;
  state: string;
  version: number;
  children: ChildSaSnapshot[];
  header?: Evidence;
}

export interface SaSnapshot {
  side: 'left' | 'right' | 'unknown';
  /** Seconds (any epoch): orders a series and lets growth be judged. */
  time?: number;
  /** File name or label, for evidence of typed snapshots. */
  source?: string;
  ikeSas: IkeSaSnapshot[];
}

export interface SaSeries {
  left: SaSnapshot[];
  right: SaSnapshot[];
  unknown: SaSnapshot[];
}

export function emptySeries(): SaSeries {
  return { left: [], right: [], unknown: [] };
}

const IKE_RE = /^(\S+): #(\d+), (\w+), IKEv(\d)/;
const CHILD_RE = /^ {2}(\S+): #(\d+), (?:reqid \d+, )?(\w+), (\S+)/;
const COUNT_RE = /^ {4}(in|out) +([0-9a-f]+)(?:\([^)]*\))?, +(\d+) bytes, +(\d+) packets/;
const TS_RE = /^ {4}(local|remote) +(\S.*)$/;

/** Parses `swanctl --list-sas` output line by line; unknown lines are ignored. */
export async function parseSasText(lines: AsyncIterable<string> | Iterable<string>, side: SaSnapshot['side'], source: string): Promise<SaSnapshot> {
  const snap: SaSnapshot = { side, source, ikeSas: [] };
  let ike: IkeSaSnapshot | undefined;
  let child: ChildSaSnapshot | undefined;
  let n = 0;
  for await (const raw of lines) {
    n++;
    const line = raw.replace(/\r$/, '');
    const ev = (): Evidence => ({ source, line: n, text: raw });
    let m = IKE_RE.exec(line);
    if (m) {
      ike = { name: m[1], state: m[3], version: Number(m[4]), children: [], header: ev() };
      snap.ikeSas.push(ike);
      child = undefined;
      continue;
    }
    if (!ike) continue;
    m = CHILD_RE.exec(line);
    if (m && !line.startsWith('  local') && !line.startsWith('  remote')) {
      child = {
        name: m[1], state: m[3], udpEncap: m[4].includes('UDP'),
        bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, localTs: [], remoteTs: [], lines: { header: ev() },
      };
      ike.children.push(child);
      continue;
    }
    if (!child) continue;
    m = COUNT_RE.exec(line);
    if (m) {
      if (m[1] === 'in') {
        child.spiIn = m[2];
        child.bytesIn = Number(m[3]);
        child.packetsIn = Number(m[4]);
        child.lines!.in = ev();
      } else {
        child.spiOut = m[2];
        child.bytesOut = Number(m[3]);
        child.packetsOut = Number(m[4]);
        child.lines!.out = ev();
      }
      continue;
    }
    m = TS_RE.exec(line);
    if (m) (m[1] === 'local' ? child.localTs : child.remoteTs).push(...m[2].split(/\s+/));
  }
  return snap;
}
