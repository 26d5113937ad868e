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
import { ImportError, type ImportOptions, type ImportResult, type ImportWarning, LineLedger } from './types.js';

/*
 * ipsec.conf defaults (strongSwan 5.x ipsec.conf man page), used where a key is absent:
 * keyexchange=ike (IKEv2), ikelifetime=3h, lifetime=1h, margintime=9m, reauth=yes, dpdaction=none
 * (no DPD), dpddelay=30s, dpdtimeout=150s, auto=ignore, mobike=yes, forceencaps=no,
 * aggressive=no, leftsubnet/rightsubnet = the host itself, leftid/rightid = the address.
 * The starter turns lifetimes into rekey = lifetime - margintime, hard life = lifetime.
 */
const DEFAULTS = { ikeLifetime: 10800, lifetime: 3600, margin: 540, dpdDelay: 30, dpdTimeout: 150 };

const START: Record<string, StartAction> = { start: 'initiate', add: 'wait', route: 'trap', ignore: 'wait' };
const DPD: Record<string, DpdAction | 'none'> = { none: 'none', clear: 'clear', hold: 'trap', restart: 'restart' };

/** Understood keys; anything else in a conn is unsupported with the reason given here or a generic one. */
const KNOWN = new Set([
  'keyexchange',
  'ike',
  'esp',
  'left',
  'right',
  'leftsubnet',
  'rightsubnet',
  'leftid',
  'rightid',
  'authby',
  'leftauth',
  'rightauth',
  'auto',
  'dpddelay',
  'dpdtimeout',
  'dpdaction',
  'ikelifetime',
  'lifetime',
  'keylife',
  'margintime',
  'rekeymargin',
  'reauth',
  'aggressive',
  'forceencaps',
  'mobike',
  'type',
  'also',
  'keyingtries',
]);
const UNMODELLED: Record<string, string> = {
  leftfirewall: 'updown firewall rules are not modelled',
  rightfirewall: 'updown firewall rules are not modelled',
  lefthostaccess: 'updown firewall rules are not modelled',
  leftupdown: 'updown scripts are not modelled',
  rightupdown: 'updown scripts are not modelled',
  leftsourceip: 'virtual IPs are not modelled',
  rightsourceip: 'virtual IPs are not modelled',
  leftcert: 'certificates are not modelled; the lab uses pre-shared keys',
  rightcert: 'certificates are not modelled; the lab uses pre-shared keys',
  leftsendcert: 'certificates are not modelled; the lab uses pre-shared keys',
  rekeyfuzz: "rekey jitter is left at strongSwan's default",
  compress: 'IP compression is not modelled',
  fragmentation: "IKE fragmentation is left at strongSwan's default",
  closeaction: 'the lab keeps closeaction at none',
  installpolicy: 'the lab always installs policies',
  rekey: 'the lab always rekeys',
};

interface Setting {
  value: string;
  line: number;
}
interface Conn {
  name: string;
  line: number;
  settings: Map<string, Setting>;
  lines: number[];
}

export interface IpsecConfImportOptions extends ImportOptions {
  /** The content of ipsec.secrets, for the pre-shared key. */
  secretsText?: string;
  /** The address of the gateway being imported: decides whether left or right is "local". */
  localAddress?: string;
}

/** ipsec.conf quotes with "; ipsec.secrets takes ' as well. */
function unquote(v: string): string {
  const t = v.trim();
  const q = t[0];
  return t.length >= 2 && (q === '"' || q === "'") && t.endsWith(q) ? t.slice(1, -1) : t;
}

/** Strips a comment, leaving "#" inside quotes alone. */
function stripComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quoted = !quoted;
    else if (line[i] === '#' && !quoted) return line.slice(0, i);
  }
  return line;
}

