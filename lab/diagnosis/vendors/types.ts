/**
 * The shape of the vendor knowledge (lab/diagnosis/vendors/asa.ts, paloalto.ts): what a Cisco ASA or
 * a Palo Alto firewall in one gateway's place would show for a cause, per IKE version and role, and
 * what to change there. The types make the IKEv1 main-mode states role-correct by construction.
 */

/**
 * Where an ASA that initiated main mode waits: it sent MM1/MM3/MM5 and waits for the even answer.
 * `none`: no IKE SA listed for the peer.
 */
export type MmInitiatorState = 'MM_WAIT_MSG2' | 'MM_WAIT_MSG4' | 'MM_WAIT_MSG6' | 'MM_ACTIVE' | 'none';
/** Where an ASA that responded waits: it sent MM2/MM4 and waits for the odd message that follows. */
export type MmResponderState = 'MM_WAIT_MSG3' | 'MM_WAIT_MSG5' | 'MM_ACTIVE' | 'none';
/** `show crypto ikev2 sa` Status column (READY, IN-NEG) or no SA for the peer. */
export type Ikev2State = 'READY' | 'IN-NEG' | 'none';

export interface RoleState<S> {
  state: S;
  /** Why it stops there, in the device's terms (one clause, no full stop). */
  why: string;
}

export interface AsaVersionView<I, R> {
  initiator: RoleState<I>;
  responder: RoleState<R>;
  /** Syslog / debug lines (message IDs and texts as in Cisco's syslog guide or debug output). */
  logs: string[];
}

/** Lists that differ by IKE version, or one list for both. */
export type PerVersion<T> = T | { v1: T; v2: T };

export interface AsaKnowledge {
  v1: AsaVersionView<MmInitiatorState, MmResponderState>;
  v2: AsaVersionView<Ikev2State, Ikev2State>;
  /** show / debug / packet-tracer commands that confirm the cause. */
  check: PerVersion<string[]>;
  /** The change, in ASA 8.4+/9.x syntax; empty: nothing to change on the ASA. */
  fix: PerVersion<string[]>;
}

/** What PAN-OS logs for one IKE version: system log event and texts per role, ikemgr.log lines. */
export interface PanLog {
  /** System log event ID (Monitor > Logs > System, subtype vpn). */
  event?: string;
  /** System log text when the firewall initiated / responded (may be the same). */
  initiator?: string;
  responder?: string;
  /** Lines of `less mp-log ikemgr.log`. */
  ikemgr?: string[];
}

export interface PanKnowledge {
  v1: PanLog;
  v2: PanLog;
  /** Operational CLI that confirms it (`show vpn ...`, `test vpn ...`). */
  check: PerVersion<string[]>;
  /** GUI path and field to change (Network > Network Profiles > ...); empty: nothing to change. */
  fix: PerVersion<string[]>;
}

/** The IKE negotiation a finding is about, as far as the evidence tells. */
export interface IkeInPlay {
  version?: 1 | 2;
  /** Names of the gateways in each role, for the text ("gw-left", "the logging gateway"). */
  initiator?: string;
  responder?: string;
}

export function pick<T>(v: PerVersion<T>, version: 1 | 2): T {
  return typeof v === 'object' && v !== null && 'v1' in v && 'v2' in v ? (version === 1 ? v.v1 : v.v2) : (v as T);
}
