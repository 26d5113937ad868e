/** Customer material over the contract (contract.ts re-exports it): uploads, diagnosis, import/export. Types only. */
import type { DiagnosisResult } from '../diagnosis/findings.js';
import type { ImportFormat, ImportWarning, Placeholder, TunnelSummary, UnsupportedLine } from '../importers/types.js';
import type { SettingsPair } from '../settings/compare.js';
import type { LabSettings, Side } from '../settings/types.js';

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
