/** The two sides of the lab. */
export type Side = 'left' | 'right';
export const SIDES: readonly Side[] = ['left', 'right'];

/** Debian releases the gateway image is built from (trixie: strongSwan 6.0.x, bookworm: 5.9.x). */
export type Release = 'trixie' | 'bookworm';
export const RELEASES: readonly Release[] = ['trixie', 'bookworm'];

/** What charon does once its config is loaded: initiate at once, wait for the peer, or trap traffic. */
export type StartAction = 'initiate' | 'wait' | 'trap';
export type DpdAction = 'clear' | 'trap' | 'restart';

/** One strongSwan gateway, in the terms of swanctl.conf. Times are seconds. */
export interface GatewaySettings {
  release: Release;
  ikeVersion: 1 | 2;
  /** IKE proposals in strongSwan syntax, e.g. "aes256-sha256-modp2048". */
  ikeProposals: string[];
  /** ESP proposals; a DH group in them means PFS. */
  espProposals: string[];
  psk: string;
  localId: string;
  remoteId: string;
  /** Traffic selectors (encryption domain); empty means the local/remote LAN subnet. */
  localTs: string[];
  remoteTs: string[];
  /** The address this gateway sends IKE to; empty means the peer gateway's WAN address. */
  peerAddress: string;
  dpd: { delay: number; timeout: number; action: DpdAction };
  ike: { rekeyTime: number; reauthTime: number; overTime: number };
  child: { rekeyTime: number; lifeTime: number };
  startAction: StartAction;
  /** Force UDP encapsulation of ESP (fake NAT detection). */
  encap: boolean;
  mobike: boolean;
  /** IKEv1 aggressive mode. */
  aggressive: boolean;
}

/** One site: the gateway, the LAN behind it and its WAN link to the router. */
export interface SiteSettings {
  /** LAN subnet behind the gateway (CIDR); the gateway takes .1, the LAN host .10. */
  lan: string;
  /** WAN subnet between the gateway and the router (CIDR); the router takes .1, the gateway .10. */
  wan: string;
  gateway: GatewaySettings;
}

export interface LabSettings {
  schema: 1;
  left: SiteSettings;
  right: SiteSettings;
  /** strongSwan's own retransmit timers (minutes to give up) instead of the lab's short ones. */
  realisticTimers: boolean;
}
