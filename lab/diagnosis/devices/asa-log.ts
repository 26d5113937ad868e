/**
 * Cisco ASA (and FTD) IKE/IPsec log lines as events: syslog (`%ASA-n-713xxx`, `7500xx` for IKEv2,
 * `602303/602304`, `402116`, `113019`) and `debug crypto ikev1|ikev2` output (`[IKEv1]:`,
 * `IKEv2-PROTO-n:`). The message text after "Group = g, IP = a," or "Local:a Remote:b Username:u"
 * says what happened; each pattern below names the ASA's own meaning of its message.
 */
import type { DiagEvent, EventKind, Side } from '../events.js';
import type { LogRecord } from '../log-line.js';
import type { DeviceLine } from './device-line.js';

const HEAD_RE = /%(?:ASA|FTD|PIX)-(\d)-(\d{6}): ?/;
const DEBUG_RE = /\[IKEv[12](?: DEBUG)?\]:? ?|IKEv2-(?:PROTO|PLAT|SA)-\d+: ?/;
// A field may be empty ("Group = , IP = ,"): a user who removes the addresses before posting keeps the message.
const GROUP_RE = /^(?:Group ?= ?([^,]*), ?)?(?:Username ?= ?[^,]*, ?)?(?:IP ?= ?([^,]*), ?)?/;
const V2_PEER_RE = /^Local:(\S+) Remote:(\S+)(?: Username:\S*)? ?/;

interface Pattern {
  re: RegExp;
  kind: EventKind;
  build?: (m: RegExpExecArray, e: DiagEvent) => void;
}

const p1 = (e: DiagEvent) => (e.exchange = 'p1');
const p2 = (e: DiagEvent) => (e.exchange = 'p2');

