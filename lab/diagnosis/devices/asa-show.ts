/**
 * Cisco ASA show commands as SA listings: `show crypto ipsec sa`, `show crypto isakmp sa` /
 * `show crypto ikev1 sa`, `show crypto ikev2 sa` and `show vpn-sessiondb [detail] l2l`.
 *
 * On an ASA `#pkts encaps` counts what went into the tunnel (out) and `#pkts decaps` what came out
 * of it (in). An IKEv1 SA shows its main/aggressive mode state and role: MM_ACTIVE/AM_ACTIVE is up,
 * MM_WAIT_MSGn says which message it is waiting for (the rules read that with the role).
 */
import type { Evidence } from '../findings.js';
import { type IkeSaSnapshot, type ListingPart, maskBits, newChild, type SaSnapshot } from '../snapshot.js';

const MAP_RE = /^Crypto map tag: ([^,]+), seq num: (\d+)/;
const INTERFACE_RE = /^interface: \S+$/;
/** The crypto ACL line of a block ("access-list outside_1_cryptomap extended permit ip ..."). */
const ACL_RE = /^access-list (\S+) (?:extended )?permit /;
const PEER_RE = /^(?:current_peer|peer address): (\S+)/;
const IDENT_RE =
  /^(local|remote) ident \(addr\/mask\/prot\/port\): \((\d+\.\d+\.\d+\.\d+)\/(\d+\.\d+\.\d+\.\d+)\/\d+\/\d+\)/;
const COUNT_RE = /#pkts (encaps|decaps): (\d+)/g;
const ERRORS_RE = /#send errors: (\d+), #recv errors: (\d+)/;
const SPI_RE = /^spi: 0x([0-9A-Fa-f]+)/;
const DIR_RE = /^(inbound|outbound) (?:esp|ah) sas:/;
/** Lines of a `show crypto ipsec sa` block that carry nothing the rules use. */
const IPSEC_OTHER_RE =
  /^(?:access-list |local ident|remote ident|#pkts|#pre-frag|#PMTUs|#TFC|#Valid|#Invalid|#decapsulated|local crypto endpt|path mtu|current (?:outbound|inbound) spi|transform:|in use settings|slot:|sa timing:|IV size:|replay detection support:|Anti replay bitmap:|0x[0-9A-F]+ 0x|protected vrf|ident \(|(?:inbound|outbound) (?:pcp|ah) sas:|There are no ipsec sas)/;

const PEER_HEAD_RE = /^(?:\d+\s+)?IKE Peer: (\S+)/;
const ROLE_RE = /Role\s*:\s*(initiator|responder)/;
const STATE_RE = /State\s*:\s*([A-Z_0-9]+)/;
const ISAKMP_OTHER_RE =
  /^(?:IKEv1 SAs:|Active SA: \d+|Rekey SA: \d+|Total IKE SA: \d+|Type\s*:|Rekey\s*:|There are no IKEv[12] SAs)/;

const V2_SESSION_RE = /^Session-id:\s*\d+, Status:\s*([A-Z-]+)/;
const V2_ROW_RE =
  /^(\d+)\s+(\S+)\/\d+\s+(\S+)\/\d+\s+(?:\S+\s+)?(READY|IN-NEG|DELETE|UNKNOWN|INIT|AUTH)\s+(INITIATOR|RESPONDER)/;
const V2_CHILD_RE = /^Child sa: local selector\s+(\S+)\s*-\s*(\S+)/;
const V2_REMOTE_RE = /^remote selector\s+(\S+)\s*-\s*(\S+)/;
const V2_SPI_RE = /^ESP spi in\/out: 0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)/;
const V2_OTHER_RE = /^(?:IKEv2 SAs:|Tunnel-id\s+Local|Encr:|Life\/Active Time:|AH spi in\/out:|CPI in\/out:)/;

const SESSION_TYPE_RE = /^Session Type: LAN-to-LAN/;
const CONNECTION_RE = /^Connection\s*:\s*(\S+)/;
const TXRX_RE = /^(Bytes|Pkts) Tx\s*:\s*(\d+)\s+\1 Rx\s*:\s*(\d+)/;
const SESSIONDB_OTHER_RE =
  /^(?:Index\s*:|Protocol\s*:|Encryption\s*:|Hashing\s*:|Login Time\s*:|Duration\s*:|IKE Tunnels:|IPsec Tunnels:|IKEv[12]?:|IPsec:|Tunnel ID\s*:|UDP Src Port|IKE Neg Mode|Rekey Int|Rekey Left|D\/H Group|Filter Name|Local Addr\s*:|Remote Addr\s*:|Encapsulation|Idle Time Out|Idle TO Left|Conn Time Out|Group Policy|Tunnel Group|Local Hash|Remote Hash|PRF\s*:|Pkts Tx Drop|Bytes Tx Drop|Auth Mode|Rx Pkts|Tx Pkts|Inheritance|Bytes\s*:|Pkts\s*:|Audt Sess ID|Security Grp)/;

