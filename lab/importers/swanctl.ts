import { isIPv4 } from '../settings/addresses.js';
import { defaultSettings } from '../settings/defaults.js';
import type { DpdAction, GatewaySettings, StartAction } from '../settings/types.js';
import {
  canonicalTs,
  checkProposal,
  clampSeconds,
  type Imported,
  importResult,
  isLabIdentity,
  parseDuration,
} from './build.js';
import { type ConfKey, type ConfSection, parseSettingsSyntax, sectionLines } from './settings-syntax.js';
import { ImportError, type ImportOptions, type ImportResult, type ImportWarning, LineLedger } from './types.js';

/*
 * swanctl.conf defaults (strongSwan 5.9/6.0 swanctl.conf man page), used where a key is absent:
 * version 0 (either; the lab then uses IKEv2), proposals/esp_proposals "default", rekey_time 4h,
 * reauth_time 0, over_time 0 (strongSwan: 10% of the larger time), dpd_delay 0 (off),
 * dpd_timeout 150s (IKEv1 only), mobike yes, encap no, aggressive no, child rekey_time 1h,
 * life_time 0 (rekey_time + 10%), start_action none, dpd_action clear, local.id = the local
 * address, remote.id = %any (the lab needs one, so the remote address).
 */
const DEFAULTS = { rekey: 14400, childRekey: 3600, dpdTimeout: 150 };

/** Keys the lab does not model, and why; any other unknown key is "not understood". */
const CONN_UNMODELLED: Record<string, string> = {
  keyingtries: 'the lab always keeps retrying (keyingtries = 0)',
  unique: 'the lab has one peer; uniqueness policy does not apply',
  send_cert: 'certificates are not modelled; the lab uses pre-shared keys',
  send_certreq: 'certificates are not modelled; the lab uses pre-shared keys',
  fragmentation: "IKE fragmentation is left at strongSwan's default",
  local_port: 'the lab uses the standard IKE ports',
  remote_port: 'the lab uses the standard IKE ports',
  pools: 'virtual IP pools (remote access) are not modelled',
  vips: 'virtual IPs (remote access) are not modelled',
  rand_time: "rekey jitter is left at strongSwan's default",
  childless: 'childless IKE SAs are not modelled',
  ppk_id: 'post-quantum preshared keys are not modelled',
  ppk_required: 'post-quantum preshared keys are not modelled',
};
const CHILD_UNMODELLED: Record<string, string> = {
  ah_proposals: 'AH is not modelled; the lab uses ESP',
  rand_time: "rekey jitter is left at strongSwan's default",
  updown: 'updown scripts are not modelled',
  hostaccess: 'updown scripts are not modelled',
  close_action: 'the lab keeps close_action at none',
  inactivity: 'inactivity timeouts are not modelled',
  policies: 'the lab always installs policies',
  ipcomp: 'IP compression is not modelled',
  replay_window: "the replay window is left at strongSwan's default",
  rekey_bytes: 'volume lifetimes are not modelled; the lab rekeys by time',
  life_bytes: 'volume lifetimes are not modelled; the lab rekeys by time',
  rekey_packets: 'volume lifetimes are not modelled; the lab rekeys by time',
  life_packets: 'volume lifetimes are not modelled; the lab rekeys by time',
};

const START: Record<string, StartAction> = {
  none: 'wait',
  start: 'initiate',
  trap: 'trap',
  'trap|start': 'initiate',
  'start|trap': 'initiate',
};
const DPD: Record<string, DpdAction> = { clear: 'clear', trap: 'trap', restart: 'restart', hold: 'trap' };

export type SwanctlImportOptions = ImportOptions;

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(key: ConfKey): boolean {
  const v = key.value.toLowerCase();
  if (['yes', 'true', 'enabled', 'on', '1'].includes(v)) return true;
  if (['no', 'false', 'disabled', 'off', '0'].includes(v)) return false;
  throw new ImportError(key.line, `expected yes or no for ${key.name}, got "${key.value}"`);
}

function duration(key: ConfKey, warnings: ImportWarning[]): number {
  const v = parseDuration(key.value);
  if (v === null)
    throw new ImportError(key.line, `expected a time such as 3600, 60m, 4h or 1d for ${key.name}, got "${key.value}"`);
  return clampSeconds(v, key.line, key.name, warnings);
}

