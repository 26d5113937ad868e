/**
 * Message -> event classification. Each pattern is a message text charon prints (recorded from
 * strongSwan 5.9.8 and 6.0.1 in test/fixtures/diagnosis, plus the documented older/newer wordings:
 * "inacceptable" before 5.7, "DH group" before 6.0, "key exchange method" since).
 *
 * Patterns are grouped by the message's first word so a line is tested against a handful of
 * regexes, not all of them: the parser must keep up with `grep` on large logs.
 */
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

type Builder = (m: RegExpExecArray, e: DiagEvent) => void;
interface Pattern {
  re: RegExp;
  kind: EventKind;
  build?: Builder;
}

const NOOP: Builder = () => {};
const MSG: Builder = (m, e) => {
  e.exchange = m[1];
  e.role = m[2] as 'request' | 'response';
  // "xxxx": an ID someone masked before publishing the log.
  e.mid = /^\d+$/.test(m[3]) ? Number(m[3]) : -1;
  const payloads = m[4].trim();
  e.payloads = payloads ? payloads.split(/\s+/) : [];
};
const PACKET: Builder = (m, e) => {
  e.from = m[1];
  e.fromPort = Number(m[2]);
  e.to = m[3];
  e.toPort = Number(m[4]);
  e.bytes = Number(m[5]);
};

