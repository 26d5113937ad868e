/**
 * The one contract between the lab engine and the UI, whichever host carries it (Electron IPC or
 * the headless host's WebSocket). Types only: the renderer imports it with `import type`, so it
 * must not pull in Node or Electron. Data that crosses is described here in its own `*Info`
 * shapes where the engine's own types live in Node-only modules; a type test pins that the
 * engine's values fit them (test/api/contract.spec.ts).
 */
import type { CauseId, DiagnosisResult, Evidence, Finding, InputReport } from '../diagnosis/findings.js';
import type { Direction, Impairment } from '../faults/impairment.js';
import type { ImportFormat, ImportWarning, Placeholder, TunnelSummary, UnsupportedLine } from '../importers/types.js';
import type { SettingsPair } from '../settings/compare.js';
import type { LabSettings, Release, Side } from '../settings/types.js';
import type { SettingsIssue } from '../settings/validate.js';
import type { LogRecord } from '../streams/log-record.js';

export type {
  CauseId,
  DiagnosisResult,
  Direction,
  Evidence,
  Finding,
  Impairment,
  InputReport,
  LabSettings,
  LogRecord,
  Release,
  SettingsIssue,
  SettingsPair,
  Side,
};

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

// ---------------------------------------------------------------- request/response

/** Every request the UI can make: arguments and result. The channel map of both hosts. */
export interface ApiMethods {
  /** Current state for a fresh window (logs, SAs, counters, findings). */
  snapshot: { args: []; result: AppSnapshot };
  /** Starts the lab (defaults when no settings are given) and waits for the tunnel. */
  labUp: { args: [settings?: LabSettings]; result: UpResultInfo };
  labDown: { args: []; result: { containers: number; networks: number } };
  labStatus: { args: []; result: LabStatusInfo };
  getSettings: { args: []; result: SettingsInfo };
  /** Field-level problems of a settings document; empty when it can run. */
  validateSettings: { args: [settings: unknown]; result: SettingsIssue[] };
  traffic: { args: [opts?: TrafficOptions]; result: PingResultInfo };
  doctor: { args: []; result: CheckInfo[] };
  faultsList: { args: []; result: FaultCatalogueInfo };
  faultApply: { args: [ids: string[]]; result: { applied: string[]; notes: string[] } };
  /** Reverts the named faults, or every fault and impairment when none is named. */
  faultRevert: { args: [ids?: string[]]; result: { reverted: string[] } };
  /** Link impairment per direction; `replace` drops the direction's earlier impairments. */
  impair: { args: [changes: ImpairChanges, opts?: { replace?: boolean }]; result: Record<Direction, Impairment> };
  /** Applies edited settings to the running lab live (dry-run first). */
  applySettings: { args: [settings: LabSettings]; result: { changed: Side[] } };
  /** Keeps settings for this lab name, so they survive a stop and a restart of the app. */
  settingsSave: { args: [settings: LabSettings]; result: SavedSettingsInfo };
  /** Every pair of settings both gateways must agree on (the running lab's, or the given ones). */
  settingsDiff: { args: [settings?: LabSettings]; result: SettingsPair[] };
  diagnosis: { args: []; result: DiagnosisResult };
  /** The guided demonstration scenarios (lab/scenarios). */
  scenariosList: { args: []; result: ScenarioInfo[] };
  /** Starts recording the traffic between the gateways (tcpdump in the router). */
  captureStart: { args: []; result: { startedAt: number } };
  /** Stops the recording: the IKE exchanges and ESP flows it holds, and the pcap file itself. */
  captureStop: { args: []; result: CaptureInfo };
  /** A page of one gateway's whole log, including lines spilled to disk (position 0 = the oldest kept). */
  logsPage: {
    args: [side: Side, from: number, limit: number];
    result: { total: number; spilled: number; from: number; records: LogRecord[] };
  };
  /** Validates settings as a template on a lab of its own (the `validate` CLI's checks). */
  validateRun: { args: [settings?: LabSettings, opts?: { quick?: boolean }]; result: ValidateRunInfo };
  /** Runs one step of a scenario on the lab (step 0 starts a new run); a presenter steps, a test loops. */
  scenarioStep: { args: [id: string, index: number]; result: ScenarioStepInfo };