/** Imports one connection (and its first child) of a swanctl.conf. */
export function importSwanctl(text: string, options: SwanctlImportOptions = {}): ImportResult {
  return importResult(readSwanctl(text, options));
}

/** What the file says about one connection, before the lab is laid out around it. */
export function readSwanctl(text: string, options: SwanctlImportOptions = {}): Imported {
  const side = options.side ?? 'left';
  const ledger = new LineLedger(text);
  ledger.reveal = !!options.revealSecrets;
  const warnings: ImportWarning[] = [];
  const doc = parseSettingsSyntax(text);
  const root = doc.root;

  for (const inc of doc.includes)
    ledger.unsupported(inc.line, 'include files are not read; paste their content instead');
  for (const k of root.keys.values()) ledger.unsupported(k.line, "not part of swanctl.conf's connections or secrets");
  for (const s of root.sections.values()) {
    if (s.name !== 'connections' && s.name !== 'secrets') {
      for (const l of sectionLines(s)) ledger.unsupported(l, `${s.name} are not part of the lab tunnel`);
    }
  }
  const connections = root.sections.get('connections');
  if (connections) ledger.useAll([connections.line, ...connections.extraLines]);
  for (const k of connections?.keys.values() ?? [])
    ledger.unsupported(k.line, 'a setting directly under connections is not understood');
  const candidates = [...(connections?.sections.values() ?? [])].filter(
    (c) => !doc.referenced.has(`connections.${c.name}`),
  );
  if (!candidates.length) throw new ImportError(0, 'no connection found (expected "connections { NAME { ... } }")');
  const conn = options.entry === undefined ? candidates[0] : candidates.find((c) => c.name === String(options.entry));
  if (!conn)
    throw new ImportError(
      0,
      `no connection ${options.entry}; the configuration has ${candidates.map((c) => c.name).join(', ')}`,
    );

  // Mark the chosen connection first, so lines it inherits from a template count as used.
  const gw = mapConnection(conn, ledger, warnings, side);
  for (const c of connections!.sections.values()) {
    if (c === conn) continue;
    const template = doc.referenced.has(`connections.${c.name}`);
    // A template whose settings the connection inherited is in use, header included.
    if (template && sectionLines(c).some((l) => ledger.isUsed(l))) ledger.useAll([c.line, ...c.extraLines]);
    const reason = template
      ? `template connection ${c.name} is not used by ${conn.name}`
      : `connection ${c.name} is not imported (import it with entry ${c.name})`;
    for (const l of sectionLines(c)) if (!ledger.isUsed(l)) ledger.unsupported(l, reason);
    if (!template) warnings.push({ line: c.line, message: reason });
  }
  gw.gateway.psk = secretFor(root.sections.get('secrets'), gw.gateway, ledger, warnings, conn.line);

  return {
    format: 'swanctl',
    entry: conn.name,
    side,
    gateway: gw.gateway,
    localAddress: gw.localAddress,
    peerAddress: gw.peerAddress,
    line: conn.line,
    warnings,
    ledger,
  };
}

function firstAddress(key: ConfKey | undefined, ledger: LineLedger, warnings: ImportWarning[]): string | undefined {
  if (!key) return undefined;
  const addrs = list(key.value);
  if (!addrs.length || !isIPv4(addrs[0])) {
    ledger.unsupported(key.line, `only a fixed IPv4 address can be modelled (${key.value || 'empty'})`);
    return undefined;
  }
  ledger.use(key.line);
  if (addrs.length > 1) warnings.push({ line: key.line, message: `only the first address ${addrs[0]} is modelled` });
  return addrs[0];
}