const PATTERNS: Record<string, Pattern[]> = {
  // The load-conn dump indents connection settings by two spaces (children's by three).
  '': [
    {
      re: /^ {2}(version|local_addrs|remote_addrs|dpd_delay|encap|mobike) = (.*)$/,
      kind: 'conf',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
    {
      re: /^ {3}(start_action|close_action|dpd_action) = (.*)$/,
      kind: 'conf',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  initiating: [
    {
      re: /^initiating (?:(Main|Aggressive) Mode )?IKE_SA (\S+?)\[(\d+)\] to (\S+)/,
      kind: 'initiate',
      build: (m, e) => {
        e.exchange = m[1] === 'Main' ? 'ID_PROT' : m[1] === 'Aggressive' ? 'AGGRESSIVE' : 'IKE_SA_INIT';
        e.value = m[2];
        e.to = m[4];
      },
    },
  ],
  Aggressive: [{ re: /^Aggressive Mode PSK disabled for security reasons/, kind: 'aggressive-refused' }],
  Starting: [{ re: /^Starting (?:IKE charon daemon|charon(?:-systemd)? IKE daemon)/, kind: 'daemon-start' }],
  SIGTERM: [{ re: /^SIGTERM received, shutting down/, kind: 'daemon-stop' }],
  SIGINT: [{ re: /^SIGINT received, shutting down/, kind: 'daemon-stop' }],
  generating: [{ re: /^generating (\S+) (request|response) (\d+|x+) \[(.*)\]/, kind: 'msg-out', build: MSG }],
  parsed: [{ re: /^parsed (\S+) (request|response) (\d+|x+) \[(.*)\]/, kind: 'msg-in', build: MSG }],
  // Only the IKE_SA's own line carries the byte count; the socket thread's duplicate does not.
  sending: [
    { re: /^sending packet: from (\S+)\[(\d+)\] to (\S+)\[(\d+)\] \((\d+) bytes\)/, kind: 'packet-out', build: PACKET },
    {
      re: /^sending retransmit (\d+) of (?:request|response) message ID (\d+)/,
      kind: 'retransmit',
      build: (m, e) => {
        e.count = Number(m[1]);
        e.mid = Number(m[2]);
      },
    },
    { re: /^sending DPD request/, kind: 'dpd-out' },
    {
      re: /^sending DELETE for IKE_SA (\S+?)\[(\d+)\]/,
      kind: 'ike-delete-out',
      build: (m, e) => {
        e.value = m[1];
      },
    },
  ],
  received: [
    { re: /^received packet: from (\S+)\[(\d+)\] to (\S+)\[(\d+)\] \((\d+) bytes\)/, kind: 'packet-in', build: PACKET },
    { re: /^received proposals (?:un|in)acceptable/, kind: 'proposals-unacceptable' },
    {
      re: /^received proposals: (?:(IKE|ESP|AH):)?(.*)/,
      kind: 'proposals',
      build: (m, e) => {
        e.which = 'received';
        e.proto = m[1];
        e.value = m[2];
      },
    },
    {
      re: /^received retransmit of (request|response) with ID (\d+)/,
      kind: 'received-retransmit',
      build: (m, e) => {
        e.role = m[1] as 'request';
        e.mid = Number(m[2]);
      },
    },
    {
      re: /^received (\S+) notify error/,
      kind: 'notify-error',
      build: (m, e) => {
        e.notify = m[1];
      },
    },
    {
      re: /^received (\S+) error notify/,
      kind: 'notify-error',
      build: (m, e) => {
        e.notify = m[1];
      },
    },
    {
      re: /^received (\S+) notify, no CHILD_SA built/,
      kind: 'child-not-built',
      build: (m, e) => {
        e.notify = m[1];
      },
    },
    {
      re: /^received IDr? (.*), but require (.*)/,
      kind: 'id-mismatch',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
    { re: /^received NAT-T \(RFC 3947\) vendor ID/, kind: 'natt-vid' },
    {
      re: /^received DELETE for IKE_SA (\S+?)\[(\d+)\]/,
      kind: 'ike-delete-in',
      build: (m, e) => {
        e.value = m[1];
      },
    },
  ],
  configured: [
    {
      re: /^configured proposals: (?:(IKE|ESP|AH):)?(.*)/,
      kind: 'proposals',
      build: (m, e) => {
        e.which = 'configured';
        e.proto = m[1];
        e.value = m[2];
      },
    },
  ],
  selected: [
    {
      re: /^selected proposal: (?:(IKE|ESP|AH):)?(.*)/,
      kind: 'selected-proposal',
      build: (m, e) => {
        e.proto = m[1];
        e.value = m[2];
      },
    },
  ],
  retransmit: [
    {
      re: /^retransmit (\d+) of (?:request|response) with message ID (\d+)/,
      kind: 'retransmit',
      build: (m, e) => {
        e.count = Number(m[1]);
        e.mid = Number(m[2]);
      },
    },
  ],
  giving: [
    {
      re: /^giving up after (\d+) retransmits/,
      kind: 'giveup',
      build: (m, e) => {
        e.count = Number(m[1]);
      },
    },
  ],
  establishing: [{ re: /^establishing IKE_SA failed, peer not responding/, kind: 'peer-not-responding' }],
  no: [
    { re: /^no acceptable proposal found/, kind: 'proposals-unacceptable' },
    { re: /^no proposal found/, kind: 'proposals-unacceptable' },
    { re: /^no matching proposal found/, kind: 'proposals-unacceptable' },
    {
      re: /^no acceptable (\S+) found/,
      kind: 'no-acceptable-transform',
      build: (m, e) => {
        e.value = m[1];
      },
    },
    {
      re: /^no IKE config found for (\S+?)\.\.\.(\S+?),/,
      kind: 'no-ike-config',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
    { re: /^no (?:matching )?peer config found/, kind: 'no-peer-config' },
    // Narrowing left no selector (the peer's proposal against ours, a certificate's address blocks).
    { re: /^no acceptable traffic selectors found/, kind: 'ts-unacceptable' },
    {
      re: /^no shared key found for(?: '(.*)' - '(.*)')?/,
      kind: 'no-shared-key',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
    {
      re: /^no matching CHILD_SA config found(?: for (.*) === (.*))?/,
      kind: 'no-child-config',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  DH: [
    {
      re: /^DH group (\S+) (?:un|in)acceptable, requesting (\S+)/,
      kind: 'ke-retry-responder',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  key: [
    {
      re: /^key exchange method (\S+) (?:un|in)acceptable, requesting (\S+)/,
      kind: 'ke-retry-responder',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  peer: [
    {
      re: /^peer didn't accept (?:DH group|key exchange method) (\S+), it requested (\S+)/,
      kind: 'ke-retry-initiator',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  looking: [
    {
      re: /^looking for peer configs matching (\S+?)\[(.*?)\]\.\.\.(\S+?)\[(.*?)\]/,
      kind: 'looking-for-peer',
      build: (m, e) => {
        e.value = m[2];
        e.value2 = m[4];
        e.from = m[3];
        e.to = m[1];
      },
    },
  ],
  IDir: [
    {
      re: /^IDir '?(.*?)'? does not match to '?(.*?)'?$/,
      kind: 'id-mismatch',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  constraint: [
    {
      re: /^constraint check failed: identity '(.*)' required/,
      kind: 'id-mismatch',
      build: (m, e) => {
        e.value2 = m[1];
      },
    },
  ],
  tried: [
    {
      re: /^tried (\d+) shared keys? for '(.*)' - '(.*)', but MAC mismatched/,
      kind: 'mac-mismatch',
      build: (m, e) => {
        e.count = Number(m[1]);
        e.value = m[2];
        e.value2 = m[3];
      },
    },
  ],
  invalid: [{ re: /^invalid (?:ID_V1|HASH_V1) payload length, decryption failed\?/, kind: 'decrypt-failed' }],
  could: [{ re: /^could not decrypt payloads/, kind: 'decrypt-failed' }],
  authentication: [
    {
      re: /^authentication of '(.*)' with (.*) successful/,
      kind: 'auth-ok',
      build: (m, e) => {
        e.value = m[1];
      },
    },
  ],
  IKE_SA: [
    {
      re: /^IKE_SA (\S+?)\[(\d+)\] established between (\S+?)\[(.*?)\]\.\.\.(\S+?)\[(.*?)\]/,
      kind: 'ike-established',
      build: (m, e) => {
        e.value = m[4];
        e.value2 = m[6];
        e.from = m[3];
        e.to = m[5];
      },
    },
    {
      re: /^IKE_SA (\S+?)\[(\d+)\] state change: (\S+) => (\S+)/,
      kind: 'state-change',
      build: (m, e) => {
        e.value = m[3];
        e.state = m[4];
      },
    },
    { re: /^IKE_SA deleted/, kind: 'ike-deleted' },
    { re: /^IKE_SA (\S+?)\[(\d+)\] rekeyed between/, kind: 'ike-rekeyed' },
  ],
  CHILD_SA: [
    {
      re: /^CHILD_SA (\S+?)\{(\d+)\} established with SPIs (\S+) (\S+) and TS (.*?) === (.*)/,
      kind: 'child-established',
      build: (m, e) => {
        e.value = m[5];
        e.value2 = m[6];
        e.spis = [m[3].replace(/_i$/, ''), m[4].replace(/_o$/, '')];
      },
    },
    { re: /^CHILD_SA rekeying failed/, kind: 'child-rekey-failed' },
    { re: /^CHILD_SA rekey collision/, kind: 'rekey-collision' },
    { re: /^CHILD_SA (\S+?)\{(\d+)\} closed/, kind: 'child-closed' },
  ],
  detected: [{ re: /^detected (?:CHILD_SA )?rekey collision/, kind: 'rekey-collision' }],
  failed: [{ re: /^failed to establish CHILD_SA/, kind: 'child-failed' }],
  traffic: [
    {
      re: /^traffic selectors (.*?) === (.*?) (?:un|in)acceptable/,
      kind: 'ts-unacceptable',
      build: (m, e) => {
        e.value = m[1];
        e.value2 = m[2];
      },
    },
  ],
  local: [{ re: /^local host is behind NAT/, kind: 'nat-local' }],
  remote: [{ re: /^remote host is behind NAT/, kind: 'nat-remote' }],
  DPD: [{ re: /^DPD check timed out/, kind: 'dpd-timeout' }],
  deleting: [{ re: /^deleting half open IKE_SA/, kind: 'half-open-timeout' }],
  unable: [
    {
      re: /^unable to (?:add SAD entry|install (?:inbound and outbound )?IPsec SA|install IPsec policies|add policy|install policy|add route|install source route)/,
      kind: 'kernel-failure',
    },
  ],
  algorithm: [{ re: /^algorithm \S+ not supported by kernel/, kind: 'kernel-failure' }],
  error: [
    { re: /^error writing to socket/, kind: 'socket-error' },
    { re: /^error installing route/, kind: 'kernel-failure' },
  ],
  restarting: [{ re: /^restarting CHILD_SA/, kind: 'restarting-child' }],
};

// A Map, not the object: a message starting with "__proto__" or "constructor" must find nothing.
const BY_FIRST_WORD = new Map(Object.entries(PATTERNS));

/** The patterns by first word, for the prefilter (line-filter.ts), which reads their literals. */
export const CLASSIFIER_PATTERNS: ReadonlyMap<string, readonly { readonly re: RegExp }[]> = BY_FIRST_WORD;

/** The words by their first character (ASCII ones only): finding a message's list without cutting its word out. */
const BY_FIRST_CHAR: ([string, Pattern[]][] | undefined)[] = [];
for (const [word, list] of BY_FIRST_WORD) {
  const c = word.charCodeAt(0);
  if (c < 128) (BY_FIRST_CHAR[c] ??= []).push([word, list]);
}

/** BY_FIRST_WORD.get(msg's first word), the word being msg up to its first space. */
function patternsOf(msg: string): Pattern[] | undefined {
  let end = msg.indexOf(' ');
  if (end < 0) end = msg.length;
  const c = msg.charCodeAt(0);
  if (end === 0 || !(c < 128)) return BY_FIRST_WORD.get(msg.slice(0, end));
  const words = BY_FIRST_CHAR[c];
  if (words === undefined) return undefined;
  for (const [word, list] of words) if (word.length === end && msg.startsWith(word)) return list;
  return undefined;
}

/** Classifies one parsed line; null when the message is not one the rules use. */
export function classify(rec: LogRecord, side: Side): DiagEvent | null {
  const msg = rec.msg;
  const list = patternsOf(msg);
  if (!list) return null;
  for (const p of list) {
    const m = p.re.exec(msg);
    if (!m) continue;
    const e: DiagEvent = { kind: p.kind, side, rec };
    (p.build ?? NOOP)(m, e);
    return e;
  }
  return null;
}

/** Splits a `received/configured proposals:` value into single proposals without the protocol prefix. */
export function splitProposals(value: string): string[] {
  return value
    .split(/,\s*/)
    .map((p) => p.replace(/^(?:IKE|ESP|AH):/, '').trim())
    .filter(Boolean);
}
