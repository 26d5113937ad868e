import type { Release, Side } from '../settings/types.js';
import type { LabSettings } from '../settings/types.js';
import type { ValidationEngine } from './engines.js';

export type CheckId = 'establish' | 'traffic' | 'rekey' | 'peer-restart' | 'loss' | 'latency' | 'nat' | 'interop';
export const CHECK_IDS: readonly CheckId[] = [
  'establish',
  'traffic',
  'rekey',
  'peer-restart',
  'loss',
  'latency',
  'nat',
  'interop',
];

export const CHECK_TITLES: Record<CheckId, string> = {
  establish: 'Tunnel establishes (IKE_SA ESTABLISHED, CHILD_SA INSTALLED on both gateways)',
  traffic: 'Traffic passes both ways (pings, counters move on both gateways)',
  rekey: 'CHILD_SA and IKE_SA rekeys succeed with traffic continuing',
  'peer-restart': 'Recovers after the peer gateway restarts (DPD)',
  loss: 'Survives packet loss on the internet link',
  latency: 'Survives latency on the internet link',
  nat: 'Works with the left gateway behind NAT (NAT-T)',
  interop: 'Interoperates across strongSwan releases (6.0 on trixie / 5.9 on bookworm)',
};

export type CheckStatus = 'pass' | 'fail' | 'skipped';

/** A log line cited from the lab's records: which gateway, its line number in that log. */
export interface LogExcerpt {
  side: Side;
  /** Lab name the line comes from (the interop check has a second lab). */
  lab: string;
  seq: number;
  time: string;
  text: string;
}

/** One gateway's CHILD/IKE SA at one moment, as evidence. */
export interface CounterSnapshot {
  side: Side;
  lab: string;
  time: number;
  ike: string;
  child: string;
  ikeSpis?: string;
  spiIn?: string;
  spiOut?: string;
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
  natLocal?: boolean;
  natRemote?: boolean;
  encap?: boolean;
}

/** Cumulative packets over every CHILD_SA seen (so a rekey does not reset the line). */
export interface CounterPoint {
  t: number;
  side: Side;
  packetsIn: number;
  packetsOut: number;
}

export interface NamedCause {
  cause: string;
  summary: string;
  fix: string[];
  /** Where the diagnosis found it: the live feed of the lab, or a diagnosis of the check's log lines. */
  source: 'live' | 'logs';
  evidence: { source: string; line: number; text: string }[];
}

/** A line of the imported device configuration behind a failed check (from the import's provenance). */
export interface ConfigCitation {
  side: Side;
  /** The settings field the line set, e.g. "left.gateway.espProposals". */
  field: string;
  line: number;
  /** The line as the device has it (pre-shared keys masked by the importer). */
  text: string;
  /** What the line makes the gateway do, and what its peer has. */
  note: string;
}

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  durationMs: number;
  /** Failure message or skip reason. */
  reason?: string;
  /** Facts measured (times, loss, SPIs) in a sentence each. */
  facts: string[];
  logs: LogExcerpt[];
  counters: { before: CounterSnapshot[]; after: CounterSnapshot[] };
  series: CounterPoint[];
  /** On failure: the cause the diagnosis names. */
  cause?: NamedCause;
  /** On failure of an imported template: the device's own lines that cause it. */
  config?: ConfigCitation[];
}

export interface TemplateResult {
  template: string;
  format?: string;
  lab: string;
  /** The settings under test, pre-shared keys masked. */
  settings?: LabSettings;
  importNotes: string[];
  /** Cryptography below the vendors' current recommendation: advice, it never fails a template. */
  advice?: string[];
  checks: CheckResult[];
  durationMs: number;
  /** Loading the template failed: nothing ran. */
  error?: string;
  ok: boolean;
  /** The engine it ran on, as named by --engine (absent: the one engine of DOCKER_HOST / the context). */
  engine?: string;
  /** When its validation started (ISO time). */
  startedAt?: string;
}

export interface ValidateOptions {
  concurrency?: number;
  /** Release of the peer gateway in the interop check (default: the other release than gw-left's). */
  peerRelease?: Release;
  /** Skip what needs a second lab (interop). */
  quick?: boolean;
  /** Run only these checks (the others are skipped, saying so). */
  only?: CheckId[];
  /** Lab name prefix (names get a random part and the template's index). */
  labPrefix?: string;
  /** Engines to spread the templates over, each with its own concurrency (default: the one engine). */
  engines?: ValidationEngine[];
  /** Labs one template may use at a time for its independent checks (default: what its engine has room for). */
  checkLabs?: number;
  /** Progress lines (one per check) as they finish. */
  onProgress?: (line: string) => void;
  /** Timers of the checks (seconds); shorter for tests. */
  timers?: Partial<ValidateTimers>;
}

export interface ValidateTimers {
  childRekey: number;
  ikeRekey: number;
  dpdDelay: number;
  recoveryBound: number;
  lossPercent: number;
  /** One-way latency added each direction for the latency check (ms). */
  delayMs: number;
}

export const DEFAULT_TIMERS: ValidateTimers = {
  childRekey: 10,
  ikeRekey: 20,
  dpdDelay: 2,
  recoveryBound: 45,
  lossPercent: 10,
  delayMs: 50,
};

export interface ValidateReport {
  tool: 'ipsec-lab validate';
  startedAt: string;
  durationMs: number;
  options: {
    concurrency: number;
    quick: boolean;
    peerRelease?: Release;
    only?: CheckId[];
    /** With --engine: each engine and its labs at a time (concurrency is then their sum). */
    engines?: { name: string; host: string; concurrency: number }[];
  };
  templates: TemplateResult[];
  totals: { pass: number; fail: number; skipped: number };
  /** Every non-skipped check passed. */
  ok: boolean;
}