/** `show crypto ipsec sa`: one block per crypto map entry, taken as one IKE SA with one CHILD_SA. */
export class AsaIpsecSa implements ListingPart {
  private child: ReturnType<typeof newChild> | undefined;
  private dir: 'in' | 'out' | undefined;

  /** A new block, its header the line just read. */
  private open(name: string, ev: () => Evidence, snap: SaSnapshot): void {
    const header = ev();
    this.child = newChild(name, 'INSTALLED', header);
    snap.ikeSas.push({ name, state: 'ESTABLISHED', version: 0, children: [this.child], header, device: 'asa' });
    snap.childrenListed ??= header;
    this.dir = undefined;
  }

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    const m = MAP_RE.exec(line);
    if (m) {
      this.open(`${m[1]} ${m[2]}`, ev, snap);
      return 'asa-show-crypto-ipsec-sa';
    }
    if (INTERFACE_RE.test(line) || /^peer address: /.test(line)) return 'asa-show-crypto-ipsec-sa';
    if (/^There are no ipsec sas/.test(line)) {
      snap.childrenListed ??= ev();
      return 'asa-show-crypto-ipsec-sa';
    }
    let k = IDENT_RE.exec(line);
    // A block pasted without its "Crypto map tag:" line starts at its local ident, or at its crypto
    // ACL line once a block was read (alone, that line is configuration: a running-config has many).
    const blockRead = !!this.child?.localTs.length;
    const acl = blockRead ? ACL_RE.exec(line) : null;
    if (acl || (k?.[1] === 'local' && (blockRead || !this.child))) {
      this.open(acl ? acl[1] : `proxy ${k![2]}`, ev, snap);
      if (acl) return 'asa-show-crypto-ipsec-sa';
    }
    const child = this.child;
    if (!child) return null;
    const ike = snap.ikeSas[snap.ikeSas.length - 1];
    if (k) {
      (k[1] === 'local' ? child.localTs : child.remoteTs).push(`${k[2]}/${maskBits(k[3])}`);
      return 'asa-show-crypto-ipsec-sa';
    }
    if ((k = PEER_RE.exec(line))) {
      ike.peer = k[1];
      return 'asa-show-crypto-ipsec-sa';
    }
    const counts = [...line.matchAll(COUNT_RE)];
    for (const c of counts) {
      if (c[1] === 'encaps') [child.packetsOut, child.lines!.out] = [Number(c[2]), ev()];
      else [child.packetsIn, child.lines!.in] = [Number(c[2]), ev()];
    }
    if (counts.length) return 'asa-show-crypto-ipsec-sa';
    if ((k = ERRORS_RE.exec(line))) {
      child.recvErrors = Number(k[2]);
      child.lines!.errors = ev();
      return 'asa-show-crypto-ipsec-sa';
    }
    if ((k = DIR_RE.exec(line))) {
      this.dir = k[1] === 'inbound' ? 'in' : 'out';
      return 'asa-show-crypto-ipsec-sa';
    }
    if ((k = SPI_RE.exec(line))) {
      if (this.dir === 'in') child.spiIn ??= k[1].toLowerCase();
      else if (this.dir === 'out') child.spiOut ??= k[1].toLowerCase();
      if (/NAT-T-Encaps/.test(line)) child.udpEncap = true;
      return 'asa-show-crypto-ipsec-sa';
    }
    if (/NAT-T-Encaps/.test(line)) child.udpEncap = true;
    if (IPSEC_OTHER_RE.test(line) || /^(?:current_peer|spi:|sa timing|IV size|transform)/.test(line))
      return 'asa-show-crypto-ipsec-sa';
    return null;
  }
}

/** `show crypto isakmp sa` / `show crypto ikev1 sa`: peer, role and main/aggressive mode state. */
export class AsaIsakmpSa implements ListingPart {
  private ike: IkeSaSnapshot | undefined;

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    const m = PEER_HEAD_RE.exec(line);
    if (m) {
      this.ike = { name: m[1], peer: m[1], state: 'CONNECTING', version: 1, children: [], header: ev(), device: 'asa' };
      snap.ikeSas.push(this.ike);
      return 'asa-show-crypto-isakmp-sa';
    }
    if (ISAKMP_OTHER_RE.test(line) && !ROLE_RE.test(line) && !STATE_RE.test(line)) {
      return this.ike || /^(?:IKEv1 SAs:|Active SA|Rekey SA|Total IKE SA|There are no)/.test(line)
        ? 'asa-show-crypto-isakmp-sa'
        : null;
    }
    const ike = this.ike;
    if (!ike) return null;
    let hit = false;
    const r = ROLE_RE.exec(line);
    if (r) {
      ike.role = r[1] as 'initiator' | 'responder';
      hit = true;
    }
    const s = STATE_RE.exec(line);
    if (s) {
      ike.deviceState = s[1];
      ike.stateLine = ev();
      ike.state = /^(?:MM|AM)_ACTIVE$|^QM_IDLE$/.test(s[1]) ? 'ESTABLISHED' : 'CONNECTING';
      hit = true;
    }
    if (/^Type\s*:|^Rekey\s*:/.test(line)) hit = true;
    return hit ? 'asa-show-crypto-isakmp-sa' : null;
  }
}

