/** What the diagnosis reports. Every claim in a finding is backed by evidence lines. */

export type CauseId =
  | 'healthy'
  | 'psk-mismatch'
  | 'ike-proposal-mismatch'
  | 'dh-group-mismatch'
  | 'dh-group-retry'
  | 'aggressive-mode-mismatch'
  | 'no-initiator'
  | 'esp-proposal-mismatch'
  | 'pfs-mismatch'
  | 'ts-mismatch'
  | 'id-mismatch'
  | 'ike-version-mismatch'
  | 'peer-address-mismatch'
  | 'peer-unreachable'
  | 'ike-port-blocked'
  | 'natt-port-blocked'
  | 'esp-blocked'
  | 'dpd-peer-dead'
  | 'dpd-mismatch'
  | 'stale-sa'
  | 'peer-closed'
  | 'rekey-failure'
  | 'lifetime-mismatch'
  | 'no-return-traffic'
  | 'no-outbound-traffic'
  | 'nat-t-disabled-behind-nat'
  | 'packet-loss'
  | 'overlapping-subnets'
  | 'kernel-install-failure'
  | 'local-socket-error';

export type Phase = 'ike' | 'child' | 'datapath' | 'path' | 'config';
export type FindingSide = 'left' | 'right' | 'both' | 'unknown';

export interface Evidence {
  /** File name, 'left'/'right' for streams, or e.g. 'left-settings' for settings. */
  source: string;
  /** 1-based line number in that source (0 when the source has no lines, e.g. typed settings). */
  line: number;
  text: string;
}

export interface Finding {
  cause: CauseId;
  phase: Phase;
  /** 0..1: how sure the evidence makes this cause. */
  confidence: number;
  /** The side whose configuration or network is at fault (or where the symptom is, for paths). */
  side: FindingSide;
  summary: string;
  evidence: Evidence[];
  /** What to change, in strongSwan terms. */
  fix: string[];
  vendor: { asa?: string; paloAlto?: string };
  /** Causes the evidence cannot rule out. */
  alternatives?: CauseId[];
  /** The one check that tells this cause from the alternatives. */
  decidingCheck?: string;
  /**
   * Deciding checks the lab ran itself (live lab only: offline, `decidingCheck` stays a suggestion):
   * what was run where, and what it showed.
   */
  checked?: LabCheck[];
}

/** One deciding check the lab ran, e.g. ran "`ip route get 203.0.113.10` in the router", saw "blackhole". */
export interface LabCheck {
  ran: string;
  saw: string;
}

/** A change the lab itself is making (a fault applied or fixed, a restart, a re-negotiation). */
export interface Transition {
  /** In words: "applying psk-mismatch", "fixing esp-blocked", "applying the edited settings". */
  change: string;
  /** When it began (ms since epoch). */
  since: number;
}

/** Causes that are not faults: their findings never count as an alarm. */
export const NOT_A_FAULT: ReadonlySet<CauseId> = new Set<CauseId>(['healthy']);
/** Harmless observations (e.g. a DH group retry that succeeded): listed, never the verdict. */
export const ADVISORY: ReadonlySet<CauseId> = new Set<CauseId>(['dh-group-retry', 'lifetime-mismatch']);

export interface DiagnosisStats {
  lines: number;
  unparsed: number;
}

/** What was read of one input (a file, a pasted text, a stream), and what was not. */
export interface InputReport {
  source: string;
  side: FindingSide;
  /** Lines read, blank ones included. */
  lines: number;
  /** Lines that were neither blank, markup, nor read as anything the diagnosis knows. */
  unrecognised: number;
  /** What the read lines were, with their counts (e.g. 'strongswan-log', 'asa-syslog', 'swanctl-list-sas'). */
  read: Record<string, number>;
  /** When lines were not read: what the input looks like instead, in a few words. */
  looksLike?: string;
  /** The first line not read, to show the user. */
  firstUnrecognised?: Evidence;
}

export interface DiagnosisResult {
  /** 're-negotiating': a change the lab makes has not settled yet (see `transition`); nothing is judged meanwhile. */
  verdict: CauseId | 'unknown' | 're-negotiating';
  findings: Finding[];
  stats: DiagnosisStats;
  /** Per input: what was read and what was not (absent for a live lab). */
  inputs?: InputReport[];
  /** Notes about the input (skipped inputs, missing sides) for the human output. */
  notes: string[];
  /** Live lab only: the change in progress while the verdict is 're-negotiating'. */
  transition?: Transition;
}

/** Ranks findings: confidence first, then the more specific phase, then the cause name for stability. */
export function rankFindings(findings: Finding[]): Finding[] {
  const phaseOrder: Record<Phase, number> = { config: 0, ike: 1, child: 2, path: 3, datapath: 4 };
  return [...findings].sort(
    (a, b) =>
      b.confidence - a.confidence || phaseOrder[a.phase] - phaseOrder[b.phase] || a.cause.localeCompare(b.cause),
  );
}
