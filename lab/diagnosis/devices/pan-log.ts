/**
 * Palo Alto Networks (PAN-OS) IKE log lines as events: ikemgr.log (`less mp-log ikemgr.log`, lines
 * with `[PNTF]:`, `[PERR]:`, `[INFO]:` ... and the `====> PHASE-1 NEGOTIATION ... <====` banners) and
 * the VPN system log (`show log system subtype equal vpn`: event ids `ike-nego-p1-fail`,
 * `ike-nego-p2-fail`, `ike-dpd-...` and texts "IKE phase-1 negotiation is failed ... due to timeout").
 */
import type { DiagEvent, EventKind, Side } from '../events.js';
import type { LogRecord } from '../log-line.js';
import type { DeviceLine } from './device-line.js';

// Tagged lines, the phase banners, and the IKEv2 debug lines ("debug: pan_ikev2_debug(protocols/ikev2/...)").
const IKEMGR_RE = /\[(?:PNTF|PERR|PWRN|INFO|DEBG|PDBG|CONF|PTHR|NOTE)\]:|====>.*<====|\bdebug: pan_ikev2_\w+\(/;
const SYSTEM_RE =
  /\b(?:ike-nego-p[12]-\w+|ike-dpd-\S+|ike-(?:recv|send)-notify|ike-generic-event|ike-config-\S+|ikev2-\S+|ipsec-key-\S+|tunnel-status-\S+)\b|\bIKEv?2? (?:phase[- ]?[12]|IKE SA|child SA) (?:SA )?negotiation (?:is |has )?(?:failed|succeeded|started)|\bIKE phase[- ][12] (?:SA )?(?:negotiation|is deleted)|\bIKE protocol notification message|Couldn.t find configuration for IKE phase-1/i;

interface Pattern {
  re: RegExp;
  kind: EventKind;
  build?: (m: RegExpExecArray, e: DiagEvent) => void;
}

/** Which phase a PAN message is about. */
function phaseOf(text: string): 'p1' | 'p2' | undefined {
  if (/phase[- ]?2|quick mode|child SA|CHILD_SA|ipsec-sa|p2-/i.test(text)) return 'p2';
  if (/phase[- ]?1|main mode|aggressive mode|IKE SA|p1-/i.test(text)) return 'p1';
  return undefined;
}

const PATTERNS: Pattern[] = [
  { re: /PHASE-([12]) NEGOTIATION SUCCEEDED|negotiation is succeeded|-succ\b/i, kind: 'dev-p1-up' },
  { re: /Couldn.t find configuration for IKE phase-1 request for peer IP (\S+)/i, kind: 'dev-no-peer-config' },
  {
    re: /proxy[- ]?id|INVALID[-_]ID[-_]INFORMATION|TS[-_]UNACCEPTABLE|traffic selectors? .*(?:unacceptable|mismatch|not match)/i,
    kind: 'dev-proxy-mismatch',
  },
  // Before authentication: the same line often ends in AUTHENTICATION_FAILED, and the ID is why.
  // Spaces optional: a copy from a web page may have lost them ("ID_I(type ipaddr[...])doesnotmatch").
  {
    re: /\bID_[IR] ?\(.*?does ?not ?match ?peers? ?id|\bpeer(?:'s)? ?ID ?mismatch/i,
    kind: 'dev-id-mismatch',
  },
  {
    re: /authentication failure|authentication result: failure|AUTHENTICATION[-_]FAILED|PAYLOAD[-_]MALFORMED|pre-?shared key .*mismatch|failed to decrypt/i,
    kind: 'dev-auth-failed',
  },
  { re: /INVALID[-_]KE[-_]PAYLOAD|DH group .*(?:mismatch|unacceptable)/i, kind: 'dev-dh-mismatch' },
  {
    re: /NO[-_]PROPOSAL[-_]CHOSEN|no suitable proposal|no proposal chosen|failed to get valid proposal|proposal .*mismatch/i,
    kind: 'dev-proposal',
  },
  {
    re: /\bDPD\b.*(?:dead|timeout|timed out|fail|down)|dead peer|ike-dpd-\S*(?:fail|down|dead)/i,
    kind: 'dev-dpd-dead',
  },
  { re: /due to (?:negotiation )?timeout|Due to timeout|negotiation timeout|timed out/i, kind: 'dev-timeout' },
  { re: /PHASE-([12]) NEGOTIATION STARTED AS INITIATOR|negotiation is started as initiator/i, kind: 'dev-initiate' },
  { re: /retransmit/i, kind: 'dev-retransmit' },
];

/** The line's phase-1/phase-2 banner ("PHASE-2 NEGOTIATION FAILED") while its reason follows later. */
export class PanContext {
  phase: 'p1' | 'p2' | undefined;
}

export function readPanLine(
  raw: string,
  clean: string,
  line: number,
  source: string,
  side: Side,
  ctx: PanContext,
): DeviceLine | null {
  const ikemgr = IKEMGR_RE.test(clean);
  if (!ikemgr && !SYSTEM_RE.test(clean)) return null;
  const kind = ikemgr ? 'pan-ikemgr' : 'pan-system-log';
  // ikemgr prints a banner, then the reason on lines of their own: the banner's phase is theirs.
  const banner = /PHASE-([12]) NEGOTIATION (STARTED|FAILED|SUCCEEDED)/i.exec(clean);
  if (banner) ctx.phase = banner[2].toUpperCase() === 'SUCCEEDED' ? undefined : (`p${banner[1]}` as 'p1' | 'p2');
  const phase = phaseOf(clean);
  for (const p of PATTERNS) {
    const m = p.re.exec(clean);
    if (!m) continue;
    const rec: LogRecord = { source, line, raw, shape: 'device', msg: clean };
    const e: DiagEvent = { kind: p.kind, side, rec, device: 'pan', exchange: phase ?? ctx.phase };
    if (p.kind === 'dev-p1-up' && (e.exchange === 'p2' || /PHASE-2|child SA|p2-succ/i.test(clean)))
      e.kind = 'dev-p2-up';
    if (p.kind === 'dev-no-peer-config') e.to = m[1].replace(/\[\d+\]$/, '');
    const sa = /(?:Failed|Established) SA: (\S+?)\[\d+\]-(\S+?)\[\d+\]/.exec(clean);
    if (sa) e.to = sa[2];
    const role = /as (initiator|responder)/i.exec(clean);
    if (role) e.state = role[1].toLowerCase();
    p.build?.(m, e);
    return { kind, event: e };
  }
  return { kind };
}