function mapConnection(conn: ConfSection, ledger: LineLedger, warnings: ImportWarning[], side: 'left' | 'right') {
  const base = defaultSettings()[side].gateway;
  ledger.useAll([conn.line, ...conn.extraLines]);
  for (const o of conn.overridden) ledger.unsupported(o.key.line, `overridden by line ${o.by}`);
  const k = conn.keys;
  const used = (key: ConfKey | undefined) => key && ledger.use(key.line);
  const localAddress = firstAddress(k.get('local_addrs'), ledger, warnings);
  const peerAddress = firstAddress(k.get('remote_addrs'), ledger, warnings);

  let ikeVersion: 1 | 2 = 2;
  const version = k.get('version');
  if (version) {
    if (!['0', '1', '2'].includes(version.value))
      throw new ImportError(version.line, `expected version 0, 1 or 2, got "${version.value}"`);
    if (version.value === '0')
      warnings.push({ line: version.line, message: 'version 0 accepts IKEv1 and IKEv2; the lab runs IKEv2' });
    ikeVersion = version.value === '1' ? 1 : 2;
    used(version);
  }
  const proposals = (key: ConfKey | undefined, kind: 'ike' | 'esp') => {
    if (!key) return ['default'];
    used(key);
    const ps = list(key.value);
    if (!ps.length) throw new ImportError(key.line, `expected at least one proposal for ${key.name}`);
    return ps.map((p) => checkProposal(p, kind, key.line));
  };
  const time = (name: string, fallback: number) => {
    const key = k.get(name);
    if (!key) return fallback;
    used(key);
    return duration(key, warnings);
  };
  const flag = (name: string, fallback: boolean) => {
    const key = k.get(name);
    if (!key) return fallback;
    used(key);
    return bool(key);
  };

  const gateway: GatewaySettings = {
    ...structuredClone(base),
    ikeVersion,
    ikeProposals: proposals(k.get('proposals'), 'ike'),
    // dpd_timeout only matters for IKEv1; IKEv2 keeps the lab's value, which charon ignores.
    dpd: {
      delay: time('dpd_delay', 0),
      timeout: time('dpd_timeout', ikeVersion === 1 ? DEFAULTS.dpdTimeout : base.dpd.timeout),
      action: 'clear',
    },
    ike: {
      rekeyTime: time('rekey_time', DEFAULTS.rekey),
      reauthTime: time('reauth_time', 0),
      overTime: time('over_time', 0),
    },
    encap: flag('encap', false),
    mobike: flag('mobike', true),
    aggressive: flag('aggressive', false),
    peerAddress: '',
  };
  if (gateway.aggressive && ikeVersion === 2) {
    ledger.unsupported(k.get('aggressive')!.line, 'aggressive mode exists only in IKEv1');
    gateway.aggressive = false;
  }
  if (ikeVersion === 2 && k.get('dpd_timeout'))
    ledger.unsupported(k.get('dpd_timeout')!.line, 'dpd_timeout applies to IKEv1 only');

  const known = new Set([
    'version',
    'local_addrs',
    'remote_addrs',
    'proposals',
    'dpd_delay',
    'dpd_timeout',
    'rekey_time',
    'reauth_time',
    'over_time',
    'encap',
    'mobike',
    'aggressive',
  ]);
  for (const key of k.values()) {
    if (known.has(key.name)) continue;
    if (key.name === 'keyingtries' && key.value === '0') {
      ledger.use(key.line);
      continue;
    }
    ledger.unsupported(key.line, CONN_UNMODELLED[key.name] ?? `${key.name} is not understood by the swanctl importer`);
  }

  gateway.localId = authRound(conn, 'local', ledger, warnings) ?? localAddress ?? base.localId;
  const remoteId = authRound(conn, 'remote', ledger, warnings);
  if (!remoteId) {
    if (!peerAddress)
      warnings.push({ line: conn.line, message: `no remote id or address; the lab uses ${base.remoteId}` });
    else
      warnings.push({
        line: conn.line,
        message: `no remote.id (strongSwan accepts any); the lab expects the peer address ${peerAddress}`,
      });
  }
  gateway.remoteId = remoteId ?? peerAddress ?? base.remoteId;

  const children = [...conn.sections.values()].filter((s) => s.name === 'children');
  for (const s of conn.sections.values()) {
    if (s.name !== 'children' && !/^(local|remote)(-.*)?$/.test(s.name)) {
      for (const l of sectionLines(s)) ledger.unsupported(l, `${s.name} is not understood by the swanctl importer`);
    }
  }
  const childList = children.flatMap((c) => [...c.sections.values()]);
  if (!childList.length)
    throw new ImportError(
      conn.line,
      `connection ${conn.name} has no child (expected "children { NAME { local_ts = ... } }")`,
    );
  ledger.useAll(children.flatMap((c) => [c.line, ...c.extraLines]));
  mapChild(childList[0], gateway, ledger, warnings);
  for (const c of childList.slice(1)) {
    const reason = `child ${c.name} is not imported (the lab tunnel has one child)`;
    for (const l of sectionLines(c)) if (!ledger.isUsed(l)) ledger.unsupported(l, reason);
    warnings.push({ line: c.line, message: reason });
  }
  return { gateway, localAddress, peerAddress };
}

