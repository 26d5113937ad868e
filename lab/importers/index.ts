import { importResult } from './build.js';
import { detectFormat, type ImportConfigOptions, importSettingsJson, readConfig } from './read.js';
import type { ImportResult } from './types.js';

export { importAsa } from './asa.js';
export { importIpsecConf } from './ipsec-conf.js';
export { importPair, type PairImportResult, type PairSide } from './pair.js';
export { importPaloAlto } from './paloalto.js';
export { detectFormat, type ImportConfigOptions, readConfig } from './read.js';
export { importSwanctl } from './swanctl.js';
export * from './types.js';

/** Imports a customer configuration (or a lab settings file) into complete, valid lab settings. */
export function importConfig(text: string, options: ImportConfigOptions = {}): ImportResult {
  const format = options.format ?? detectFormat(text);
  if (format === 'settings-json') return importSettingsJson(text, options.side ?? 'left');
  return importResult(readConfig(text, { ...options, format: format ?? undefined }));
}
