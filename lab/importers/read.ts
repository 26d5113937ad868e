import { hostAddress, parseCidr } from '../settings/addresses.js';
import { jsonErrorLine } from '../settings/json-error.js';
import type { LabSettings, Side } from '../settings/types.js';
import { SettingsError, validateSettings } from '../settings/validate.js';
import { readAsa } from './asa.js';
import type { Imported } from './build.js';
import { readIpsecConf } from './ipsec-conf.js';
import { isPanXml, readPaloAlto } from './paloalto.js';
import { readSwanctl } from './swanctl.js';
import { ImportError, type ImportFormat, type ImportResult, LineLedger } from './types.js';

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

/** What a configuration says about its tunnel, before the lab is laid out around it (the mirror or the peer's own import). */
export function readConfig(text: string, options: ImportConfigOptions = {}): Imported {
  const format = options.format ?? detectFormat(text);
  const side = options.side ?? 'left';
  const common = { side, entry: options.entry, revealSecrets: options.revealSecrets };
  switch (format) {
    case 'asa':
      return readAsa(text, common);
    case 'paloalto':
      return readPaloAlto(text, common);
    case 'swanctl':
      return readSwanctl(text, common);
    case 'ipsec.conf':
      return readIpsecConf(text, { ...common, secretsText: options.secretsText, localAddress: options.localAddress });
    case 'settings-json':
      return readSettingsJson(text, side);
    default:
      throw new ImportError(
        0,
        'unknown format (expected Cisco ASA CLI, Palo Alto set commands or XML, swanctl.conf, ipsec.conf or lab settings JSON; pass format to choose)',
      );
  }
}

function parseSettingsJson(text: string): LabSettings {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ImportError(jsonErrorLine(text, e as Error) ?? 0, `not valid JSON: ${(e as Error).message}`);
  }
  try {
    return validateSettings(doc);
  } catch (e) {
    if (e instanceof SettingsError) throw new ImportError(0, e.message);
    throw e;
  }
}

/** One side of a lab settings file, as the gateway of a two-file import. */
function readSettingsJson(text: string, side: Side): Imported {
  const site = parseSettingsJson(text)[side];
  return {
    format: 'settings-json',
    entry: side,
    side,
    gateway: site.gateway,
    lan: site.lan,
    localAddress: hostAddress(site.wan, 10),
    localPrefix: parseCidr(site.wan)!.prefix,
    peerAddress: site.gateway.peerAddress || undefined,
    line: 1,
    warnings: [],
    ledger: new LineLedger(text),
  };
}

export function importSettingsJson(text: string, side: Side): ImportResult {
  const settings = parseSettingsJson(text);
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