  // Customer material (lab/api/customer.ts): a customer's logs, listings and configs brought into
  // the app. Texts cross in chunks (a dropped 100 MB log never travels as one message) and stay on
  // the host; the UI asks for the lines it shows.
  /** Starts receiving a text (`size`: its bytes, when known, for the limit check up front). */
  customerOpen: { args: [meta: { name: string; size?: number }]; result: UploadInfo };
  /** The next piece of the text, in order (`seq` from 0), at most 524,288 characters. */
  customerAppend: { args: [id: string, seq: number, chunk: string]; result: UploadInfo };
  /** No more pieces: the text can be diagnosed, imported and shown. */
  customerFinish: { args: [id: string]; result: UploadInfo };
  /** Forgets a text (its copy on the host is removed). */
  customerDiscard: { args: [id: string]; result: { discarded: boolean } };
  /** Lines `from` (1-based, as evidence cites them) onwards, at most `count` (500). */
  customerLines: { args: [id: string, from: number, count: number]; result: CustomerLinesInfo };
  /** Diagnoses finished texts (logs, SA listings, ASA/Palo Alto outputs) as `ipsec-lab diagnose` does. */
  customerDiagnose: { args: [inputs: CustomerInputInfo[]]; result: CustomerDiagnosisInfo };
  /** `diagnose --reproduce`: the catalogue fault with that cause, applied to this lab, until the lab's own diagnosis agrees. */
  customerReproduce: { args: [cause: string, opts?: { settings?: LabSettings }]; result: ReproductionInfo };
  /** Imports one config (the other side mirrors it) or two (one per end) into lab settings. */
  customerImport: { args: [request: CustomerImportRequest]; result: CustomerImportInfo };
  /** One gateway's config from settings, as a device would take it (pre-shared key masked unless revealed). */
  customerExport: {
    args: [settings: LabSettings, side: Side, format: ExportFormatInfo, opts?: { revealSecrets?: boolean }];
    result: { text: string; side: Side; format: ExportFormatInfo; fileName: string };
  };
}

// ---------------------------------------------------------------- customer material

/** A text being received or received (lab/api/customer-uploads.ts). */
export interface UploadInfo {
  id: string;
  name: string;
  /** UTF-8 bytes received. */
  bytes: number;
  /** Lines received (a last line without a newline counts), numbered as the diagnosis numbers them. */
  lines: number;
  /** All pieces received (customerFinish). */
  done: boolean;
}

/** The gateway a customer's text comes from; `unknown` when nobody can tell. */
export type CustomerSide = 'left' | 'right' | 'unknown';

export interface CustomerInputInfo {
  upload: string;
  side: CustomerSide;
}

export interface CustomerLinesInfo {
  /** Lines in the whole text. */
  total: number;
  from: number;
  /** Each line as written; a line longer than 4,000 characters is cut and ends in "…". */
  lines: string[];
}

/** A diagnosis of customer texts: what `ipsec-lab diagnose` prints, and where its evidence lives. */
export interface CustomerDiagnosisInfo extends DiagnosisResult {
  /** Every source findings cite: the text it names (evidence `source` + `line` -> customerLines). */
  sources: { source: string; upload: string; side: CustomerSide; lines: number }[];
  /** The catalogue fault "Reproduce in the lab" would apply (default settings), or why nothing can. */
  reproduce: { fault: string; title: string } | { unavailable: string };
  durationMs: number;
}

/** lab/reproduce/reproduce.ts Reproduction: the customer's cause, shown on the lab. */
export interface ReproductionInfo {
  cause: string;
  fault: string;
  faultTitle: string;
  /** Other catalogue faults with the same cause. */
  alternatives: string[];
  labVerdict: string;
  /** The lab's own diagnosis reached the customer's cause. */
  matched: boolean;
  notes: string[];
  fixCommand: string;
  lab: string;
  durationMs: number;
}

export interface CustomerImportRequest {
  /** One config: that gateway, the other one its mirror image. Two (left and right): each end its own. */
  configs: { upload: string; side: Side; tunnel?: string }[];
}

/** One imported config: what became of its lines (lab/importers ImportResult, keys masked). */
export interface ImportedEndInfo {
  side: Side;
  upload: string;
  name: string;
  format: ImportFormat;
  /** The tunnel imported (crypto map entry, PAN-OS tunnel, connection). */
  entry: string;
  lines: number;
  unsupported: UnsupportedLine[];
  warnings: ImportWarning[];
  placeholders: Placeholder[];
  tunnels: TunnelSummary[];
  routeBased: boolean;
  peerAddress?: string;
  localAddress?: string;
}

export interface CustomerImportInfo {
  settings: LabSettings;
  ends: ImportedEndInfo[];
  /** With one config: the side made as its mirror image. */
  mirrored?: Side;
  /** Every pair both gateways must agree on, with the config lines behind them. */
  pairs: SettingsPair[];
}

export type ExportFormatInfo = 'swanctl' | 'asa' | 'paloalto';

/** Progress of a long customer task: bytes read while diagnosing, steps while reproducing. */
export interface CustomerProgressInfo {
  task: 'diagnose' | 'reproduce';
  done?: number;
  total?: number;
  line?: string;
}

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