function parse(ledger: LineLedger): { conns: Map<string, Conn>; order: string[] } {
  const conns = new Map<string, Conn>();
  const order: string[] = [];
  let current: Conn | null = null;
  let other: { line: number; reason: string } | null = null;
  for (let no = 1; no <= ledger.count; no++) {
    const raw = stripComment(ledger.text(no));
    if (!raw.trim()) continue;
    if (!/^\s/.test(raw)) {
      const [kw, name, ...rest] = raw.trim().split(/\s+/);
      current = null;
      other = null;
      if (kw === 'conn') {
        if (!name || rest.length) throw new ImportError(no, 'expected "conn NAME"');
        if (conns.has(name))
          throw new ImportError(no, `conn ${name} is defined twice (first on line ${conns.get(name)!.line})`);
        current = { name, line: no, settings: new Map(), lines: [no] };
        conns.set(name, current);
        order.push(name);
      } else if (kw === 'config' && name === 'setup') {
        other = { line: no, reason: 'daemon options (config setup) are not part of the lab tunnel' };
        ledger.unsupported(no, other.reason);
      } else if (kw === 'ca') {
        other = { line: no, reason: 'certification authorities are not modelled; the lab uses pre-shared keys' };
        ledger.unsupported(no, other.reason);
      } else if (kw === 'include') ledger.unsupported(no, 'include files are not read; paste their content instead');
      else if (kw === 'version') continue;
      else throw new ImportError(no, `expected "conn NAME", "config setup", "ca NAME" or "include FILE", got "${kw}"`);
      continue;
    }
    if (other) {
      ledger.unsupported(no, other.reason);
      continue;
    }
    if (!current) throw new ImportError(no, 'indented setting outside any conn (expected "conn NAME" before it)');
    const m = /^\s*([A-Za-z0-9_%-]+)\s*=\s*(.*)$/.exec(raw);
    if (!m) throw new ImportError(no, 'expected "key=value"');
    const key = m[1];
    const value = unquote(m[2]);
    if (key === 'also') {
      // also= may appear several times; keep them all, in order.
      let n = 1;
      while (current.settings.has(`also#${n}`)) n++;
      current.settings.set(`also#${n}`, { value, line: no });
    } else {
      const old = current.settings.get(key);
      if (old) ledger.unsupported(old.line, `overridden by line ${no}`);
      current.settings.set(key, { value, line: no });
    }
    current.lines.push(no);
  }
  return { conns, order };
}

/** A conn's effective settings: %default, then each also= (recursively), then its own. */
function effective(conn: Conn, conns: Map<string, Conn>, seen: string[] = []): Map<string, Setting> {
  if (seen.includes(conn.name)) throw new ImportError(conn.line, `also= loop: ${[...seen, conn.name].join(' -> ')}`);
  const out = new Map<string, Setting>();
  const def = conns.get('%default');
  if (def && !seen.length && conn !== def) for (const [k, v] of effective(def, conns, [conn.name])) out.set(k, v);
  for (const [k, v] of conn.settings) {
    if (!k.startsWith('also#')) continue;
    const target = conns.get(v.value);
    if (!target) throw new ImportError(v.line, `also=${v.value}: no conn ${v.value} (expected "conn ${v.value}")`);
    for (const [k2, v2] of effective(target, conns, [...seen, conn.name])) out.set(k2, v2);
  }
  for (const [k, v] of conn.settings) if (!k.startsWith('also#')) out.set(k, v);
  return out;
}

function durationOf(s: Setting | undefined, fallback: number, name: string, warnings: ImportWarning[]): number {
  if (!s) return fallback;
  const v = parseDuration(s.value);
  if (v === null)
    throw new ImportError(s.line, `expected a time such as 3600, 60m, 1h or 1d for ${name}, got "${s.value}"`);
  return clampSeconds(v, s.line, name, warnings);
}

function yesNo(s: Setting | undefined, fallback: boolean): boolean {
  if (!s) return fallback;
  if (s.value === 'yes') return true;
  if (s.value === 'no') return false;
  throw new ImportError(s.line, `expected yes or no, got "${s.value}"`);
}

/** Imports one conn of a legacy ipsec.conf (plus the PSK from ipsec.secrets, if given). */
export function importIpsecConf(text: string, options: IpsecConfImportOptions = {}): ImportResult {
  return importResult(readIpsecConf(text, options));
}

