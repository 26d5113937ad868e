import { isIPv4 } from '../../settings/addresses.js';
import type { StartAction } from '../../settings/types.js';
import { ASA_DH_GROUPS, ESP_V1_ENCRYPTION, ESP_V1_INTEGRITY } from '../../vendors/asa/algorithms.js';
import { DEFAULT_PFS_GROUP, type MapEntry, type ParseContext, type Phase2 } from './model.js';
import { oneOf, parseAddr, seconds } from './syntax.js';

/** Notes a setting that cannot be read on the item that owns it; false so callers can `return`. */
function problem(ctx: ParseContext, owner: { problems: { line: number; message: string }[] }, no: number, m: string) {
  owner.problems.push({ line: no, message: m });
  ctx.ledger.unsupported(no, m);
  return false;
}

export function accessList(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger } = ctx;
  const name = t[1];
  if (!name || t[2] === undefined) {
    ledger.unsupported(no, 'expected "access-list NAME extended permit ip SOURCE DESTINATION"');
    return;
  }
  const acl = cfg.acls.get(name) ?? { lines: [], entries: [], problems: [] };
  cfg.acls.set(name, acl);
  const reason = `access-list ${name} is not used by the imported tunnel`;
  acl.lines.push(no);
  if (t[2] === 'remark') {
    ledger.pending(no, reason);
    return;
  }
  if (t[2] !== 'extended') {
    problem(ctx, acl, no, 'only extended access lists can define the encryption domain');
    return;
  }
  if (t[3] !== 'permit') {
    problem(ctx, acl, no, 'deny entries cannot be expressed as traffic selectors');
    return;
  }
  if (t[4] !== 'ip') {
    // strongSwan could narrow to a protocol/port, but the lab's selectors are subnets only.
    problem(ctx, acl, no, `protocol-specific entries (${t[4] ?? '?'}) are not modelled; the lab selects whole subnets`);
    return;
  }
  const src = parseAddr(t, 5);
  const dst = parseAddr(t, src.next);
  const bad = [src.spec, dst.spec].find((s) => s.kind === 'bad');
  if (bad?.kind === 'bad') {
    problem(ctx, acl, no, bad.reason);
    return;
  }
  const rest = t.slice(dst.next);
  if (rest.includes('inactive')) {
    ledger.unsupported(no, 'inactive entry');
    return;
  }
  const unknown = rest.filter((w) => !['log', 'disable', 'default', 'interval'].includes(w) && !/^\d+$/.test(w));
  if (unknown.length) ledger.unsupported(no, `options ${unknown.join(' ')} are not modelled`);
  acl.entries.push({ line: no, src: src.spec, dst: dst.spec });
  ledger.pending(no, reason);
}

export function transformSet(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger } = ctx;
  // t: ["transform-set", NAME, transforms...]
  const name = t[1];
  if (t[0] !== 'transform-set' || !name) {
    ledger.unsupported(no, 'expected "crypto ipsec ikev1 transform-set NAME TRANSFORMS"');
    return;
  }
  if (t[2] === 'mode') {
    ledger.unsupported(
      no,
      t[3] === 'transport' ? 'transport mode is not modelled; the lab runs tunnel mode' : 'mode setting not modelled',
    );
    return;
  }
  const existing = cfg.transformSets.get(name);
  const ts = existing ?? { lines: [], enc: '', integ: 'esp-none', problems: [] };
  cfg.transformSets.set(name, ts);
  ts.lines.push(no);
  ledger.pending(no, `transform set ${name} is not used by the imported tunnel`);
  for (const w of t.slice(2)) {
    if (w in ESP_V1_ENCRYPTION) ts.enc = w;
    else if (w in ESP_V1_INTEGRITY) ts.integ = w;
    else {
      const known = [...Object.keys(ESP_V1_ENCRYPTION), ...Object.keys(ESP_V1_INTEGRITY)].join(', ');
      problem(ctx, ts, no, `unknown transform "${w}" (expected one of: ${known})`);
      return;
    }
  }
  if (!ts.enc) problem(ctx, ts, no, `transform set ${name} has no cipher (expected e.g. esp-aes-256)`);
}

/**
 * The phase 2 words after `set` in a crypto map entry or an ipsec profile. True when understood;
 * otherwise the line is already listed (with what was expected, on the item if it matters).
 */
