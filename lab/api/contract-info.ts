/** The data that crosses the contract (contract.ts re-exports it): `*Info` shapes, types only. */
import type { DiagnosisResult } from '../diagnosis/findings.js';
import type { Direction, Impairment } from '../faults/impairment.js';
import type { LabSettings, Release, Side } from '../settings/types.js';
import type { LogRecord } from '../streams/log-record.js';

// ---------------------------------------------------------------- data that crosses

/** A CHILD_SA as charon lists it (lab/vici/sas.ts ChildSaInfo). */
export interface ChildSaInfo {
  name: string;
  uniqueId: number;
  reqid?: number;
  state: string;
  mode?: string;
  protocol?: string;
  encap: boolean;
  spiIn?: string;
  spiOut?: string;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  integKeysize?: number;
  dhGroup?: string;
  bytesIn?: number;
  packetsIn?: number;
  useIn?: number;
  bytesOut?: number;
  packetsOut?: number;
  useOut?: number;
  rekeyTime?: number;
  lifeTime?: number;
  installTime?: number;
  localTs: string[];
  remoteTs: string[];
}

/** An IKE_SA as charon lists it (lab/vici/sas.ts IkeSaInfo). */
export interface IkeSaInfo {
  name: string;
  uniqueId: number;
  version?: number;
  state: string;
  localHost?: string;
  localPort?: number;
  localId?: string;
  remoteHost?: string;
  remotePort?: number;
  remoteId?: string;
  initiator: boolean;
  spiI?: string;
  spiR?: string;
  natLocal: boolean;
  natRemote: boolean;
  natFake: boolean;
  natAny: boolean;
  encrAlg?: string;
  encrKeysize?: number;
  integAlg?: string;
  integKeysize?: number;
  prfAlg?: string;
  dhGroup?: string;
  established?: number;
  rekeyTime?: number;
  reauthTime?: number;
  children: ChildSaInfo[];
}

/** One gateway's SAs at one moment (lab/engine/types.ts SaSnapshot). */
export interface SaSnapshotInfo {
  side: Side;
  /** ms since epoch. */
  time: number;
  ikeSas: IkeSaInfo[];
  /** The lab connection's best IKE/CHILD state (computed by the engine, lab/engine/tunnel-state.ts). */
  tunnel: TunnelStateInfo;
  /** All CHILD_SAs' counters added up: one point of the traffic chart. */
  counters: CounterPointInfo;
  /** Set when the gateway could not be asked (charon down, box stopped). */
  error?: string;
}

export interface TunnelStateInfo {
  ike: string;
  child: string;
}

export interface BoxInfo {
  role: string;
  container: string;
  state: string;
}

export interface LabStatusInfo {
  name: string;
  exists: boolean;
  mode?: 'detached' | 'attached';
  datapath?: string;
  boxes: BoxInfo[];
  sas: Partial<Record<Side, SaSnapshotInfo>>;
  tunnel: Record<Side, TunnelStateInfo>;
  /** IKE_SA ESTABLISHED and CHILD_SA INSTALLED on both gateways. */
  up: boolean;
}

export interface UpResultInfo {
  status: LabStatusInfo;
  datapath: string;
  removedLeftovers: string[];
  ms: { images: number; create: number; negotiate: number; total: number };
  reason?: string;
}

export type LifecycleStepInfo = 'leftovers' | 'probe' | 'image' | 'create' | 'configure' | 'negotiate' | 'up' | 'down';

/** Image build progress (lab/image/image.ts ImageProgress). */
export type ImageProgressInfo =
  | {
      kind: 'base';
      release: Release;
      image: string;
      action: 'found' | 'pulling' | 'pulled' | 'pull-failed' | 'bootstrapping' | 'bootstrapped';
      detail?: string;
    }
  | { kind: 'build'; release: Release; step: number; totalSteps: number; percent: number; line: string }
  | { kind: 'ready'; release: Release; tag: string; built: boolean };

/** Lifecycle of the lab (lab/engine/types.ts LabEvent). */
export type LabEventInfo =
  | { type: 'step'; step: LifecycleStepInfo; message: string }
  | { type: 'image'; progress: ImageProgressInfo }
  | { type: 'tunnel'; up: boolean; message: string };

/** Docker engine and box health while the lab is watched (lab/engine/health-monitor.ts). */
export type HealthEventInfo =
  | { type: 'engine'; available: boolean; message: string }
  | { type: 'box'; role: string; action: string; message: string }
  | { type: 'lost'; boxes: string[]; message: string };

export interface EngineAvailability {
  available: boolean;
  message: string;
}

