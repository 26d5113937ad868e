import {
  cidrsOverlap,
  formatIPv4,
  hostAddress,
  isIPv4,
  normalizeCidr,
  otherSide,
  parseCidr,
} from '../settings/addresses.js';
import { defaultSettings } from '../settings/defaults.js';
import { parseProposal, type ProposalKind } from '../settings/proposals.js';
import type { GatewaySettings, LabSettings, Side, StartAction } from '../settings/types.js';
import { SettingsError, validateSettings } from '../settings/validate.js';
import {
  ImportError,
  type ImportFormat,
  type ImportResult,
  type ImportWarning,
  type LineLedger,
  type Placeholder,
  type Provenance,
  type TunnelSummary,
} from './types.js';

/** The smallest subnet the lab accepts for a LAN or WAN (hosts sit at .1 and .10). */
const MAX_LAB_PREFIX = 28;
/** The validator's upper bound for any time setting. */
const MAX_SECONDS = 31_536_000;

/** A selector in canonical form: "a.b.c.d/n" with host bits cleared, addresses as /32. */
export function canonicalTs(text: string): string | null {
  const t = text.trim();
  if (isIPv4(t)) return `${t}/32`;
  return parseCidr(t) ? normalizeCidr(t) : null;
}

/**
 * strongSwan time values: plain seconds or a number with s/m/h/d. Returns null when malformed.
 * Both swanctl.conf and ipsec.conf use this syntax.
 */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) return null;
  const factor = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * factor;
}

/** Clamps to what the settings validator accepts, warning about the change. */
export function clampSeconds(value: number, line: number, what: string, warnings: ImportWarning[]): number {
  if (value <= MAX_SECONDS) return value;
  warnings.push({
    line,
    message: `${what} of ${value}s is longer than the lab allows; using ${MAX_SECONDS}s (one year)`,
  });
  return MAX_SECONDS;
}

/** Checks one strongSwan proposal at import time so the error names the input line. */
export function checkProposal(proposal: string, kind: ProposalKind, line: number): string {
  try {
    parseProposal(proposal, kind);
  } catch (e) {
    throw new ImportError(line, `${kind === 'ike' ? 'IKE' : 'ESP'} proposal ${proposal}: ${(e as Error).message}`);
  }
  return proposal;
}

