/**
 * SA listings: the minimal typed snapshot the datapath rules judge, and a parser for
 * `swanctl --list-sas` text and a Cisco ASA's `show crypto ipsec sa` (which keeps line numbers so
 * counters can be cited as evidence: on an ASA, #pkts encaps is out and #pkts decaps is in).
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

// Cisco ASA `show crypto ipsec sa [peer X]`.
const ASA_MAP_RE = /^\s*Crypto map tag: ([^,]+), seq num: (\d+)/;
const ASA_PEER_RE = /^\s*(?:current_peer|peer address): (\S+)/;
const ASA_IDENT_RE =
  /^\s*(local|remote) ident \(addr\/mask\/prot\/port\): \((\d+\.\d+\.\d+\.\d+)\/(\d+\.\d+\.\d+\.\d+)\/\d+\/\d+\)/;
const ASA_COUNT_RE = /#pkts (encaps|decaps): (\d+)/;
const ASA_SPI_RE = /^\s*spi: 0x([0-9A-Fa-f]+)/;
const ASA_DIR_RE = /^\s*(inbound|outbound) esp sas:/;

function maskBits(mask: string): number {
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}

/** Parses `swanctl --list-sas` output line by line; unknown lines are ignored. */
export async function parseSasText(
  lines: AsyncIterable<string> | Iterable<string>,
  side: SaSnapshot['side'],
  source: string,
): Promise<SaSnapshot> {
  const snap: SaSnapshot = { side, source, ikeSas: [] };
  let ike: IkeSaSnapshot | undefined;
  let child: ChildSaSnapshot | undefined;
  let n = 0;
  let asaDir: 'in' | 'out' | undefined;
  for await (const raw of lines) {
    n++;
    const line = raw.replace(/\r$/, '');
    const ev = (): Evidence => ({ source, line: n, text: raw });
    // An ASA lists one block per crypto map entry: it becomes one IKE SA with one CHILD_SA.
    let m = ASA_MAP_RE.exec(line);
    if (m) {
      child = {
        name: `${m[1]} ${m[2]}`,
        state: 'INSTALLED',
        bytesIn: 0,
        bytesOut: 0,
        packetsIn: 0,
        packetsOut: 0,
        localTs: [],
        remoteTs: [],
        lines: { header: ev() },
      };
      ike = { name: `${m[1]} ${m[2]}`, state: 'ESTABLISHED', version: 0, children: [child], header: ev() };
      snap.ikeSas.push(ike);
      asaDir = undefined;
      continue;
    }
    if (child && ike?.version === 0) {
      if ((m = ASA_IDENT_RE.exec(line))) {
        (m[1] === 'local' ? child.localTs : child.remoteTs).push(`${m[2]}/${maskBits(m[3])}`);
        continue;
      }
      if (ASA_PEER_RE.test(line)) continue;
      const counts = [...line.matchAll(new RegExp(ASA_COUNT_RE, 'g'))];
      for (const c of counts) {
        if (c[1] === 'encaps') [child.packetsOut, child.lines!.out] = [Number(c[2]), ev()];
        else [child.packetsIn, child.lines!.in] = [Number(c[2]), ev()];
      }
      if (counts.length) continue;
      if ((m = ASA_DIR_RE.exec(line))) {
        asaDir = m[1] === 'inbound' ? 'in' : 'out';
        continue;
      }
      if ((m = ASA_SPI_RE.exec(line)) && asaDir) {
        if (asaDir === 'in') child.spiIn ??= m[1].toLowerCase();
        else child.spiOut ??= m[1].toLowerCase();
        continue;
      }
      if (/NAT-T-Encaps/.test(line)) child.udpEncap = true;
      continue;
    }
    m = IKE_RE.exec(line);
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
        name: m[1],
        state: m[3],
        udpEncap: m[4].includes('UDP'),
        bytesIn: 0,
        bytesOut: 0,
        packetsIn: 0,
        packetsOut: 0,
        localTs: [],
        remoteTs: [],
        lines: { header: ev() },
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
