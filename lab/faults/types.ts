import type { KernelFeatures } from '../probe/kernel-features.js';
import type { LabSettings } from '../settings/types.js';
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
  /** What the user should see, in strongSwan's and the counters' terms. */
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
