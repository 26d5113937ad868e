import { convertAsa } from './asa/convert.js';
import { parseAsaConfig } from './asa/parse.js';
import { type Imported, importResult } from './build.js';
import { type ImportOptions, type ImportResult, type ImportWarning, LineLedger } from './types.js';

export type AsaImportOptions = ImportOptions;

/** Imports one tunnel of a Cisco ASA configuration: a crypto map entry or a VTI (IKEv1 or IKEv2, pre-shared keys). */
export function importAsa(text: string, options: AsaImportOptions = {}): ImportResult {
  return importResult(readAsa(text, options));
}

/** What an ASA configuration says about one tunnel, before the lab is laid out around it. */
export function readAsa(text: string, options: AsaImportOptions = {}): Imported {
  const ledger = new LineLedger(text);
  ledger.reveal = !!options.revealSecrets;
  const warnings: ImportWarning[] = [];
  const cfg = parseAsaConfig(ledger, warnings);
  return convertAsa(cfg, ledger, warnings, options);
}
