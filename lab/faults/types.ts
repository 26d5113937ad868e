import type { KernelFeatures } from '../probe/kernel-features.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { Role } from '../topology/plan.js';

/** The seeds' four failure families, plus conditions that are not failures by themselves (NAT). */
export type FaultFamily = 'phase1' | 'phase2' | 'no-traffic' | 'flapping' | 'condition';
export type FaultPhase = 'ike' | 'child' | 'datapath' | 'path' | 'established' | 'rekey';

/** A shell change made in one box, with the commands that undo it exactly. */
export interface BoxAction {
  role: Role;
  apply: string;
  revert: string;
}

/** What Docker does to a box: the peer failures. */
export interface DockerAction {
  role: Role;
  /** kill-restart: SIGKILL then start, a crash that loses every SA without telling the peer. */
  action: 'pause' | 'stop' | 'kill-restart';
}

export interface FaultContext {
  settings: LabSettings;
  features: KernelFeatures;
}

/**
 * One named, reversible fault. Settings faults change the settings (applied live over VICI);
 * path faults run commands in boxes (router firewall, routes, LAN hosts); peer faults act on
 * a gateway's container. A fault may combine them (e.g. short timers so its symptom shows fast).
 */
export interface FaultDefinition {
  id: string;
  /** The cause id of shared/ipsec-faults.md this fault produces (what a diagnosis should name). */
  cause: string;
  title: string;
  family: FaultFamily;
  phase: FaultPhase;
  /** What it changes, in a network engineer's words. */
  change: string;
  /** How `fix` undoes it. */
  revert: string;
  /**
   * What the lab shows once the fault is applied, row by row in the order it shows: the data the
   * fault tests check on a live lab and the symptom text is made of.
   */
  evidence: EvidenceRow[];
  /** What the user should see, one line per evidence row (made from `evidence`, never written by hand). */
  symptoms: string[];
  ikeVersions: (1 | 2)[];
  /** Why it cannot be produced here (kernel, settings), or undefined when it can. */
  unavailable?: (ctx: FaultContext) => string | undefined;
  settings?: (s: LabSettings) => void;
  boxes?: (ctx: FaultContext) => BoxAction[];
  docker?: DockerAction;
  /**
   * Path changes touch no running SA; these faults break phase 1, so the negotiation starts
   * afresh right away and the symptom shows at once instead of at the next rekey.
   */
  renegotiate?: boolean;
  /** Said when the symptom needs a later event (a rekey, several DPD intervals). */
  note?: string;
}

/** Causes of the reference that a two-gateway strongSwan lab cannot produce, and why. */
export interface ImpossibleCause {
  cause: string;
  why: string;
}

/** Which IKE version an evidence row holds for. */
export type IkeScope = 1 | 2 | 'any';

interface RowBase {
  ike: IkeScope;
  /** What the row means, in a network engineer's words (vendor equivalents included where they help). */
  what: string;
  /** How long it may take to show, when longer than usual (a give-up after retransmits, a NAT probe). */
  withinS?: number;
}

/**
 * A line in one gateway's charon log since the fault was applied, like strongSwan's own
 * `testing/` scenarios (`host::cat /var/log/daemon.log::regex::YES|NO`). A string pattern is a
 * literal part of the line; a RegExp may use only `\d`, `.*`, `X?`, escapes and `|` alternatives,
 * so that it reads as text in the symptoms.
 */
export interface LogEvidence extends RowBase {
  side: Side;
  pattern: RegExp | string;
  /** No such line may appear (evaltest's NO), checked once the other rows have shown. */
  absent?: true;
}

/** The state of one gateway's IKE_SA or CHILD_SA (`swanctl --list-sas`). */
export interface SaEvidence extends RowBase {
  side: Side;
  sa: 'ike' | 'child';
  state: 'ESTABLISHED' | 'INSTALLED' | 'NONE';
  /** Any state but this one. */
  not?: true;
}

/**
 * Both gateways at once. up: IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both; not-up: anything
 * else; no-ike: neither holds an ESTABLISHED IKE_SA; none: neither holds any IKE_SA at all.
 */
export interface TunnelEvidence extends RowBase {
  tunnel: 'up' | 'not-up' | 'no-ike' | 'none';
}

/** The traffic selectors of one gateway's installed CHILD_SA. */
export interface SelectorEvidence extends RowBase {
  side: Side;
  ts: 'local' | 'remote';
  equals: string[];
}

/** The address one gateway's ESTABLISHED IKE_SA sees its peer at. */
export interface PeerEvidence extends RowBase {
  side: Side;
  peerAt: string;
}

/** Pings from one LAN host to the other; the counter rows after it are read around them. */
export interface PingEvidence extends RowBase {
  /** The LAN that sends. */
  side: Side;
  pings: number;
  intervalMs?: number;
  replies: 'all' | 'none' | { lossPercent: [min: number, max: number] };
}

/**
 * One gateway's CHILD_SA packet counter over the pings before it (out: encrypted, an ASA's
 * #pkts encaps; in: decrypted, #pkts decaps). per-ping: it grows by exactly the number of pings;
 * flat: it does not move; zero: it reads 0 (nothing ever went through that CHILD_SA).
 */
export interface CounterEvidence extends RowBase {
  side: Side;
  counter: 'in' | 'out';
  change: 'per-ping' | 'flat' | 'zero';
}

/**
 * What the live diagnosis (never told the fault) answers at this point. Without such a row it
 * must name the fault's cause once the other rows have shown; a row is needed where the evidence
 * cannot tell two causes apart, where a condition is no fault, or where the verdict comes before
 * later evidence.
 */
export interface VerdictEvidence extends RowBase {
  verdict: string[];
}

export type EvidenceRow =
  | LogEvidence
  | SaEvidence
  | TunnelEvidence
  | SelectorEvidence
  | PeerEvidence
  | PingEvidence
  | CounterEvidence
  | VerdictEvidence;
