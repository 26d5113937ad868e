import type { LabSettings, Side } from '../settings/types.js';
import { buildLabSettings, type Imported, resultFor } from './build.js';
import { type ImportConfigOptions, readConfig } from './read.js';
import { ImportError, type ImportResult, type Provenance } from './types.js';

/** One end of a two-file import: its config text and how to read it. */
export interface PairSide {
  text: string;
  options?: Omit<ImportConfigOptions, 'side'>;
}

export interface PairImportResult {
  /** Both gateways as their own configs say, laid out as one lab (no mirror). */
  settings: LabSettings;
  left: ImportResult;
  right: ImportResult;
  /** Each setting's source line, keyed "left.gateway.espProposals" / "right.gateway.espProposals". */
  provenance: Record<string, Provenance>;
}

function read(side: Side, end: PairSide): Imported {
  try {
    return readConfig(end.text, { ...end.options, side });
  } catch (e) {
    if (e instanceof ImportError) throw new ImportError(e.line, `${side}: ${e.message}`);
    throw e;
  }
}

/** A key one end only has as a placeholder (a template, a masked or encrypted key) is the other end's. */
function shareKey(a: Imported, b: Imported): void {
  const templated = (x: Imported) => x.placeholders?.some((p) => p.field === 'psk') ?? false;
  if (templated(a) && !templated(b)) a.gateway.psk = b.gateway.psk;
}

/**
 * Builds the lab from both ends' own configurations (any two formats): each gateway as its
 * device is configured, so every mismatch between them is there to compare before anything runs.
 */
export function importPair(left: PairSide, right: PairSide): PairImportResult {
  const l = read('left', left);
  const r = read('right', right);
  shareKey(l, r);
  shareKey(r, l);
  const settings = buildLabSettings(l, r);
  const lr = resultFor(l, settings);
  const rr = resultFor(r, settings);
  return { settings, left: lr, right: rr, provenance: { ...lr.provenance, ...rr.provenance } };
}
