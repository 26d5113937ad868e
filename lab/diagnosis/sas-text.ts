/**
 * SA listings read from text, line by line: strongSwan's `swanctl --list-sas` and
 * `ipsec statusall` / `ipsec status`, and the Cisco ASA and Palo Alto show commands
 * (devices/asa-show.ts, devices/pan-show.ts). A listing is recognised by its own lines wherever it
 * is given: `--left-sas`, a positional file, standard input, or pasted in the middle of a log.
 */
import { AsaIkev2Sa, AsaIpsecSa, AsaIsakmpSa, AsaSessiondb } from './devices/asa-show.js';
import { PanShow } from './devices/pan-show.js';
import type { Evidence } from './findings.js';
import { cleanResidue } from './log-line.js';
import { type IkeSaSnapshot, type ListingPart, newChild, type SaSnapshot } from './snapshot.js';

export type { ChildSaSnapshot, IkeSaSnapshot, SaSeries, SaSnapshot } from './snapshot.js';
export { emptySeries } from './snapshot.js';

// swanctl --list-sas
const IKE_RE = /^(\S+): #(\d+), (\w+), IKEv(\d)/;
const CHILD_RE = /^(\S+): #(\d+), (?:reqid \d+, )?(\w+), (\S+)/;
const COUNT_RE = /^(in|out) +([0-9a-f]+)(?:\([^)]*\))?, +(\d+) bytes, +(\d+) packets/;
const TS_RE = /^(local|remote) +(\S.*)$/;
const SWAN_OTHER_RE =
  /^(?:local +'.*' @ |remote +'.*' @ |[A-Z0-9_]+(?:-\d+)?(?:\/[A-Z0-9_-]+)+$|established \d+s ago|installed \d+s ago|rekeying in |queued: |active: |passive: |remote (?:XAuth|EAP) identity|local (?:XAuth|EAP) identity|(?:remote|local) (?:vips|virtual IPs): )/;

// ipsec statusall / ipsec status
const ST_IKE_RE = /^(\S+?)\[(\d+)\]: (ESTABLISHED|CONNECTING|REKEYING|DELETING|PASSIVE|CREATED|REKEYED)\b/;
const ST_VERSION_RE = /^(\S+?)\[(\d+)\]: IKEv(\d) SPIs:/;
const ST_CHILD_RE =
  /^(\S+?)\{(\d+)\}: +(INSTALLED|REKEYED|REKEYING|INSTALLING|ROUTED|DELETING|CREATED), (TUNNEL|TRANSPORT|BEET)(?:-in-UDP)?, reqid \d+, (?:ESP|AH)( in UDP)? SPIs: ([0-9a-f]+)_i(?: [0-9a-f]+_o)?/;
const ST_SPI_OUT_RE = / ([0-9a-f]+)_o\b/;
const ST_COUNT_RE =
  /^(\S+?)\{(\d+)\}: +\S*, (\d+) bytes_i(?: \((\d+) pkts?[^)]*\))?, (\d+) bytes_o(?: \((\d+) pkts?[^)]*\))?/;
const ST_TS_RE = /^(\S+?)\{(\d+)\}: +(\S.*?) === (\S.*)$/;
const ST_OTHER_RE =
  /^(?:Status of IKE charon daemon|uptime: |malloc: |worker threads: |loaded plugins: |Virtual IP pools|Listening IP addresses:|Connections:|Shunted Connections:|Routed Connections:|Security Associations \(\d+ up, \d+ connecting\):|none$|\S+: +(?:local|remote|child|cert|ca|groups|authority|dpd\w*): |\S+: +\S+\.\.\.\S+ +IKEv[12]|\S+\[\d+\]: (?:IKE proposal|Remote (?:XAuth|EAP) identity|Tasks (?:queued|active|passive)):|\d{1,3}(?:\.\d{1,3}){3}$|[0-9a-f:]+:[0-9a-f:]+$)/;