/** One doctor check (lab/doctor/checks.ts Check). */
export interface CheckInfo {
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

export type FaultFamilyInfo = 'phase1' | 'phase2' | 'no-traffic' | 'flapping' | 'condition';

/** One catalogue fault as the UI sees it: what it does, whether it can apply here, whether it is on. */
export interface FaultInfo {
  id: string;
  cause: string;
  title: string;
  family: FaultFamilyInfo;
  phase: string;
  change: string;
  revert: string;
  symptoms: string[];
  ikeVersions: (1 | 2)[];
  note?: string;
  /** Why it cannot be applied to this lab now; undefined when it can. */
  unavailable?: string;
  active: boolean;
}

export interface FaultCatalogueInfo {
  faults: FaultInfo[];
  /** Causes a strongSwan lab cannot produce, and why. */
  impossible: { cause: string; why: string }[];
  impairments: Record<Direction, Impairment>;
  /** Impairments this engine's kernel cannot do, with the reason (e.g. delayMs: needs sch_netem): disabled up front. */
  impairmentsUnavailable: Partial<Record<keyof Impairment, string>>;
}

export interface PingResultInfo {
  from: string;
  to: string;
  transmitted: number;
  received: number;
  lossPercent: number;
  rttAvgMs?: number;
  replies: number[];
}

export interface TrafficOptions {
  from?: Side;
  count?: number;
  intervalMs?: number;
  size?: number;
}

/**
 * Where the settings shown come from: the running lab; with no lab running, the user's settings
 * saved for this lab name (lab/settings/persist.ts); else the defaults.
 */
export interface SettingsInfo {
  settings: LabSettings;
  source: 'lab' | 'saved' | 'defaults';
  /** The settings saved for this lab name, when they differ from the running lab's (edits it does not use). */
  saved?: SavedSettingsInfo;
  /** Why the saved settings could not be read (the defaults are shown instead). */
  savedError?: string;
}

/** Settings kept for a lab name between runs of the app, owner-only. */
export interface SavedSettingsInfo {
  settings: LabSettings;
  /** ms since epoch. */
  savedAt: number;
  file: string;
}

export interface CounterPointInfo {
  time: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
}

/** Everything a freshly opened UI needs to draw the present state at once. */
export interface AppSnapshot {
  labName: string;
  engine: EngineAvailability;
  /** True while the host streams this lab's logs and SAs. */
  watching: boolean;
  /** Newest log lines of each gateway (bounded). */
  logs: Record<Side, LogRecord[]>;
  sas: Partial<Record<Side, SaSnapshotInfo>>;
  counters: Record<Side, CounterPointInfo[]>;
  diagnosis?: DiagnosisResult;
}

export type ImpairChanges = Partial<
  Record<Direction, Impairment & { [key: string]: number | boolean | null | undefined }>
>;

/** lab/capture: a finished capture, per exchange as the ladder shows it. */
export interface CaptureInfo {
  startedAt: number;
  stoppedAt: number;
  packets: number;
  ike: number;
  esp: number;
  exchanges: {
    time: number;
    exchange: string;
    messageId: number;
    from: string;
    to: string;
    answered: boolean;
    retransmits: number;
    natT: boolean;
  }[];
  esps: { spi: string; src: string; dst: string; packets: number; udpEncap: boolean }[];
  /** tcpdump's own counts (captured, dropped by the kernel). */
  tcpdump: string;
  /** The classic pcap file, base64, for Wireshark. */
  pcapBase64: string;
}

/** lab/validate: one template's checks, and the HTML report of the run. */
export interface ValidateRunInfo {
  ok: boolean;
  lab: string;
  durationMs: number;
  totals: { pass: number; fail: number; skipped: number };
  checks: {
    id: string;
    title: string;
    status: 'pass' | 'fail' | 'skipped';
    reason?: string;
    facts: string[];
    durationMs: number;
    cause?: { cause: string; summary: string };
  }[];
  error?: string;
  /** The same HTML report as `validate --report`, pre-shared keys masked. */
  reportHtml: string;
}

export interface ScenarioInfo {
  id: string;
  title: string;
  family: 'phase1' | 'phase2' | 'no-traffic' | 'flapping';
  summary: string;
  /** `checks`: what the step verifies on the lab, in words (shown before it runs). */
  steps: {
    title: string;
    narration: string[];
    checks: string[];
    action?: { kind: string; fault?: string };
    timeoutS: number;
  }[];
}

/** lab/scenarios/runner.ts StepReport. */
export interface ScenarioStepInfo {
  index: number;
  title: string;
  ok: boolean;
  seen: string[];
  error?: string;
  ms: number;
}