export function phase2Setting(ctx: ParseContext, p: Phase2, no: number, s: string[]): boolean {
  const { ledger, warnings } = ctx;
  const [what, arg] = s;
  const ref = <T>(value: T) => ({ value, line: no });
  if ((what === 'ikev1' && arg === 'transform-set') || what === 'transform-set') {
    const names = what === 'ikev1' ? s.slice(2) : s.slice(1);
    if (!names.length) return problem(ctx, p, no, 'expected a transform set name');
    p.v1Sets = ref(names);
  } else if (what === 'ikev2' && arg === 'ipsec-proposal') {
    if (!s[2]) return problem(ctx, p, no, 'expected an ipsec-proposal name');
    p.v2Proposals = ref(s.slice(2));
  } else if (what === 'pfs') {
    const c = oneOf(ASA_DH_GROUPS, arg === undefined ? DEFAULT_PFS_GROUP : arg.replace(/^group/, ''), 'PFS group');
    if ('problem' in c) return problem(ctx, p, no, c.problem);
    p.pfs = ref(c.value);
  } else if (what === 'security-association' && arg === 'lifetime') {
    const i = s.indexOf('seconds');
    if (i >= 0) {
      const c = seconds(s[i + 1], 'seconds');
      if ('problem' in c) return problem(ctx, p, no, c.problem);
      p.lifetime = ref(c.value);
    }
    if (s.includes('kilobytes')) {
      if (i < 0) {
        ledger.unsupported(no, 'volume lifetimes are not modelled; the lab rekeys by time');
        return false;
      }
      warnings.push({ line: no, message: 'the kilobytes lifetime is not modelled; only the seconds are imported' });
    }
    if (i < 0 && !s.includes('kilobytes')) return problem(ctx, p, no, 'expected "lifetime seconds N"');
  } else {
    const reasons: Record<string, string> = {
      'reverse-route': 'reverse route injection is routing, not part of the lab tunnel',
      'nat-t-disable': 'disabling NAT-T is not modelled',
    };
    ledger.unsupported(no, reasons[what ?? ''] ?? 'phase 2 setting not modelled in the lab');
    return false;
  }
  return true;
}

const CONNECTION_TYPES: Record<string, StartAction> = {
  // strongSwan cannot refuse to answer, so originate-only starts on traffic like bidirectional.
  'answer-only': 'wait',
  'originate-only': 'trap',
  bidirectional: 'trap',
};

export function cryptoMap(ctx: ParseContext, no: number, t: string[]): void {
  const { cfg, ledger } = ctx;
  const mapName = t[2];
  if (!mapName) {
    ledger.unsupported(no, 'expected a crypto map name');
    return;
  }
  if (t[3] === 'interface') {
    if (!t[4]) ledger.unsupported(no, 'expected an interface name');
    else {
      cfg.mapInterfaces.set(mapName, { value: t[4], line: no });
      ledger.pending(no, `crypto map ${mapName} is not imported`);
    }
    return;
  }
  if (!/^\d+$/.test(t[3] ?? '')) {
    ledger.unsupported(no, `expected a sequence number or "interface" after crypto map ${mapName}`);
    return;
  }
  const seq = Number(t[3]);
  const entries = cfg.maps.get(mapName) ?? new Map<number, MapEntry>();
  cfg.maps.set(mapName, entries);
  const entry: MapEntry = entries.get(seq) ?? { map: mapName, seq, lines: [], problems: [] };
  entries.set(seq, entry);
  entry.lines.push(no);
  ledger.pending(no, `crypto map ${mapName} ${seq} is not imported`);
  const [verb, what] = [t[4], t[5]];
  const args = t.slice(6);
  const ref = <T>(value: T) => ({ value, line: no });
  if (verb === 'match' && what === 'address' && t[6]) entry.acl = ref(t[6]);
  else if (verb === 'ipsec-isakmp' && what === 'dynamic') {
    ledger.unsupported(no, 'dynamic crypto maps (any peer) are not modelled; the lab tunnel has one fixed peer');
    entries.delete(seq);
  } else if (verb !== 'set') ledger.unsupported(no, 'crypto map setting not understood');
  else if (what === 'peer') {
    if (!args.length) problem(ctx, entry, no, 'expected a peer address after "set peer"');
    else entry.peers = ref(args);
  } else if (what === 'ikev1' && t[6] === 'phase1-mode') {
    if (t[7] !== 'aggressive' && t[7] !== 'main')
      problem(ctx, entry, no, 'expected "aggressive" or "main" after phase1-mode');
    else entry.aggressive = ref(t[7] === 'aggressive');
  } else if (what === 'connection-type') {
    const v = args[0] ?? '';
    if (!(v in CONNECTION_TYPES)) problem(ctx, entry, no, 'expected answer-only, originate-only or bidirectional');
    else entry.connectionType = ref(CONNECTION_TYPES[v]);
  } else phase2Setting(ctx, entry, no, t.slice(5));
}

/** `route IFNAME NETWORK MASK GATEWAY [METRIC]`: the networks a route-based tunnel reaches. */
export function route(ctx: ParseContext, no: number, t: string[]): void {
  const ifname = t[1];
  if (!ifname || t.length < 4) {
    ctx.ledger.unsupported(no, 'not part of the tunnel');
    return;
  }
  ctx.cfg.routes.push({ line: no, ifname, dest: parseAddr(t, 2).spec });
  ctx.ledger.pending(no, 'not part of the tunnel');
}

/** `name ADDRESS NAME`: a name that stands for an address anywhere an address is written. */
export function nameCommand(ctx: ParseContext, no: number, t: string[]): void {
  if (!t[1] || !isIPv4(t[1]) || !t[2]) {
    ctx.ledger.unsupported(no, 'expected "name ADDRESS NAME"');
    return;
  }
  ctx.cfg.names.set(t[2], { value: t[1], line: no });
  ctx.ledger.pending(no, `name ${t[2]} is not used by the imported tunnel`);
}
