/**
 * The message texts charon prints, as patterns by the message's first word (recorded from
 * strongSwan 5.9.8 and 6.0.1 in test/fixtures/diagnosis, plus the documented older/newer wordings:
 * "inacceptable" before 5.7, "DH group" before 6.0, "key exchange method" since). Data: events.ts
 * classifies with it, line-filter.ts reads its literals.
 */
import type { DiagEvent, EventKind } from './event-types.js';

export type Builder = (m: RegExpExecArray, e: DiagEvent) => void;
export interface Pattern {
  re: RegExp;
  kind: EventKind;
  build?: Builder;
}

export const NOOP: Builder = () => {};
/** "CHILD_SA x{n} established with SPIs a_i b_o and TS l === r": the selectors and SPIs. */
const CHILD_UP: Builder = (m, e) => {
  e.value = m[5];
  e.value2 = m[6];
  e.spis = [m[3].replace(/_i$/, ''), m[4].replace(/_o$/, '')];
};

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

export const PATTERNS: Record<string, Pattern[]> = {
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
      build: CHILD_UP,
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
  // A rekeyed CHILD_SA whose outbound SA is installed once the peer deleted the old one (5.9.x and later).
  outbound: [
    {
      re: /^outbound CHILD_SA (\S+?)\{(\d+)\} established with SPIs (\S+) (\S+) and TS (.*?) === (.*)/,
      kind: 'child-established',
      build: CHILD_UP,
    },
  ],
  restarting: [{ re: /^restarting CHILD_SA/, kind: 'restarting-child' }],
};
