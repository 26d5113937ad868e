/**
 * Palo Alto Networks (PAN-OS) show commands as SA listings: `show vpn ike-sa` (IKEv1 phase-1 and
 * IKEv2 tables, and the XML API answer), `show vpn ipsec-sa`, `show vpn flow` and
 * `show vpn flow tunnel-id N` (whose encap/decap packet counters are the tunnel's out/in).
 *
 * PAN-OS lists only negotiated SAs: a phase-1 row (IKEv2: state Established) is an IKE SA that is
 * up, a phase-2/child row (IKEv2: Mature) an installed IPsec SA; "There is no IKEv1 phase-1 SA
 * found" is an answer too (nothing up), kept as a read line.
 */
import type { Evidence } from '../findings.js';
import { type IkeSaSnapshot, type ListingPart, newChild, type SaSnapshot } from '../snapshot.js';

const KIND_IKE = 'pan-show-vpn-ike-sa';
const KIND_IPSEC = 'pan-show-vpn-ipsec-sa';
const KIND_FLOW = 'pan-show-vpn-flow';

const DASHES_RE = /^-{2,}(?:\s+-+)*$/;
const SUMMARY_RE =
  /^(?:Show (?:IKEv[12] (?:IKE )?SA|IKEv1 phase2 SA|IPSec SA): Total \d+ (?:gateways|tunnels) found\.|There is no (?:IKEv[12] (?:phase-[12] )?SA|IPSec SA) found\.?|No IKEv[12] SA found)/i;