/** What the file says about one connection, before the lab is laid out around it. */
export function readIpsecConf(text: string, options: IpsecConfImportOptions = {}): Imported {
  const side = options.side ?? 'left';
  const ledger = new LineLedger(text);
  ledger.reveal = !!options.revealSecrets;
  const warnings: ImportWarning[] = [];
  const { conns, order } = parse(ledger);
  const referenced = new Set(
    [...conns.values()].flatMap((c) => [...c.settings].filter(([k]) => k.startsWith('also#')).map(([, v]) => v.value)),
  );
  const candidates = order.filter((n) => n !== '%default' && !referenced.has(n));
  if (!candidates.length) throw new ImportError(0, 'no conn found (expected "conn NAME" with indented settings)');
  const name = options.entry === undefined ? candidates[0] : candidates.find((c) => c === String(options.entry));
  if (!name) throw new ImportError(0, `no conn ${options.entry}; the configuration has ${candidates.join(', ')}`);
  const conn = conns.get(name)!;
  const eff = effective(conn, conns);
  ledger.useAll(conn.lines);
  for (const s of eff.values()) ledger.use(s.line);
  for (const v of conn.settings.values()) ledger.use(v.line);
  for (const c of conns.values()) {
    if (c === conn) continue;
    const isTemplate = c.name === '%default' || referenced.has(c.name);
    if (isTemplate) {
      // Template lines the imported conn overrides are understood, not lost.
      ledger.use(c.line);
      for (const [k, v] of c.settings) if (!k.startsWith('also#') && eff.get(k) !== v) ledger.use(v.line);
      for (const [k, v] of c.settings) if (k.startsWith('also#')) ledger.use(v.line);
      continue;
    }
    const reason = `conn ${c.name} is not imported (import it with entry ${c.name})`;
    for (const l of c.lines) ledger.unsupported(l, reason);
    warnings.push({ line: c.line, message: reason });
  }

  // Which end is this gateway: the one at the given address, else left.
  const get = (k: string) => eff.get(k);
  const localIsRight =
    !!options.localAddress &&
    get('right')?.value === options.localAddress &&
    get('left')?.value !== options.localAddress;
  const [L, R] = localIsRight ? ['right', 'left'] : ['left', 'right'];

  for (const [k, s] of eff) {
    if (KNOWN.has(k) || k.startsWith('also#')) continue;
    ledger.unsupported(s.line, UNMODELLED[k] ?? `${k} is not understood by the ipsec.conf importer`);
  }

  const address = (k: string): string | undefined => {
    const s = get(k);
    if (!s) return undefined;
    if (isIPv4(s.value)) return s.value;
    ledger.unsupported(s.line, `only a fixed IPv4 address can be modelled (${s.value})`);
    return undefined;
  };
  const localAddress = address(L);
  const peerAddress = address(R);

  const kx = get('keyexchange');
  if (kx && !['ike', 'ikev1', 'ikev2'].includes(kx.value))
    throw new ImportError(kx.line, `expected keyexchange ike, ikev1 or ikev2, got "${kx.value}"`);
  const ikeVersion: 1 | 2 = kx?.value === 'ikev1' ? 1 : 2;

  const proposals = (k: 'ike' | 'esp'): string[] => {
    const s = get(k);
    if (!s) return ['default'];
    const strict = s.value.trim().endsWith('!');
    if (!strict)
      warnings.push({
        line: s.line,
        message: `${k}= without "!" also accepts strongSwan's default proposals; the lab imports only the listed ones`,
      });
    return s.value
      .replace(/!\s*$/, '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => checkProposal(p, k, s.line));
  };

  const auth = [get('authby'), get(`${L}auth`), get(`${R}auth`)].filter((s): s is Setting => !!s);
  for (const s of auth) {
    if (!['secret', 'psk'].includes(s.value)) {
      ledger.unsupported(s.line, `authentication ${s.value} is not modelled; the lab uses a pre-shared key`);
      warnings.push({ line: s.line, message: `the lab replaces ${s.value} authentication with a pre-shared key` });
    }
  }

  const subnets = (k: string, host: string | undefined): string[] => {
    const s = get(k);
    if (!s) {
      // Without a subnet the tunnel protects the gateway itself.
      return host ? [`${host}/32`] : [];
    }
    const out: string[] = [];
    for (const t of s.value
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      const c = canonicalTs(t);
      if (!c) {
        ledger.unsupported(s.line, `subnet ${t} is not a subnet or address (protocols and ports are not modelled)`);
        return [];
      }
      out.push(c);
    }
    return out;
  };
  const identity = (k: string, fallback: string | undefined): string | undefined => {
    const s = get(k);
    if (!s) return fallback;
    if (isLabIdentity(s.value)) return s.value;
    ledger.unsupported(s.line, 'identities with spaces or quotes cannot be used in the lab');
    return fallback;
  };

  const base = defaultSettings()[side].gateway;
  const reauth = yesNo(get('reauth'), true);
  const margin = durationOf(get('margintime') ?? get('rekeymargin'), DEFAULTS.margin, 'margintime', warnings);
  const ikeLife = durationOf(get('ikelifetime'), DEFAULTS.ikeLifetime, 'ikelifetime', warnings);
  const life = durationOf(get('lifetime') ?? get('keylife'), DEFAULTS.lifetime, 'lifetime', warnings);
  const ikeRekey = Math.max(ikeLife - margin, 0);
  const dpdAction = get('dpdaction');
  if (dpdAction && !(dpdAction.value in DPD))
    throw new ImportError(dpdAction.line, `expected dpdaction none, clear, hold or restart, got "${dpdAction.value}"`);
  const dpd = DPD[dpdAction?.value ?? 'none'];
  const auto = get('auto');
  if (auto && !(auto.value in START))
    throw new ImportError(auto.line, `expected auto start, add, route or ignore, got "${auto.value}"`);
  if (!auto || auto.value === 'ignore')
    warnings.push({
      line: auto?.line ?? conn.line,
      message: 'auto=ignore: strongSwan would not even load this conn; the lab waits for the peer',
    });
  const type = get('type');
  if (type && type.value !== 'tunnel')
    ledger.unsupported(type.line, `type=${type.value} is not modelled; the lab runs tunnel mode`);
  const kt = get('keyingtries');
  if (kt && kt.value !== '%forever' && kt.value !== '0')
    ledger.unsupported(kt.line, 'the lab always keeps retrying (keyingtries=%forever)');

  const localId = identity(`${L}id`, localAddress) ?? base.localId;
  const remoteId = identity(`${R}id`, peerAddress) ?? base.remoteId;
  const gateway: GatewaySettings = {
    ...structuredClone(base),
    ikeVersion,
    ikeProposals: proposals('ike'),
    espProposals: proposals('esp'),
    localId,
    remoteId,
    localTs: subnets(`${L}subnet`, localAddress),
    remoteTs: subnets(`${R}subnet`, peerAddress),
    peerAddress: '',
    // dpdaction=none switches DPD off entirely, whatever dpddelay says.
    dpd: {
      delay: dpd === 'none' ? 0 : durationOf(get('dpddelay'), DEFAULTS.dpdDelay, 'dpddelay', warnings),
      timeout: durationOf(get('dpdtimeout'), DEFAULTS.dpdTimeout, 'dpdtimeout', warnings),
      action: dpd === 'none' ? base.dpd.action : dpd,
    },
    // IKEv1 always reauthenticates; the lab writes that as rekey_time.
    ike: {
      rekeyTime: ikeVersion === 1 || !reauth ? ikeRekey : 0,
      reauthTime: ikeVersion === 2 && reauth ? ikeRekey : 0,
      overTime: margin,
    },
    child: { rekeyTime: Math.max(life - margin, 0), lifeTime: life },
    startAction: START[auto?.value ?? 'ignore'],
    encap: yesNo(get('forceencaps'), false),
    mobike: yesNo(get('mobike'), true),
    aggressive: yesNo(get('aggressive'), false),
  };
  if (gateway.aggressive && ikeVersion === 2) {
    ledger.unsupported(get('aggressive')!.line, 'aggressive mode exists only in IKEv1');
    gateway.aggressive = false;
  }
  gateway.psk = secretFor(options.secretsText, gateway, localAddress, peerAddress, warnings, conn.line);

  return {
    format: 'ipsec.conf',
    entry: conn.name,
    side,
    gateway,
    localAddress,
    peerAddress,
    line: conn.line,
    warnings,
    ledger,
  };
}

/**
 * The PSK from ipsec.secrets: `SELECTORS : PSK "secret"`. The entry naming both ends wins over one
 * naming one end, which wins over a wildcard (no selectors or %any).
 */
function secretFor(
  text: string | undefined,
  gw: GatewaySettings,
  localAddress: string | undefined,
  peerAddress: string | undefined,
  warnings: ImportWarning[],
  connLine: number,
): string {
  const fallback = defaultSettings().left.gateway.psk;
  if (text === undefined) {
    warnings.push({ line: connLine, message: 'no ipsec.secrets given; the lab uses its default pre-shared key' });
    return fallback;
  }
  const local = new Set([gw.localId, localAddress].filter(Boolean));
  const remote = new Set([gw.remoteId, peerAddress].filter(Boolean));
  let best: { secret: string; score: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = stripComment(raw).trim();
    const m = /^(.*?):\s*PSK\s+(.+)$/.exec(line);
    if (!m) return;
    const selectors = m[1].trim().split(/\s+/).filter(Boolean).map(unquote);
    const secret = unquote(m[2]);
    if (!secret) throw new ImportError(0, `ipsec.secrets line ${i + 1}: expected a secret after PSK`);
    const wild = !selectors.length || selectors.every((s) => s === '%any' || s === '%any6');
    const score = wild
      ? 1
      : selectors.some((s) => local.has(s)) && selectors.some((s) => remote.has(s))
        ? 3
        : selectors.some((s) => local.has(s) || remote.has(s))
          ? 2
          : 0;
    if (score && (!best || score > best.score)) best = { secret, score };
  });
  if (!best) {
    warnings.push({
      line: connLine,
      message: 'ipsec.secrets has no PSK for this conn; the lab uses its default pre-shared key',
    });
    return fallback;
  }
  return best.secret;
}
