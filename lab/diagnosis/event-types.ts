/** What the diagnosis makes of a log line: an event of a kind, with what the line says (types and one constant). */
import type { DeviceEventKind } from './devices/device-kinds.js';
import type { LogRecord } from './log-line.js';

export type Side = 'left' | 'right' | 'unknown';

/** The exchanges that set up an IKE_SA: IKEv2's IKE_SA_INIT, IKEv1's main and aggressive mode. */
export const SETUP_EXCHANGES: ReadonlySet<string> = new Set(['IKE_SA_INIT', 'ID_PROT', 'AGGRESSIVE']);

export type EventKind =
  | 'initiate' // initiating IKE_SA / initiating Main Mode IKE_SA
  | 'msg-out' // generating <EXCHANGE> request|response <mid> [ payloads ]
  | 'msg-in' // parsed <EXCHANGE> request|response <mid> [ payloads ]
  | 'packet-out'
  | 'packet-in'
  | 'retransmit' // retransmit N of request with message ID M (v2) / sending retransmit N of request message ID M, seq S (v1)
  | 'received-retransmit' // received retransmit of request with ID M, retransmitting response
  | 'giveup' // giving up after N retransmits
  | 'peer-not-responding' // establishing IKE_SA failed, peer not responding
  | 'notify-error' // received X notify error / received X error notify
  | 'child-not-built' // received X notify, no CHILD_SA built
  | 'proposals' // received|configured proposals: ...
  | 'selected-proposal'
  | 'proposals-unacceptable' // received proposals unacceptable / no acceptable proposal found / no proposal found / no matching proposal found
  | 'no-acceptable-transform' // no acceptable ENCRYPTION_ALGORITHM found (level 2)
  | 'ke-retry-responder' // DH group X unacceptable, requesting Y / key exchange method ...
  | 'ke-retry-initiator' // peer didn't accept DH group X, it requested Y
  | 'no-ike-config' // no IKE config found for A...B, sending NO_PROPOSAL_CHOSEN
  | 'looking-for-peer' // looking for peer configs matching A[idA]...B[idB]
  | 'no-peer-config' // no matching peer config found / no peer config found
  | 'id-mismatch' // received IDr x, but require y / IDir 'x' does not match to 'y' / constraint check failed: identity
  | 'mac-mismatch' // tried N shared key(s) for 'A' - 'B', but MAC mismatched
  | 'no-shared-key'
  | 'decrypt-failed' // invalid ID_V1/HASH_V1 payload length, decryption failed? / could not decrypt payloads
  | 'auth-ok' // authentication of 'X' with pre-shared key successful (v2 initiator/responder)
  | 'ike-established'
  | 'child-established'
  | 'child-failed' // failed to establish CHILD_SA, keeping IKE_SA
  | 'ts-unacceptable'
  | 'no-child-config' // no matching CHILD_SA config found
  | 'child-rekey-failed'
  | 'rekey-collision'
  | 'nat-local' // local host is behind NAT, sending keep alives
  | 'nat-remote' // remote host is behind NAT
  | 'natt-vid' // received NAT-T (RFC 3947) vendor ID
  | 'dpd-out' // sending DPD request
  | 'dpd-timeout' // DPD check timed out, enforcing DPD action
  | 'state-change'
  | 'half-open-timeout' // deleting half open IKE_SA with X after timeout
  | 'kernel-failure'
  | 'socket-error'
  | 'restarting-child'
  | 'ike-deleted'
  | 'child-closed'
  | 'aggressive-refused' // Aggressive Mode PSK disabled for security reasons (IKEv1 responder)
  | 'daemon-start' // Starting IKE charon daemon / Starting charon-systemd IKE daemon
  | 'daemon-stop' // SIGTERM received, shutting down / SIGINT received
  | 'ike-delete-in' // received DELETE for IKE_SA x[n]
  | 'ike-delete-out' // sending DELETE for IKE_SA x[n] (this side closes it)
  | 'ike-rekeyed' // IKE_SA x[n] rekeyed between A...B (the replacement IKE_SA is up)
  | 'conf' // a connection setting from the level-2 `load-conn` dump (version, remote_addrs, ...)
  | DeviceEventKind; // Cisco ASA and Palo Alto log facts (devices/device-kinds.ts)

export interface DiagEvent {
  kind: EventKind;
  side: Side;
  rec: LogRecord;
  /** Exchange name (IKE_SA_INIT, IKE_AUTH, ID_PROT, QUICK_MODE, CREATE_CHILD_SA, INFORMATIONAL...). */
  exchange?: string;
  role?: 'request' | 'response';
  mid?: number;
  payloads?: string[];
  /** Retransmit or try count. */
  count?: number;
  notify?: string;
  which?: 'received' | 'configured';
  proto?: string;
  /** Proposal list, transform, address or identity text, depending on the kind. */
  value?: string;
  value2?: string;
  from?: string;
  fromPort?: number;
  to?: string;
  toPort?: number;
  bytes?: number;
  state?: string;
  /** A CHILD_SA's SPIs as [inbound, outbound], hex without the _i/_o suffix. */
  spis?: [string, string];
  /** Device events: whose log it is. */
  device?: 'asa' | 'pan';
}