/** strongSwan's own listings: `swanctl --list-sas` and `ipsec statusall`/`ipsec status`. */
export class SwanListing implements ListingPart {
  private ike: IkeSaSnapshot | undefined;
  private child: ReturnType<typeof newChild> | undefined;
  private statusall = false;

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    return this.swanctl(line, ev, snap) ?? this.status(line, ev, snap);
  }

  private swanctl(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    const kind = 'swanctl-list-sas';
    let m = IKE_RE.exec(line);
    if (m) {
      this.ike = { name: m[1], state: m[3], version: Number(m[4]), children: [], header: ev(), device: 'strongswan' };
      this.ike.stateLine = this.ike.header;
      snap.ikeSas.push(this.ike);
      // swanctl lists an IKE_SA's CHILD_SAs under it: none listed is none there.
      snap.childrenListed ??= this.ike.header;
      this.child = undefined;
      this.statusall = false;
      return kind;
    }
    if (!this.ike || this.statusall) return null;
    m = CHILD_RE.exec(line);
    if (m) {
      this.child = newChild(m[1], m[3], ev());
      this.child.udpEncap = m[4].includes('UDP');
      this.ike.children.push(this.child);
      return kind;
    }
    if (SWAN_OTHER_RE.test(line) && !(this.child && /^(?:local|remote) +[^'\s]+$/.test(line))) return kind;
    const child = this.child;
    if (!child) return null;
    m = COUNT_RE.exec(line);
    if (m) {
      const dir = m[1] as 'in' | 'out';
      if (dir === 'in') [child.spiIn, child.bytesIn, child.packetsIn] = [m[2], Number(m[3]), Number(m[4])];
      else [child.spiOut, child.bytesOut, child.packetsOut] = [m[2], Number(m[3]), Number(m[4])];
      child.lines![dir] = ev();
      return kind;
    }
    m = TS_RE.exec(line);
    if (m) {
      (m[1] === 'local' ? child.localTs : child.remoteTs).push(...m[2].split(/\s+/));
      return kind;
    }
    return null;
  }

  private status(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    const kind = 'ipsec-statusall';
    let m = ST_IKE_RE.exec(line);
    if (m) {
      const name = `${m[1]}[${m[2]}]`;
      this.ike = snap.ikeSas.find((i) => i.name === name && i.device === 'strongswan');
      if (!this.ike) {
        this.ike = { name, state: m[3], version: 0, children: [], header: ev(), device: 'strongswan' };
        snap.ikeSas.push(this.ike);
      }
      this.ike.state = m[3];
      this.ike.stateLine = ev();
      this.statusall = true;
      return kind;
    }
    if (ST_OTHER_RE.test(line)) {
      if (/^Status of IKE|^Security Associations/.test(line)) this.statusall = true;
      if (/^Security Associations/.test(line)) snap.childrenListed ??= ev();
      return this.statusall || /^Status of IKE|^Security Associations|^Connections:/.test(line) ? kind : null;
    }
    if (!this.statusall) return null;
    if ((m = ST_VERSION_RE.exec(line))) {
      if (this.ike) this.ike.version = Number(m[3]);
      return kind;
    }
    if ((m = ST_CHILD_RE.exec(line))) {
      const name = `${m[1]}{${m[2]}}`;
      this.child = newChild(name, m[3], ev());
      this.child.udpEncap = m[4].length > 0 && /-in-UDP| in UDP/.test(line);
      this.child.spiIn = m[6];
      this.child.spiOut = ST_SPI_OUT_RE.exec(line)?.[1];
      (this.ike ?? this.orphan(snap, ev)).children.push(this.child);
      return kind;
    }
    const child = this.child;
    if (child && (m = ST_COUNT_RE.exec(line))) {
      child.bytesIn = Number(m[3]);
      child.packetsIn = m[4] !== undefined ? Number(m[4]) : 0;
      child.bytesOut = Number(m[5]);
      child.packetsOut = m[6] !== undefined ? Number(m[6]) : 0;
      child.lines!.in = child.lines!.out = ev();
      return kind;
    }
    if (child && (m = ST_TS_RE.exec(line))) {
      child.localTs.push(...m[3].split(/\s+/));
      child.remoteTs.push(...m[4].split(/\s+/));
      return kind;
    }
    return null;
  }

  /** A CHILD_SA line whose IKE_SA line was cut off the paste. */
  private orphan(snap: SaSnapshot, ev: () => Evidence): IkeSaSnapshot {
    this.ike = { name: 'unknown', state: 'ESTABLISHED', version: 0, children: [], header: ev(), device: 'strongswan' };
    snap.ikeSas.push(this.ike);
    return this.ike;
  }
}

// VyOS op mode (strongSwan underneath): `show vpn ike sa`, `show vpn ipsec sa`.
const VY_PEER_HEAD_RE = /^Peer ID \/ IP\s+Local ID \/ IP$/;
const VY_STATE_HEAD_RE = /^State\s+IKEVer\s+Encrypt\s+Hash/;
const VY_STATE_RE = /^(up|down|init|connecting|\w+)\s+IKEv(\d)\s+\S+/;
const VY_IPSEC_HEAD_RE = /^Connection\s+State\s+Uptime\s+Bytes In\/Out\s+Packets In\/Out/;
const VY_IPSEC_ROW_RE = /^(\S+)\s+(up|down|\w+)\s+\S+\s+\S+\/\S+\s+(\d+)\/(\d+)\s+/;

/** VyOS's own tables of the IKE and IPsec SAs charon holds. */
export class VyosListing implements ListingPart {
  private section: 'peer' | 'state' | 'ipsec' | undefined;
  private ike: IkeSaSnapshot | undefined;

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    const kind = 'vyos-show-vpn-sa';
    if (VY_PEER_HEAD_RE.test(line)) return ((this.section = 'peer'), kind);
    if (VY_STATE_HEAD_RE.test(line)) return ((this.section = 'state'), kind);
    if (VY_IPSEC_HEAD_RE.test(line)) {
      this.section = 'ipsec';
      snap.childrenListed ??= ev();
      return kind;
    }
    if (!this.section) return null;
    if (/^-{3,}(?:\s+-{3,})*$/.test(line)) return kind;
    let m: RegExpExecArray | null;
    if (this.section === 'peer' && /^\S+ \S+\s+\S+ \S+$/.test(line)) {
      this.ike = { name: line.split(/\s+/)[0], state: 'CONNECTING', version: 0, children: [], header: ev() };
      this.ike.peer = this.ike.name;
      snap.ikeSas.push(this.ike);
      return kind;
    }
    if (this.section === 'state' && this.ike && (m = VY_STATE_RE.exec(line))) {
      this.ike.state = m[1] === 'up' ? 'ESTABLISHED' : 'CONNECTING';
      this.ike.deviceState = m[1];
      this.ike.version = Number(m[2]);
      this.ike.stateLine = ev();
      return kind;
    }
    if (this.section === 'ipsec' && (m = VY_IPSEC_ROW_RE.exec(line))) {
      const child = newChild(m[1], m[2] === 'up' ? 'INSTALLED' : m[2].toUpperCase(), ev());
      [child.packetsIn, child.packetsOut] = [Number(m[3]), Number(m[4])];
      child.lines!.in = child.lines!.out = child.lines!.header;
      (this.ike ?? snap.ikeSas[snap.ikeSas.length - 1] ?? this.orphan(snap, ev)).children.push(child);
      return kind;
    }
    return null;
  }

  private orphan(snap: SaSnapshot, ev: () => Evidence): IkeSaSnapshot {
    this.ike = { name: 'unknown', state: 'ESTABLISHED', version: 0, children: [], header: ev() };
    snap.ikeSas.push(this.ike);
    return this.ike;
  }
}

/**
 * Every kind of listing at once, for one input: each line goes to the listing it continues, or to
 * whichever reader recognises it as the start of one. Returns what the line was read as, or null.
 */
export class ListingReader {
  readonly snapshot: SaSnapshot;
  private readonly parts: ListingPart[] = [
    new SwanListing(),
    new VyosListing(),
    new AsaIpsecSa(),
    new AsaIsakmpSa(),
    new AsaIkev2Sa(),
    new AsaSessiondb(),
    new PanShow(),
  ];
  private current: ListingPart | undefined;

  constructor(side: SaSnapshot['side'], source: string) {
    this.snapshot = { side, source, ikeSas: [] };
  }

  push(raw: string, n: number): string | null {
    const line = cleanResidue(raw);
    if (!line) return null;
    const ev = (): Evidence => ({ source: this.snapshot.source!, line: n, text: raw });
    if (this.current) {
      const kind = this.current.push(line, ev, this.snapshot);
      if (kind) return kind;
    }
    for (const p of this.parts) {
      if (p === this.current) continue;
      const kind = p.push(line, ev, this.snapshot);
      if (kind) {
        this.current = p;
        return kind;
      }
    }
    return null;
  }
}

/** Parses an SA listing (any of the kinds above) line by line; lines of other kinds are ignored. */
export async function parseSasText(
  lines: AsyncIterable<string> | Iterable<string>,
  side: SaSnapshot['side'],
  source: string,
): Promise<SaSnapshot> {
  const reader = new ListingReader(side, source);
  let n = 0;
  for await (const raw of lines) reader.push(raw, ++n);
  return reader.snapshot;
}