const P1_HEAD_RE = /^(?:GwID\/client IP|Gateway ID)\s+Peer-Address\s+Gateway Name/;
const CHILD_HEAD_RE = /^Gateway Name\s+TnID\s+Tunnel/;
const P1_ROW_RE = /^(\d+)\s+(\S+)\s+(\S+)\s+(Init|Resp)\s+(\S+)\s+(.*?)\s+(\S+)$/;
const CHILD_ROW_RE = /^(\S+)\s+(\d+)\s+(\S+)\s+.*?\b(Init|Resp)\s+.*?\b([0-9A-F]{8})\s+([0-9A-F]{8})\b.*?(\S+)$/;
const IPSEC_HEAD_RE = /^GwID\/client IP\s+TnID\s+Peer-Address\s+Tunnel\(Gateway\)/;
const IPSEC_ROW_RE = /^(\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+([0-9A-F]{8})\s+([0-9A-F]{8})\s+(\S+)/;
const FLOW_TOTAL_RE = /^(?:total (?:IPSec )?tunnels? (?:configured|shown)|filter - type IPSec)/;
const FLOW_HEAD_RE = /^id\s+name\s+state\s+monitor\s+local-ip\s+peer-ip/;
const FLOW_ROW_RE = /^(\d+)\s+(\S+)\s+(active|init|inactive|down|\S+)\s+(up|down|off|\S+)\s+(\S+)\s+(\S+)/;
const FLOW_DETAIL_HEAD_RE = /^tunnel\s+(\S+)$/;
const FLOW_FIELD_RE = /^([a-z][a-z/ -]*?):\s*(.*)$/;

type Section = 'p1' | 'child' | 'ipsec' | 'flow' | 'flow-detail' | 'xml' | undefined;

export class PanShow implements ListingPart {
  private section: Section;
  private version = 0;
  private ike: IkeSaSnapshot | undefined;
  private readonly byGateway = new Map<string, IkeSaSnapshot>();

  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    if (/^IKEv([12]) (?:phase-1 SAs|SAs)$/.test(line)) {
      this.version = Number(/IKEv(\d)/.exec(line)![1]);
      this.section = undefined;
      return KIND_IKE;
    }
    if (/^IKEv([12]) (?:phase-2 SAs|IPSec Child SAs)$/.test(line)) {
      this.version = Number(/IKEv(\d)/.exec(line)![1]);
      this.section = 'child';
      snap.childrenListed ??= ev();
      return KIND_IKE;
    }
    if (P1_HEAD_RE.test(line)) {
      this.section = 'p1';
      return KIND_IKE;
    }
    if (CHILD_HEAD_RE.test(line)) {
      this.section = 'child';
      return KIND_IKE;
    }
    if (IPSEC_HEAD_RE.test(line)) {
      this.section = 'ipsec';
      snap.childrenListed ??= ev();
      return KIND_IPSEC;
    }
    if (FLOW_HEAD_RE.test(line)) {
      this.section = 'flow';
      return KIND_FLOW;
    }
    if (FLOW_TOTAL_RE.test(line)) return KIND_FLOW;
    if (SUMMARY_RE.test(line)) {
      if (/IPSec SA|phase2 SA|phase-2 SA/i.test(line)) snap.childrenListed ??= ev();
      return /IPSec SA/i.test(line) ? KIND_IPSEC : KIND_IKE;
    }
    if (/^<response status="success">/.test(line)) {
      this.section = 'xml';
      return KIND_IKE;
    }
    let m = FLOW_DETAIL_HEAD_RE.exec(line);
    if (m && this.section !== 'xml') {
      this.section = 'flow-detail';
      this.ike = this.gateway(m[1], snap, ev());
      this.ike.children.push(newChild(m[1], 'INSTALLED', ev()));
      return KIND_FLOW;
    }
    switch (this.section) {
      case 'p1':
        if (DASHES_RE.test(line)) return KIND_IKE;
        if ((m = P1_ROW_RE.exec(line))) {
          const ike = this.gateway(m[3], snap, ev());
          ike.peer = m[2];
          ike.role = m[4] === 'Init' ? 'initiator' : 'responder';
          ike.version = this.version;
          // IKEv2 names its state; an IKEv1 phase-1 row exists only for a negotiated SA.
          ike.deviceState = this.version === 2 ? m[7] : undefined;
          ike.state = this.version !== 2 || /^Established$/i.test(m[7]) ? 'ESTABLISHED' : 'CONNECTING';
          ike.stateLine = ev();
          return KIND_IKE;
        }
        break;
      case 'child':
        if (DASHES_RE.test(line)) return KIND_IKE;
        if ((m = CHILD_ROW_RE.exec(line))) {
          const ike = this.gateway(m[1], snap, ev());
          const child = newChild(m[3], /^Mature$/i.test(m[7]) || this.version === 1 ? 'INSTALLED' : m[7], ev());
          [child.spiIn, child.spiOut] = [m[5].toLowerCase(), m[6].toLowerCase()];
          ike.children.push(child);
          return KIND_IKE;
        }
        break;
      case 'ipsec':
        if (DASHES_RE.test(line)) return KIND_IPSEC;
        if ((m = IPSEC_ROW_RE.exec(line))) {
          const gw = /\(([^)]+)\)$/.exec(m[4])?.[1] ?? m[4];
          const ike = this.gateway(gw, snap, ev());
          ike.peer = m[3];
          const child = newChild(m[4].replace(/\([^)]*\)$/, ''), 'INSTALLED', ev());
          [child.spiIn, child.spiOut] = [m[6].toLowerCase(), m[7].toLowerCase()];
          ike.children.push(child);
          return KIND_IPSEC;
        }
        break;
      case 'flow':
        if (DASHES_RE.test(line)) return KIND_FLOW;
        if ((m = FLOW_ROW_RE.exec(line))) {
          const ike = this.gateway(m[2].split(':')[0], snap, ev());
          ike.peer = m[6];
          const child = newChild(m[2], m[3] === 'active' ? 'INSTALLED' : m[3].toUpperCase(), ev());
          ike.children.push(child);
          if (m[3] !== 'active') ike.state = 'CONNECTING';
          ike.deviceState = `tunnel ${m[3]}, monitor ${m[4]}`;
          ike.stateLine = ev();
          return KIND_FLOW;
        }
        break;
      case 'flow-detail':
        if ((m = FLOW_FIELD_RE.exec(line))) {
          const child = this.ike!.children[this.ike!.children.length - 1];
          const [key, value] = [m[1].trim(), m[2].trim()];
          if (key === 'encap packets') [child.packetsOut, child.lines!.out] = [Number(value) || 0, ev()];
          else if (key === 'decap packets') [child.packetsIn, child.lines!.in] = [Number(value) || 0, ev()];
          else if (key === 'encap bytes') child.bytesOut = Number(value) || 0;
          else if (key === 'decap bytes') child.bytesIn = Number(value) || 0;
          else if (key === 'state' && value !== 'active') {
            child.state = value.toUpperCase();
            this.ike!.state = 'CONNECTING';
          } else if (key === 'local spi') child.spiIn = value.toLowerCase();
          else if (key === 'remote spi') child.spiOut = value.toLowerCase();
          return KIND_FLOW;
        }
        return null;
      case 'xml':
        return this.xml(line, ev, snap);
      default:
        break;
    }
    return null;
  }

  /** The XML API's answer (`<response status="success"><result><entry>...`): one entry per SA. */
  private xml(line: string, ev: () => Evidence, snap: SaSnapshot): string | null {
    if (/^<\/?(?:result|response)\b[^>]*>$/.test(line) || line === '....') return KIND_IKE;
    if (/^<entry\b[^>]*>$/.test(line)) {
      this.ike = { name: 'entry', state: 'ESTABLISHED', version: 0, children: [], header: ev(), device: 'pan' };
      snap.ikeSas.push(this.ike);
      return KIND_IKE;
    }
    if (/^<\/entry>$/.test(line)) return KIND_IKE;
    const m = /^<([a-z-]+)>([^<]*)<\/\1>$/.exec(line);
    if (!m || !this.ike) return null;
    if (m[1] === 'name') this.ike.name = m[2];
    else if (m[1] === 'role') this.ike.role = /^Init/i.test(m[2]) ? 'initiator' : 'responder';
    else if (m[1] === 'mode') {
      this.ike.version = 1;
      this.ike.stateLine = ev();
    }
    return KIND_IKE;
  }

  private gateway(name: string, snap: SaSnapshot, header: Evidence): IkeSaSnapshot {
    let ike = this.byGateway.get(name);
    if (!ike) {
      ike = { name, state: 'ESTABLISHED', version: this.version, children: [], header, device: 'pan' };
      this.byGateway.set(name, ike);
      snap.ikeSas.push(ike);
    }
    return ike;
  }
}