/** `show crypto ikev2 sa [detail]`: one row per IKE SA (READY is up, IN-NEG still negotiating). */
export class AsaIkev2Sa implements ListingPart {
  private ike: IkeSaSnapshot | undefined;
  private seen = false;

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    if (/^IKEv2 SAs:$/.test(line) || V2_SESSION_RE.test(line) || /^Tunnel-id\s+Local\s+Remote/.test(line)) {
      this.seen = true;
      return 'asa-show-crypto-ikev2-sa';
    }
    if (!this.seen) return null;
    let m = V2_ROW_RE.exec(line);
    if (m) {
      const here = ev();
      this.ike = {
        name: m[1],
        peer: m[3],
        state: m[4] === 'READY' ? 'ESTABLISHED' : 'CONNECTING',
        deviceState: m[4],
        stateLine: here,
        role: m[5] === 'INITIATOR' ? 'initiator' : 'responder',
        version: 2,
        children: [],
        header: here,
        device: 'asa',
      };
      snap.ikeSas.push(this.ike);
      return 'asa-show-crypto-ikev2-sa';
    }
    const ike = this.ike;
    if (!ike) return V2_OTHER_RE.test(line) ? 'asa-show-crypto-ikev2-sa' : null;
    if ((m = V2_CHILD_RE.exec(line))) {
      const child = newChild(`${ike.name} child`, 'INSTALLED', ev());
      child.localTs.push(`${m[1].split('/')[0]}-${m[2].split('/')[0]}`);
      ike.children.push(child);
      return 'asa-show-crypto-ikev2-sa';
    }
    const child = ike.children[ike.children.length - 1];
    if (child && (m = V2_REMOTE_RE.exec(line))) {
      child.remoteTs.push(`${m[1].split('/')[0]}-${m[2].split('/')[0]}`);
      return 'asa-show-crypto-ikev2-sa';
    }
    if (child && (m = V2_SPI_RE.exec(line))) {
      child.spiIn = m[1].toLowerCase();
      child.spiOut = m[2].toLowerCase();
      return 'asa-show-crypto-ikev2-sa';
    }
    return V2_OTHER_RE.test(line) ? 'asa-show-crypto-ikev2-sa' : null;
  }
}

/** `show vpn-sessiondb [detail] l2l`: a session is an IKE SA with its tunnels' bytes/packets. */
export class AsaSessiondb implements ListingPart {
  private ike: IkeSaSnapshot | undefined;
  private seen = false;

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    if (SESSION_TYPE_RE.test(line)) {
      this.seen = true;
      return 'asa-show-vpn-sessiondb';
    }
    const m = CONNECTION_RE.exec(line);
    if (m) {
      const header = ev();
      const child = newChild(`${m[1]} tunnel`, 'INSTALLED', header);
      this.ike = { name: m[1], peer: m[1], state: 'ESTABLISHED', version: 0, children: [child], header, device: 'asa' };
      snap.ikeSas.push(this.ike);
      this.seen = true;
      return 'asa-show-vpn-sessiondb';
    }
    const ike = this.ike;
    if (!ike || !this.seen) return null;
    const t = TXRX_RE.exec(line);
    if (t) {
      const child = ike.children[0];
      // Packets when the detail view gives them (the IPsec section, after the session's bytes).
      if (t[1] === 'Pkts' || !child.lines!.out) {
        [child.packetsOut, child.packetsIn] = [Number(t[2]), Number(t[3])];
        child.lines!.out = child.lines!.in = ev();
      }
      if (t[1] === 'Bytes') [child.bytesOut, child.bytesIn] = [Number(t[2]), Number(t[3])];
      return 'asa-show-vpn-sessiondb';
    }
    if (/^Protocol\s*:\s*(IKEv(\d))?/.test(line)) {
      const v = /IKEv(\d)/.exec(line);
      ike.version = v ? Number(v[1]) : /^Protocol\s*:\s*IKE IPsec/.test(line) ? 1 : ike.version;
      return 'asa-show-vpn-sessiondb';
    }
    return SESSIONDB_OTHER_RE.test(line) ? 'asa-show-vpn-sessiondb' : null;
  }
}