/** The identity of the first local/remote authentication round; later rounds cannot be modelled. */
function authRound(
  conn: ConfSection,
  which: 'local' | 'remote',
  ledger: LineLedger,
  warnings: ImportWarning[],
): string | undefined {
  const rounds = [...conn.sections.values()].filter((s) => s.name === which || s.name.startsWith(`${which}-`));
  if (!rounds.length) return undefined;
  const [round, ...more] = rounds;
  for (const r of more)
    for (const l of sectionLines(r)) ledger.unsupported(l, 'multiple authentication rounds are not modelled');
  ledger.useAll([round.line, ...round.extraLines]);
  let id: string | undefined;
  for (const key of round.keys.values()) {
    if (key.name === 'auth') {
      if (key.value === 'psk') ledger.use(key.line);
      else {
        ledger.unsupported(
          key.line,
          `auth = ${key.value} is not modelled; the lab authenticates with a pre-shared key`,
        );
        warnings.push({
          line: key.line,
          message: `the lab replaces ${key.value} authentication with a pre-shared key`,
        });
      }
    } else if (key.name === 'id') {
      if (isLabIdentity(key.value)) {
        id = key.value;
        ledger.use(key.line);
      } else ledger.unsupported(key.line, 'identities with spaces, quotes or braces cannot be used in the lab');
    } else ledger.unsupported(key.line, `${which}.${key.name} is not modelled (the lab uses pre-shared keys)`);
  }
  return id;
}

function selectors(key: ConfKey | undefined, ledger: LineLedger): string[] {
  if (!key) return [];
  const out: string[] = [];
  for (const t of list(key.value)) {
    const c = canonicalTs(t);
    if (c) out.push(c);
    else {
      ledger.unsupported(
        key.line,
        `selector ${t} is not a subnet or address (protocols, ports, ranges and dynamic are not modelled)`,
      );
      return [];
    }
  }
  ledger.use(key.line);
  return out;
}

function mapChild(child: ConfSection, gw: GatewaySettings, ledger: LineLedger, warnings: ImportWarning[]): void {
  ledger.useAll([child.line, ...child.extraLines]);
  for (const o of child.overridden) ledger.unsupported(o.key.line, `overridden by line ${o.by}`);
  const k = child.keys;
  gw.localTs = selectors(k.get('local_ts'), ledger);
  gw.remoteTs = selectors(k.get('remote_ts'), ledger);
  const esp = k.get('esp_proposals');
  gw.espProposals = esp ? list(esp.value).map((p) => checkProposal(p, 'esp', esp.line)) : ['default'];
  if (esp) ledger.use(esp.line);
  const rekey = k.get('rekey_time');
  const life = k.get('life_time');
  gw.child = {
    rekeyTime: rekey ? duration(rekey, warnings) : DEFAULTS.childRekey,
    lifeTime: life ? duration(life, warnings) : 0,
  };
  const start = k.get('start_action');
  if (start) {
    if (!(start.value in START))
      throw new ImportError(start.line, `expected start_action none, start or trap, got "${start.value}"`);
    gw.startAction = START[start.value];
    if (start.value.includes('|'))
      warnings.push({ line: start.line, message: 'trap|start: the lab starts the tunnel at once' });
  } else gw.startAction = 'wait';
  const dpd = k.get('dpd_action');
  if (dpd && dpd.value in DPD) gw.dpd.action = DPD[dpd.value];
  else if (dpd) ledger.unsupported(dpd.line, `dpd_action ${dpd.value} is not modelled (clear, trap or restart)`);
  const mode = k.get('mode');
  if (mode && mode.value !== 'tunnel')
    ledger.unsupported(mode.line, `mode ${mode.value} is not modelled; the lab runs tunnel mode`);
  const known = new Set([
    'local_ts',
    'remote_ts',
    'esp_proposals',
    'rekey_time',
    'life_time',
    'start_action',
    'dpd_action',
    'mode',
  ]);
  for (const key of k.values()) {
    if (known.has(key.name)) {
      if (key.name !== 'dpd_action' || key.value in DPD)
        if (key.name !== 'mode' || key.value === 'tunnel') ledger.use(key.line);
    } else
      ledger.unsupported(
        key.line,
        CHILD_UNMODELLED[key.name] ?? `${key.name} is not understood by the swanctl importer`,
      );
  }
  for (const s of child.sections.values())
    for (const l of sectionLines(s)) ledger.unsupported(l, `${s.name} is not understood by the swanctl importer`);
}

