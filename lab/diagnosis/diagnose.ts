/**
 * Entry point: logs of one or both sides (any size, line by line), SA listings and settings in,
 * ranked findings out. No I/O here: callers pass streams or iterables (the CLI opens the files).
 */
import type { LabSettings } from '../settings/types.js';
import type { Side } from './events.js';
import type { DiagnosisResult, Finding } from './findings.js';
import { LineFilter } from './line-filter.js';
import { LiveDiagnosis } from './live.js';
import { preflight } from './preflight.js';
import { WRAP_MIN } from './reader.js';
import { parseSasText, type SaSnapshot } from './sas-text.js';
import { forEachLine, forEachLineRange, isReadable, type LineInput, toLines } from './stream.js';

export interface LogInput {
  /** File name or 'left'/'right': cited as the evidence source. */
  source: string;
  side: Side;
  lines: LineInput;
}

export interface SasTextInput {
  source: string;
  side: SaSnapshot['side'];
  /** `swanctl --list-sas` output. */
  lines: LineInput;
}

export interface DiagnoseInput {
  logs?: LogInput[];
  sasText?: SasTextInput[];
  /** Typed snapshots (e.g. from VICI), optionally a series over time per side. */
  snapshots?: SaSnapshot[];
  /** Both gateways' settings for the pre-flight comparison. */
  settings?: LabSettings;
  /** Pre-flight causes not to report from `settings` (e.g. addresses of imported configs). */
  skipCauses?: string[];
  /** Findings the caller derived itself (e.g. from imported configuration files). */
  extraFindings?: Finding[];
}

export async function diagnose(input: DiagnoseInput): Promise<DiagnosisResult> {
  const live = new LiveDiagnosis();
  for (const log of input.logs ?? []) await feedLog(live, log);
  for (const s of input.sasText ?? []) live.pushSnapshot(await parseSasText(toLines(s.lines), s.side, s.source));
  for (const s of input.snapshots ?? []) live.pushSnapshot(s);
  if (input.settings) live.addFindings(preflight(input.settings).filter((f) => !input.skipCauses?.includes(f.cause)));
  if (input.extraFindings) live.addFindings(input.extraFindings);
  return live.result();
}

/**
 * Streams one log into a LiveDiagnosis; never holds more than one chunk. A byte stream goes through
 * the prefilter: lines it shows cannot yield an event are counted without being cut out or parsed.
 */
export async function feedLog(live: LiveDiagnosis, log: LogInput): Promise<void> {
  let n = 0;
  if (!isReadable(log.lines)) {
    await forEachLine(log.lines, (line) => live.pushLine(log.side, log.source, line, ++n));
    return;
  }
  const filter = new LineFilter();
  const count = live.lineCounter(log.source, log.side);
  // The last skipped line, while it may still be continued by a hard wrap (kept as a range, no copy:
  // the next line decides, at the latest in the next chunk, before this chunk's bytes can be reused).
  let heldText: string | Buffer = '';
  let heldStart = -1;
  let heldEnd = 0;
  let heldN = 0;
  await forEachLineRange(
    log.lines,
    (text, start, end) => {
      n++;
      // A skipped line that may have been cut by a hard wrap is only pushed (as the reference path
      // would) when the next line may be its continuation: one the filter keeps that is not itself
      // a line of the lab's shape (that ends the held line before any join, as a count does).
      const keep = filter.mayMatter(start, end);
      if (heldStart >= 0) {
        if (keep && !filter.labShaped) live.pushLine(log.side, log.source, detach(heldText, heldStart, heldEnd), heldN);
        else count();
        heldStart = -1;
      }
      if (keep) live.pushLine(log.side, log.source, detach(text, start, end), n);
      else if (end - start >= WRAP_MIN) {
        heldText = text;
        heldStart = start;
        heldEnd = end;
        heldN = n;
      } else count();
    },
    (text, bytes) => filter.setText(text, bytes),
  );
  if (heldStart >= 0) count();
}

/**
 * text[start, end) as a string of its own: a plain slice would keep the whole piece alive for as
 * long as an event cites the line (concatenation then slicing makes V8 copy the characters), and
 * a chunk's bytes are reused for a later chunk.
 */
function detach(text: string | Buffer, start: number, end: number): string {
  return typeof text === 'string' ? (' ' + text.slice(start, end)).slice(1) : text.toString('latin1', start, end);
}

export type { CauseId, DiagnosisResult, Evidence, Finding } from './findings.js';
export { LiveDiagnosis } from './live.js';
export type { LogRecord } from './log-line.js';
export { parseLogLine } from './log-line.js';
export { preflight } from './preflight.js';
export type { ChildSaSnapshot, IkeSaSnapshot, SaSnapshot } from './sas-text.js';
