/**
 * SA listings as the rules see them: strongSwan's (`swanctl --list-sas`, `ipsec statusall`, VICI)
 * and the devices' show commands (Cisco ASA, Palo Alto) in one minimal typed form. Lines read from
 * text keep their number, so states and counters can be cited as evidence.
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
  /** Packets the device dropped after decapsulation (ASA `#recv errors`), and where that was read. */
  recvErrors?: number;
  /** Where the counters were read (for evidence); absent for typed snapshots. */
  lines?: { in?: Evidence; out?: Evidence; header?: Evidence; errors?: Evidence };
}

export interface IkeSaSnapshot {
  name: string;
  /** ESTABLISHED when the IKE SA is up (ASA MM_ACTIVE/READY, PAN established too), else CONNECTING etc. */
  state: string;
  /** 1 or 2; 0 when the listing does not say. */
  version: number;
  children: ChildSaSnapshot[];
  header?: Evidence;
  /** The device's own state word (MM_WAIT_MSG3, AM_ACTIVE, READY, IN-NEG, ...) when it differs from `state`. */
  deviceState?: string;
  /** Where the state was read. */
  stateLine?: Evidence;
  role?: 'initiator' | 'responder';
  device?: 'strongswan' | 'asa' | 'pan';
  peer?: string;
}

export interface SaSnapshot {
  side: 'left' | 'right' | 'unknown';
  /** Seconds (any epoch): orders a series and lets growth be judged. */
  time?: number;
  /** File name or label, for evidence of typed snapshots. */
  source?: string;
  ikeSas: IkeSaSnapshot[];
  /**
   * Where the listing lists IPsec/CHILD SAs (a section header or a count), so that no CHILD_SA in it
   * means none: an ASA `show crypto isakmp sa` alone says nothing about phase 2.
   */
  childrenListed?: Evidence;
}

export interface SaSeries {
  left: SaSnapshot[];
  right: SaSnapshot[];
  unknown: SaSnapshot[];
}

export function emptySeries(): SaSeries {
  return { left: [], right: [], unknown: [] };
}

/** A new CHILD_SA with nothing counted yet. */
export function newChild(name: string, state: string, header?: Evidence): ChildSaSnapshot {
  return {
    name,
    state,
    bytesIn: 0,
    bytesOut: 0,
    packetsIn: 0,
    packetsOut: 0,
    localTs: [],
    remoteTs: [],
    lines: header ? { header } : {},
  };
}

/**
 * One kind of listing read line by line. `push` takes the line when it belongs to this listing (its
 * header, or a line of the block it is in) and returns the listing's kind, else null.
 */
export interface ListingPart {
  push(line: string, ev: () => Evidence, snap: SaSnapshot): string | null;
}

/** "255.255.255.0" -> 24. */
export function maskBits(mask: string): number {
  return mask.split('.').reduce((n, o) => n + (Number(o) >>> 0).toString(2).replace(/0/g, '').length, 0);
}