/**
 * The `ike` secret for the connection: one whose id* keys name the local or remote identity,
 * else one without ids (it matches everyone). Other secret types are listed as unsupported.
 */
function secretFor(
  secrets: ConfSection | undefined,
  gw: GatewaySettings,
  ledger: LineLedger,
  warnings: ImportWarning[],
  connLine: number,
): string {
  const fallback = defaultSettings().left.gateway.psk;
  if (!secrets) {
    warnings.push({ line: connLine, message: 'no secrets section; the lab uses its default pre-shared key' });
    return fallback;
  }
  ledger.useAll([secrets.line, ...secrets.extraLines]);
  for (const k of secrets.keys.values())
    ledger.unsupported(k.line, 'a setting directly under secrets is not understood');
  // Every key is masked wherever a line is quoted back, not only the imported one.
  for (const s of secrets.sections.values()) {
    const k = s.keys.get('secret');
    // Mask the value as written (quoted, escaped), which is what a quoted line shows.
    const raw = k && /\bsecret\s*=\s*(.*?)\s*$/.exec(ledger.text(k.line))?.[1];
    if (k) ledger.secret(k.line, raw || k.value);
  }
  let best: { section: ConfSection; score: number } | undefined;
  for (const s of secrets.sections.values()) {
    if (!/^ike(-|$)/.test(s.name)) {
      for (const l of sectionLines(s))
        ledger.unsupported(
          l,
          `${s.name.replace(/-.*/, '')} secrets are not modelled; the lab uses one IKE pre-shared key`,
        );
      continue;
    }
    const ids = [...s.keys.values()].filter((k) => /^id($|-)/.test(k.name)).map((k) => k.value);
    const score =
      ids.length === 0
        ? 1
        : ids.includes(gw.localId) && ids.includes(gw.remoteId)
          ? 3
          : ids.includes(gw.localId) || ids.includes(gw.remoteId)
            ? 2
            : 0;
    if (score && (!best || score > best.score)) best = { section: s, score };
  }
  for (const s of secrets.sections.values()) {
    if (!/^ike(-|$)/.test(s.name) || s === best?.section) continue;
    for (const l of sectionLines(s))
      ledger.unsupported(l, `secret ${s.name} is not for the imported connection's identities`);
  }
  if (!best) {
    warnings.push({
      line: secrets.line,
      message: `no ike secret for ${gw.localId} / ${gw.remoteId}; the lab uses its default pre-shared key`,
    });
    return fallback;
  }
  ledger.useAll([best.section.line, ...best.section.extraLines]);
  let secret: string | undefined;
  for (const k of best.section.keys.values()) {
    if (k.name === 'secret') {
      secret = k.value;
      ledger.use(k.line);
    } else if (/^id($|-)/.test(k.name)) ledger.use(k.line);
    else ledger.unsupported(k.line, `${k.name} is not understood in an ike secret`);
  }
  if (!secret) throw new ImportError(best.section.line, `secret ${best.section.name} has no "secret = ..."`);
  if (secret.includes('\n') || secret.length > 1024)
    throw new ImportError(
      best.section.keys.get('secret')!.line,
      'the pre-shared key must be one line of at most 1024 characters',
    );
  if (/^\*+$/.test(secret))
    warnings.push({
      line: best.section.keys.get('secret')!.line,
      message: 'the pre-shared key is masked; replace it with the real key',
    });
  return decodeSecret(secret, best.section.keys.get('secret')!.line, warnings);
}

/** swanctl reads `0x...` as hex and `0s...` as base64; the lab's key is the text those bytes spell. */
function decodeSecret(value: string, line: number, warnings: ImportWarning[]): string {
  const hex = /^0x([0-9a-fA-F]+)$/.exec(value);
  const b64 = /^0s([A-Za-z0-9+/]+={0,2})$/.exec(value);
  if (!hex && !b64) return value;
  const bytes = hex ? Buffer.from(hex[1], 'hex') : Buffer.from(b64![1], 'base64');
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes) && !/[\r\n\0]/.test(text) && text.length) return text;
  warnings.push({ line, message: 'the pre-shared key is binary; the lab keeps it as written' });
  return value;
}
