/**
 * The one contract between the lab engine and the UI, whichever host carries it (Electron IPC or
 * the headless host's WebSocket). Types only: the renderer imports it with `import type`, so it
 * must not pull in Node or Electron. Data that crosses is described here in its own `*Info`
 * shapes where the engine's own types live in Node-only modules; a type test pins that the
 * engine's values fit them (test/api/contract.spec.ts).
 */
import type { CauseId, DiagnosisResult, Evidence, Finding, InputReport } from '../diagnosis/findings.js';
import type { Direction, Impairment } from '../faults/impairment.js';
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

export type * from './contract-customer.js';
export type * from './contract-info.js';
import type {
  CustomerDiagnosisInfo,
  CustomerImportInfo,
  CustomerImportRequest,
  CustomerInputInfo,
  CustomerLinesInfo,
  CustomerProgressInfo,
  ExportFormatInfo,
  ReproductionInfo,
  UploadInfo,
} from './contract-customer.js';
import type {
  AppSnapshot,
  CaptureInfo,
  CheckInfo,
  EngineAvailability,
  FaultCatalogueInfo,
  HealthEventInfo,
  ImpairChanges,
  LabEventInfo,
  LabStatusInfo,
  PingResultInfo,
  SaSnapshotInfo,
  SavedSettingsInfo,
  ScenarioInfo,
  ScenarioStepInfo,
  SettingsInfo,
  TrafficOptions,
  UpResultInfo,
  ValidateRunInfo,
} from './contract-info.js';

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
  /** The Docker engine answered a request with an error (DockerApiError: a conflict, its own failure). */
  | 'engine-refused'
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
