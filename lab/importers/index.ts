import { jsonErrorLine } from '../settings/json-error.js';
import type { Side } from '../settings/types.js';
import { SettingsError, validateSettings } from '../settings/validate.js';
import { importAsa } from './asa.js';
import { importIpsecConf } from './ipsec-conf.js';
import { importPaloAlto, isPanXml } from './paloalto.js';
import { importSwanctl } from './swanctl.js';
import { ImportError, type ImportFormat, type ImportResult } from './types.js';

export { importAsa } from './asa.js';
export { importIpsecConf } from './ipsec-conf.js';
export { importPaloAlto } from './paloalto.js';
export { importSwanctl } from './swanctl.js';
export * from './types.js';

/**
 * Guesses the format from tell-tale lines; a guess, so callers can always pass `format`.
 * Returns null when nothing matches.
 */
export function detectFormat(text: string): ImportFormat | null {
  const t = text.replace(/^\uFEFF/, '');
  if (/^\s*\{/.test(t) && /"schema"\s*:/.test(t)) return 'settings-json';
  if (/^\s*(connections|secrets)\s*(\{|:|$)/m.test(t)) return 'swanctl';
  if (/^conn\s+\S+\s*$/m.test(t) || /^config\s+setup\s*$/m.test(t)) return 'ipsec.conf';
  if (/^\s*(crypto\s+(map|ikev1|ikev2|isakmp|ipsec)|tunnel-group|access-list\s+\S+\s+extended)\b/m.test(t))
    return 'asa';
  // PAN-OS: set commands (flat or configure mode) or the XML configuration.
  if (/^\s*(set|edit)\s+network\s+(ike|tunnel)\b/m.test(t)) return 'paloalto';
  if (isPanXml(t) && /<(ike-crypto-profiles|ipsec-crypto-profiles|auto-key|ike-gateway)\b/.test(t)) return 'paloalto';
  return null;
}

export interface ImportConfigOptions {
  format?: ImportFormat;
  side?: Side;
  /** Which tunnel: its name, sequence number, interface, or its peer as written (--tunnel). */
  entry?: string | number;
  /** Leave pre-shared keys readable in the notes of a multi-tunnel config. */
  revealSecrets?: boolean;
  /** ipsec.secrets content, for ipsec.conf imports. */
  secretsText?: string;
  /** ipsec.conf: the address of the imported gateway (decides whether left or right is local). */
  localAddress?: string;
}

/** Imports a customer configuration (or a lab settings file) into complete, valid lab settings. */
export function importConfig(text: string, options: ImportConfigOptions = {}): ImportResult {
  const format = options.format ?? detectFormat(text);
  const side = options.side ?? 'left';
  switch (format) {
    case 'asa':
      return importAsa(text, { side, entry: options.entry, revealSecrets: options.revealSecrets });
    case 'paloalto':
      return importPaloAlto(text, { side, entry: options.entry, revealSecrets: options.revealSecrets });
    case 'swanctl':
      return importSwanctl(text, { side, entry: options.entry, revealSecrets: options.revealSecrets });
    case 'ipsec.conf':
      return importIpsecConf(text, {
        side,
        entry: options.entry,
        revealSecrets: options.revealSecrets,
        secretsText: options.secretsText,
        localAddress: options.localAddress,
      });
    case 'settings-json':
      return importSettingsJson(text, side);
    default:
      throw new ImportError(
        0,
        'unknown format (expected Cisco ASA CLI, Palo Alto set commands or XML, swanctl.conf, ipsec.conf or lab settings JSON; pass format to choose)',
      );
  }
}

function importSettingsJson(text: string, side: Side): ImportResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ImportError(jsonErrorLine(text, e as Error) ?? 0, `not valid JSON: ${(e as Error).message}`);
  }
  let settings;
  try {
    settings = validateSettings(doc);
  } catch (e) {
    if (e instanceof SettingsError) throw new ImportError(0, e.message);
    throw e;
  }
  const { peerAddress, ...gateway } = settings[side].gateway;
  return {
    format: 'settings-json',
    side,
    entry: side,
    gateway,
    lan: settings[side].lan,
    peerAddress: peerAddress || undefined,
    settings,
    unsupported: [],
    warnings: [],
    placeholders: [],
    tunnels: [{ name: side, peer: peerAddress || '', line: 0, selected: true }],
  };
}

/**
 * Where JSON text goes wrong; older Node versions name no position in their error. A minimal
 * recursive-descent scan that only needs to agree with JSON.parse on *where* it fails.
 */