export type ApiMethod = keyof ApiMethods;
export type ApiArgs<M extends ApiMethod> = ApiMethods[M]['args'];
export type ApiResult<M extends ApiMethod> = ApiMethods[M]['result'];

/** The contract as a service: what the renderer calls, what each host implements. */
export type LabApi = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<M>> };

// ---------------------------------------------------------------- main-to-UI events

export interface ApiEvents {
  /** Log records of both gateways, batched (every ~50 ms). */
  logs: LogRecord[];
  sas: SaSnapshotInfo;
  lab: LabEventInfo;
  health: HealthEventInfo;
  findings: DiagnosisResult;
  engine: EngineAvailability;
  /** The watched lab changed: started, removed, faults or settings changed. UIs refetch. */
  changed: { what: 'up' | 'down' | 'faults' | 'settings' | 'impairments' };
  /** A validation run's progress, one line per finished check. */
  validate: { line: string };
  /** A customer diagnosis or reproduction under way. */
  customer: CustomerProgressInfo;
}

export type ApiEvent = keyof ApiEvents;
export type ApiEventMessage = { [E in ApiEvent]: { event: E; payload: ApiEvents[E] } }[ApiEvent];

/** Subscribes to one event; returns the unsubscribe (fits React's useEffect cleanup). */
export type ApiSubscribe = <E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void) => () => void;

// ---------------------------------------------------------------- errors

/** Stable error codes the UI switches on: the engine's LabErrorCode and the API's own. */
export type ApiErrorCode =
  // lab/docker/errors.ts LabErrorCode (pinned by the contract test)
  | 'docker-unavailable'
  | 'image-build-failed'
  | 'invalid-settings'
  | 'lab-exists'
  | 'lab-not-found'
  | 'lab-start-failed'
  | 'tunnel-timeout'
  | 'gateway-unreachable'
  | 'unsupported'
  // the fault layer (lab/faults)
  | 'unknown-fault'
  | 'fault-unavailable'
  | 'fault-active'
  | 'fault-not-active'
  | 'invalid-impairment'
  // the engine's other errors (lab/api/errors.ts maps each class)
  /** A configuration to import cannot be read (ImportError). */
  | 'invalid-config'
  /** The export format cannot express a setting (ExportError). */
  | 'cannot-export'
  /** A scenario definition is wrong (ScenarioError). */
  | 'invalid-scenario'
  /** No scenario by that id. */
  | 'unknown-scenario'
  /** Reproducing a diagnosis on the lab failed (ReproduceError). */
  | 'reproduce-failed'
  /** charon refused a VICI command (ViciCommandError). */
  | 'gateway-refused'
  /** A capture file cannot be read (PcapError). */
  | 'invalid-capture'
  /** Asked to stop or continue something that is not running (a capture, a scenario). */
  | 'not-running'
  // the API itself
  | 'invalid-request'
  /** The caller is not IPsec Lab's own page (a foreign frame or origin): refused, whatever it asked. */
  | 'forbidden'
  /** Something of this kind already runs (a capture): stop it first. */
  | 'busy'
  | 'internal';

export interface ApiErrorInfo {
  code: ApiErrorCode;
  message: string;
  hint?: string;
  /** For invalid-settings: every field at fault. */
  issues?: SettingsIssue[];
}

/** Every response crosses in this envelope; hosts never throw across the boundary. */
export type ApiResponse<T> = { ok: true; result: T } | { ok: false; error: ApiErrorInfo };

// ---------------------------------------------------------------- hosts

/** What every host (Electron IPC, the headless WebSocket) needs of the service; LabService implements it. */
export interface ApiHost {
  /** One request in, one envelope out: never throws. */
  call(method: ApiMethod, args: unknown[]): Promise<ApiResponse<unknown>>;
  /** Every event for one listener; returns the unsubscribe. */
  onEvent(listener: (message: ApiEventMessage) => void): () => void;
}

// ---------------------------------------------------------------- wire messages

/** The WebSocket host's messages (the Electron host uses one IPC channel per method instead). */
export interface WireRequest<M extends ApiMethod = ApiMethod> {
  id: number;
  method: M;
  args: ApiArgs<M>;
}
export interface WireResponse {
  id: number;
  response: ApiResponse<unknown>;
}
export type WireServerMessage = WireResponse | ApiEventMessage;

/** What the preload exposes on `window.ipsecLab`: the contract and nothing else. */
export interface PreloadApi {
  invoke<M extends ApiMethod>(method: M, ...args: ApiArgs<M>): Promise<ApiResult<M>>;
  on: ApiSubscribe;
}