/** IKE identities the settings model accepts (no spaces, quotes, braces or #). */
export function isLabIdentity(id: string): boolean {
  return id.length > 0 && id.length <= 255 && !/[\s"{}#]/.test(id);
}

/**
 * A lab subnet for an address: the lab puts its gateway at .10, so prefer a subnet in which .10
 * is exactly this address (prefix from the configured mask, else /24, else /28); otherwise the
 * /24 (or configured network, if large enough) around it.
 */
export function labWanFor(address: string, prefix?: number): { wan: string; exact: boolean } {
  const addr = parseCidr(`${address}/32`)!.network;
  const candidates = [...new Set([prefix !== undefined && prefix <= MAX_LAB_PREFIX ? prefix : 24, 24, MAX_LAB_PREFIX])];
  for (const p of candidates) {
    const base = (addr - 10) >>> 0;
    const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
    if ((base & mask) >>> 0 === base && addr >= 10) return { wan: `${formatIPv4(base)}/${p}`, exact: true };
  }
  const p = prefix !== undefined && prefix <= MAX_LAB_PREFIX ? prefix : 24;
  return { wan: normalizeCidr(`${address}/${p}`), exact: false };
}

/**
 * The lab LAN for an encryption domain: the domain itself when it is a usable subnet, else the
 * /24 around its first address (a host selector still needs a LAN to live in).
 */
function labLanFor(ts: string | undefined, line: number, what: string, warnings: ImportWarning[]): string | undefined {
  if (!ts) return undefined;
  const c = parseCidr(ts);
  if (!c) return undefined;
  if (c.prefix < 8) {
    warnings.push({ line, message: `${what} ${ts} is too wide to be a lab LAN; the lab keeps its default LAN` });
    return undefined;
  }
  if (c.prefix <= MAX_LAB_PREFIX) return normalizeCidr(ts);
  const lan = normalizeCidr(`${formatIPv4(c.network)}/24`);
  warnings.push({
    line,
    message: `${what} ${ts} is smaller than a lab LAN (/28 at most); the lab LAN is ${lan}, whose host ${hostAddress(lan, 10)} may lie outside the selector`,
  });
  return lan;
}

/** What an importer found, in the lab's terms, before the lab topology is laid around it. */
export interface Found {
  side: Side;
  /** Complete gateway settings for the imported side (format defaults already applied). */
  gateway: GatewaySettings;
  /** The LAN the input itself names (e.g. an ASA inside interface), if any. */
  lan?: string;
  /** The LAN behind the peer the input names (a route-based tunnel's routed network), if any. */
  peerLan?: string;
  localAddress?: string;
  localPrefix?: number;
  peerAddress?: string;
  /** Identities the input only has as placeholders: they become the lab gateways' own addresses. */
  followLab?: { localId?: boolean; remoteId?: boolean };
  /** Line to attach topology warnings to. */
  line: number;
  warnings: ImportWarning[];
}

const MIRROR_START: Record<StartAction, StartAction> = { initiate: 'wait', wait: 'initiate', trap: 'wait' };

/** The customer's peer as it has to be: identities and selectors swapped, everything else equal. */
export function mirrorGateway(gw: GatewaySettings): GatewaySettings {
  return {
    ...structuredClone(gw),
    localId: gw.remoteId,
    remoteId: gw.localId,
    localTs: [...gw.remoteTs],
    remoteTs: [...gw.localTs],
    peerAddress: '',
    startAction: MIRROR_START[gw.startAction],
  };
}

function canonicalGateway(found: Found): GatewaySettings {
  const gw = structuredClone(found.gateway);
  gw.localTs = gw.localTs.map((t) => canonicalTs(t) ?? t);
  gw.remoteTs = gw.remoteTs.map((t) => canonicalTs(t) ?? t);
  // The lab always sends IKE to its peer gateway; the customer's peer address is reported separately.
  gw.peerAddress = '';
  return gw;
}

/** A WAN for a configured address, or the fallback when it is unknown or collides with `taken`. */
function wanFor(
  address: string | undefined,
  prefix: number | undefined,
  fallback: string,
  taken: string | undefined,
  who: string,
  line: number,
  warnings: ImportWarning[],
): string {
  if (!address) return fallback;
  const w = labWanFor(address, prefix);
  if (taken && cidrsOverlap(w.wan, taken)) {
    warnings.push({
      line,
      message: `${who} ${address} is in the other WAN ${taken}; the lab uses its own WAN ${fallback}`,
    });
    return fallback;
  }
  if (!w.exact) {
    warnings.push({
      line,
      message: `the lab ${who} sits at ${hostAddress(w.wan, 10)} in ${w.wan}, not at ${address}; the IKE identities keep the configured values`,
    });
  }
  return w.wan;
}

/**
 * Lays the lab around an imported gateway: WAN subnets so that the lab gateways sit at the
 * customer's addresses where the .10 rule allows it, LANs from the encryption domains (or the
 * routed networks), and on the other side the peer's own imported gateway when there is one, else
 * the mirror image. Always returns settings that pass validateSettings.
 */
export function buildLabSettings(found: Found, peer?: Found): LabSettings {
  const { side, warnings, line } = found;
  const other = otherSide(side);
  const base = defaultSettings();
  const gw = canonicalGateway(found);
  const peerGw = peer ? canonicalGateway(peer) : undefined;

  const lan = found.lan ?? labLanFor(gw.localTs[0], line, 'local encryption domain', warnings) ?? base[side].lan;
  let peerLan =
    peer?.lan ??
    (peerGw && labLanFor(peerGw.localTs[0], peer!.line, 'local encryption domain', peer!.warnings)) ??
    found.peerLan ??
    labLanFor(gw.remoteTs[0], line, 'remote encryption domain', warnings) ??
    base[other].lan;
  if (cidrsOverlap(lan, peerLan)) {
    warnings.push({
      line,
      message: `the local LAN ${lan} and the remote LAN ${peerLan} overlap; the lab routes them as separate sites anyway`,
    });
  }

  const wan = wanFor(found.localAddress, found.localPrefix, base[side].wan, undefined, 'gateway', line, warnings);
  // The peer's WAN must differ from ours: the lab routes between two separate WAN links.
  const peerFallback = cidrsOverlap(base[other].wan, wan) ? base[side].wan : base[other].wan;
  const peerWan = peer?.localAddress
    ? wanFor(peer.localAddress, peer.localPrefix, peerFallback, wan, 'peer gateway', peer.line, peer.warnings)
    : wanFor(found.peerAddress, undefined, peerFallback, wan, 'peer gateway', line, warnings);
  if (cidrsOverlap(peerLan, wan) || cidrsOverlap(peerLan, peerWan)) {
    warnings.push({
      line,
      message: `the remote LAN ${peerLan} overlaps a WAN subnet; the lab uses ${base[other].lan} instead`,
    });
    peerLan = base[other].lan;
  }

  // Identities the inputs only have as placeholders: the other end's own, else the lab addresses.
  if (found.followLab?.localId)
    gw.localId = peerGw && !peer!.followLab?.remoteId ? peerGw.remoteId : hostAddress(wan, 10);
  if (found.followLab?.remoteId)
    gw.remoteId = peerGw && !peer!.followLab?.localId ? peerGw.localId : hostAddress(peerWan, 10);
  if (peerGw && peer?.followLab?.localId)
    peerGw.localId = !found.followLab?.remoteId ? gw.remoteId : hostAddress(peerWan, 10);
  if (peerGw && peer?.followLab?.remoteId)
    peerGw.remoteId = !found.followLab?.localId ? gw.localId : hostAddress(wan, 10);
  // The lab treats empty selectors as "the LAN", which then follows LAN edits; keep explicit ones otherwise.
  const implicit = (g: GatewaySettings, mine: string, theirs: string) => {
    if (g.localTs.length === 1 && g.localTs[0] === mine) g.localTs = [];
    if (g.remoteTs.length === 1 && g.remoteTs[0] === theirs) g.remoteTs = [];
  };
  implicit(gw, lan, peerLan);
  if (peerGw) implicit(peerGw, peerLan, lan);

  const settings: LabSettings = {
    schema: 1,
    realisticTimers: false,
    [side]: { lan, wan, gateway: gw },
    [other]: { lan: peerLan, wan: peerWan, gateway: peerGw ?? mirrorGateway(gw) },
  } as unknown as LabSettings;
  try {
    return validateSettings(settings);
  } catch (e) {
    if (e instanceof SettingsError) {
      throw new ImportError(
        0,
        `the imported configuration does not make valid lab settings: ${e.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`,
      );
    }
    throw e;
  }
}

/** A placeholder as an importer meets it; the lab value is filled in once the lab is laid out. */
export type FoundPlaceholder = Omit<Placeholder, 'replacement'>;

/** What an importer hands over once it has read its input: the findings plus the line accounting. */
export interface Imported extends Found {
  format: ImportFormat;
  /** The name of the imported tunnel (crypto map entry, connection). */
  entry: string;
  ledger: LineLedger;
  placeholders?: FoundPlaceholder[];
  tunnels?: TunnelSummary[];
  routeBased?: boolean;
  /** Gateway field ("gateway.espProposals", "lan") -> the input lines it came from, most telling first. */
  provenance?: Map<string, number[]>;
}

/** What the lab put in place of a placeholder, in words. */
function replacement(field: string, settings: LabSettings, side: Side): string {
  const other = otherSide(side);
  const gw = settings[side].gateway;
  switch (field) {
    case 'peerAddress':
      return `the lab peer gateway ${hostAddress(settings[other].wan, 10)}`;
    case 'localAddress':
      return `the lab gateway ${hostAddress(settings[side].wan, 10)}`;
    case 'psk':
      return gw.psk === defaultSettings()[side].gateway.psk ? "the lab's default key" : 'the key of the other end';
    case 'localId':
      return gw.localId;
    case 'remoteId':
      return gw.remoteId;
    case 'localTs':
    case 'lan':
      return `the lab LAN ${settings[side].lan}`;
    case 'remoteTs':
    case 'peerLan':
      return `the lab peer LAN ${settings[other].lan}`;
    default:
      return 'the lab default';
  }
}

/** Provenance of the imported fields, keyed by their full settings path. */
function provenanceOf(found: Imported): Record<string, Provenance> | undefined {
  if (!found.provenance?.size) return undefined;
  const out: Record<string, Provenance> = {};
  for (const [field, lines] of found.provenance) {
    const [line, ...more] = [...new Set(lines.filter((l) => l > 0))];
    if (line === undefined) continue;
    const text = (l: number) => found.ledger.quoted(l).trim();
    out[`${found.side}.${field}`] = {
      side: found.side,
      line,
      text: text(line),
      ...(more.length ? { more: more.map((l) => ({ line: l, text: text(l) })) } : {}),
    };
  }
  return out;
}

/** The one way every importer turns its findings into an ImportResult: the lab laid around them. */
export function importResult(found: Imported): ImportResult {
  return resultFor(found, buildLabSettings(found));
}

/** The import result of one side, for settings already laid out (alone or with its peer's import). */
export function resultFor(found: Imported, settings: LabSettings): ImportResult {
  const gateway: Partial<GatewaySettings> = { ...found.gateway };
  const laid = settings[found.side].gateway;
  if (found.followLab?.localId) gateway.localId = laid.localId;
  if (found.followLab?.remoteId) gateway.remoteId = laid.remoteId;
  // The lab always sends IKE to its peer gateway; the customer's peer address is reported on its own.
  delete gateway.peerAddress;
  const seen = new Set<string>();
  const placeholders = (found.placeholders ?? [])
    .filter((p) => {
      const key = `${p.line} ${p.field} ${p.text}`;
      return !seen.has(key) && !!seen.add(key);
    })
    .map((p) => ({ ...p, replacement: replacement(p.field, settings, found.side) }));
  return {
    format: found.format,
    side: found.side,
    entry: found.entry,
    gateway,
    lan: settings[found.side].lan,
    peerAddress: found.peerAddress,
    localAddress: found.localAddress,
    settings,
    unsupported: found.ledger.result(),
    warnings: found.warnings,
    placeholders,
    tunnels: found.tunnels ?? [{ name: found.entry, peer: found.peerAddress ?? '', line: found.line, selected: true }],
    ...(found.routeBased ? { routeBased: true } : {}),
    ...(found.provenance?.size ? { provenance: provenanceOf(found) } : {}),
  };
}