/** First match wins; order puts the specific before the generic. */
const PATTERNS: Pattern[] = [
  { re: /^IKE Initiator: New Phase 1/, kind: 'dev-initiate' },
  { re: /^Received request to establish an IPsec tunnel/, kind: 'dev-initiate' },
  {
    re: /^IKE_DECODE (SENDING|RECEIVED|RESENDING) Message \(msgid=([0-9a-fA-F]+)\) with payloads ?: ?(.*?)(?: total length|$)/,
    kind: 'dev-isakmp-msg',
    build: (m, e) => {
      e.value = m[1];
      e.mid = parseInt(m[2], 16);
      e.payloads = m[3].split(/\s*\+\s*/).map((p) => p.replace(/\s*\(\d+\)$/, ''));
    },
  },
  { re: /^PHASE 1 COMPLETED/, kind: 'dev-p1-up' },
  { re: /^PHASE 2 COMPLETED/, kind: 'dev-p2-up' },
  { re: /^Security negotiation complete for/, kind: 'dev-p2-up' },
  { re: /^IPSEC: An? (?:inbound|outbound) (?:LAN-to-LAN|remote access) SA .* has been created/, kind: 'dev-p2-up' },
  { re: /IKEv2 SA UP\b/, kind: 'dev-p1-up' },
  {
    re: /IKEv2 SA DOWN\. Reason: (.*)/,
    kind: 'dev-p1-down',
    build: (m, e) => (e.value = m[1].trim()),
  },
  {
    re: /^Phase ([12]) failure:\s+Mismatched attribute types for class (.+?):\s+Rcv'd:\s+(.+?)\s+Cfg'd:\s+(.+)$/,
    kind: 'dev-proposal',
    build: (m, e) => {
      e.exchange = `p${m[1]}`;
      e.value = m[2];
      e.value2 = `received ${m[3].trim()}, configured ${m[4].trim()}`;
      if (m[1] === '1' && /Group Description/i.test(m[2])) e.kind = 'dev-dh-mismatch';
    },
  },
  { re: /All IPSec SA proposals found unacceptable/, kind: 'dev-proposal', build: (_m, e) => p2(e) },
  {
    re: /All SA proposals found unacceptable|IKE SA proposal .* not acceptable|Error processing SA payload/,
    kind: 'dev-proposal',
    build: (_m, e) => p1(e),
  },
  {
    re: /Received non-routine Notify message: Invalid ID info/,
    kind: 'dev-proxy-mismatch',
    build: (_m, e) => (e.notify = 'INVALID_ID_INFORMATION'),
  },
  {
    re: /Received non-routine Notify message: No proposal chosen|Received an un-encrypted NO_PROPOSAL_CHOSEN notify/,
    kind: 'dev-notify',
    build: (_m, e) => (e.notify = e.value = 'NO_PROPOSAL_CHOSEN'),
  },
  {
    // The proxies ("10.1.0.0/255.255.255.0/0/0") may have been removed from a posted copy.
    re: /^Rejecting IPSec tunnel: no matching crypto map entry for remote proxy (?:(\d\S*) )?local proxy(?: (\d\S*))?/,
    kind: 'dev-proxy-mismatch',
    build: (m, e) => {
      e.value = m[2];
      e.value2 = m[1];
    },
  },
  { re: /The decapsulated inner packet doesn't match the negotiated policy/, kind: 'dev-proxy-mismatch' },
  {
    re: /There was no IPSEC policy found for received TS|TS_UNACCEPTABLE|traffic selectors? .*unacceptable/i,
    kind: 'dev-proxy-mismatch',
  },
  { re: /QM FSM error/, kind: 'dev-p2-failed' },
  {
    re: /IKE lost contact with remote peer, deleting connection \(keepalive type: (\w+)\)/,
    kind: 'dev-dpd-dead',
    build: (m, e) => (e.value = m[1]),
  },
  {
    re: /Received encrypted (?:Oakley )?Main Mode packet with invalid payloads|Hash verification failed|INVALID_HASH_INFO|Received an un-encrypted (?:AUTHENTICATION_FAILED|AUTH_FAILED)|AUTH(?:entication)? verify failed|Failed to verify the (?:peer's )?AUTH|Auth exchange failed|pre-shared key .*(?:mismatch|invalid)/i,
    kind: 'dev-auth-failed',
  },
  {
    re: /wrong DH group|INVALID_KE_PAYLOAD/,
    kind: 'dev-dh-mismatch',
  },
  {
    re: /Failed to find a matching policy|Received no proposal chosen notify|NO_PROPOSAL_CHOSEN/i,
    kind: 'dev-notify',
    build: (_m, e) => (e.notify = e.value = 'NO_PROPOSAL_CHOSEN'),
  },
  {
    re: /Maximum number of retransmissions reached|Failed to receive the AUTH msg before the timer expired/,
    kind: 'dev-timeout',
  },
  { re: /Retransmitting packet/, kind: 'dev-retransmit' },
  {
    re: /Received an un-encrypted INVALID_COOKIE notify message/,
    kind: 'dev-notify',
    build: (_m, e) => (e.notify = e.value = 'INVALID_COOKIE'),
  },
  {
    re: /(?:Session disconnected\. Session Type: \S+, .*|Session is being torn down\. )Reason: (.*)$/,
    kind: 'dev-p1-down',
    build: (m, e) => (e.value = m[1].trim()),
  },
  {
    re: /Negotiation aborted due to ERROR: (.*)$/,
    kind: 'dev-notify',
    build: (m, e) => (e.value = m[1].trim()),
  },
];

/** What an aborted IKEv2 negotiation's reason (750003) says, as the more specific event. */
function refineAbort(e: DiagEvent): void {
  const r = e.value ?? '';
  if (/matching policy|no proposal chosen/i.test(r)) e.notify = 'NO_PROPOSAL_CHOSEN';
  else if (/auth|PSK|pre-shared/i.test(r)) e.kind = 'dev-auth-failed';
  else if (/DH group|KE payload/i.test(r)) e.kind = 'dev-dh-mismatch';
  else if (/retransmission|timer expired|timed? ?out/i.test(r)) e.kind = 'dev-timeout';
  else if (/traffic selector|\bTS\b|proxy/i.test(r)) e.kind = 'dev-proxy-mismatch';
}

export function readAsaLine(raw: string, clean: string, line: number, source: string, side: Side): DeviceLine | null {
  const head = HEAD_RE.exec(clean);
  const debug = head ? null : DEBUG_RE.exec(clean);
  if (!head && !debug) return null;
  const at = head ?? debug!;
  const sev = head ? Number(head[1]) : 7;
  const kind = sev >= 7 || debug ? 'asa-debug' : 'asa-syslog';
  let body = clean.slice(at.index + at[0].length).trim();
  let peer: string | undefined;
  const v2 = V2_PEER_RE.exec(body);
  if (v2) {
    peer = v2[2].replace(/:\d+$/, '');
    body = body.slice(v2[0].length);
  } else {
    const g = GROUP_RE.exec(body)!;
    peer = g[2]?.trim() || g[1]?.trim() || undefined;
    body = body.slice(g[0].length);
  }
  body = body.replace(/^\(\d+\): ?/, '');
  for (const p of PATTERNS) {
    const m = p.re.exec(body);
    if (!m) continue;
    const rec: LogRecord = { source, line, raw, shape: 'device', msg: body, origin: head ? head[0].trim() : undefined };
    const e: DiagEvent = { kind: p.kind, side, rec, device: 'asa', to: peer };
    p.build?.(m, e);
    if (/Negotiation aborted/.test(body)) refineAbort(e);
    return { kind, event: e };
  }
  return { kind };
}
