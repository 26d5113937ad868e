import { isIPv4, normalizeCidr } from '../../settings/addresses.js';
import { maskToPrefix } from '../../vendors/netmask.js';
import { canonicalTs, type FoundPlaceholder } from '../build.js';
import { append, ImportError, type ImportWarning, type LineLedger } from '../types.js';
import type { AddrSpec, AsaConfig, Phase2 } from './model.js';

export interface Resolved {
  cidrs: string[];
  /** Lines that define what was resolved (objects, groups, names). */
  lines: number[];
  /** Words nothing in the configuration defines: a template's placeholders. */
  placeholders: { text: string; line: number }[];
  bad?: string;
}

/** An address word: an IPv4 address, a `name`, or (defined nowhere) a placeholder. */
export function resolveHost(cfg: AsaConfig, word: string): { address?: string; line?: number } {
  if (isIPv4(word)) return { address: word };
  const named = cfg.names.get(word);
  return named ? { address: named.value, line: named.line } : {};
}

/** Addresses of an ACL operand, and the lines that define them (marked used only if the caller keeps them). */
export function resolve(cfg: AsaConfig, spec: AddrSpec, line: number, within: string[] = []): Resolved {
  const none: Resolved = { cidrs: [], lines: [], placeholders: [] };
  // A group that holds itself (through others) is a loop; a long chain of distinct groups is only deep.
  if ((spec.kind === 'object' || spec.kind === 'group') && within.includes(spec.name))
    throw new ImportError(line, `object-group loop: ${[...within, spec.name].join(' -> ')}`);
  if (within.length > 16)
    throw new ImportError(
      line,
      `object-groups nested too deep: ${within.length} levels (${within.join(' -> ')}); at most 16`,
    );
  if (spec.kind === 'cidr') return { ...none, cidrs: [spec.cidr] };
  if (spec.kind === 'bad') return { ...none, bad: spec.reason };
  if (spec.kind === 'word') {
    const host = resolveHost(cfg, spec.word);
    const prefix = spec.mask === undefined ? 32 : maskToPrefix(spec.mask);
    if (host.address && prefix !== null)
      return { ...none, cidrs: [normalizeCidr(`${host.address}/${prefix}`)], lines: host.line ? [host.line] : [] };
    return { ...none, placeholders: [{ text: spec.text, line }] };
  }
  if (spec.kind === 'object') {
    const obj = cfg.objects.get(spec.name);
    if (!obj)
      throw new ImportError(line, `object ${spec.name} is not defined (expected "object network ${spec.name}")`);
    if (!obj.bad && !obj.specs.length)
      throw new ImportError(obj.lines[0], `object ${spec.name} has no address (expected "subnet A MASK" or "host A")`);
    const out: Resolved = { ...none, lines: [...obj.lines], bad: obj.bad };
    for (const s of obj.specs) merge(out, resolve(cfg, s.spec, s.line, [...within, spec.name]));
    return out;
  }
  const group = cfg.groups.get(spec.name);
  if (!group)
    throw new ImportError(
      line,
      `object-group ${spec.name} is not defined (expected "object-group network ${spec.name}")`,
    );
  const out: Resolved = { ...none, lines: [...group.lines] };
  for (const m of group.members) merge(out, resolve(cfg, m.spec, m.line, [...within, spec.name]));
  return out;
}

function merge(into: Resolved, r: Resolved): void {
  append(into.cidrs, r.cidrs);
  append(into.lines, r.lines);
  append(into.placeholders, r.placeholders);
  into.bad ??= r.bad;
}

/** References a crypto map entry or ipsec profile makes; the tunnel cannot be built without them. */
export function checkReferences(cfg: AsaConfig, p: Phase2 & { acl?: { value: string; line: number } }): void {
  if (p.acl && !cfg.acls.has(p.acl.value)) {
    throw new ImportError(
      p.acl.line,
      `access-list ${p.acl.value} is not defined (expected "access-list ${p.acl.value} extended permit ip ...")`,
    );
  }
  for (const name of p.v1Sets?.value ?? []) {
    if (!cfg.transformSets.has(name)) {
      throw new ImportError(
        p.v1Sets!.line,
        `transform set ${name} is not defined (expected "crypto ipsec ikev1 transform-set ${name} ...")`,
      );
    }
  }
  for (const name of p.v2Proposals?.value ?? []) {
    if (!cfg.proposals.has(name)) {
      throw new ImportError(
        p.v2Proposals!.line,
        `ipsec-proposal ${name} is not defined (expected "crypto ipsec ikev2 ipsec-proposal ${name}")`,
      );
    }
  }
}

export interface Selectors {
  local: string[];
  remote: string[];
  placeholders: FoundPlaceholder[];
  lines: number[];
}

/** The encryption domain of a crypto ACL: its permit entries, objects and groups resolved. */
export function selectors(cfg: AsaConfig, ledger: LineLedger, aclName: string, warnings: ImportWarning[]): Selectors {
  const acl = cfg.acls.get(aclName)!;
  const out: Selectors = { local: [], remote: [], placeholders: [], lines: [] };
  const pairs = new Set<string>();
  let localCount = 0;
  let remoteCount = 0;
  // Sets beside the lists: a group of a million hosts must not be searched once per host.
  const seenLocal = new Set<string>();
  const seenRemote = new Set<string>();
  for (const l of acl.lines) if (!ledger.isUsed(l)) ledger.use(l);
  for (const e of acl.entries) {
    const src = resolve(cfg, e.src, e.line);
    const dst = resolve(cfg, e.dst, e.line);
    if (src.bad || dst.bad) {
      ledger.unsupported(e.line, (src.bad ?? dst.bad)!);
      continue;
    }
    ledger.useAll([...src.lines, ...dst.lines]);
    out.lines.push(e.line);
    for (const p of src.placeholders) out.placeholders.push({ ...p, field: 'localTs' });
    for (const p of dst.placeholders) out.placeholders.push({ ...p, field: 'remoteTs' });
    localCount += src.cidrs.length + src.placeholders.length;
    remoteCount += dst.cidrs.length + dst.placeholders.length;
    for (const s of src.cidrs) for (const d of dst.cidrs) pairs.add(`${s} ${d}`);
    for (const s of src.cidrs) {
      if (seenLocal.has(s)) continue;
      seenLocal.add(s);
      out.local.push(s);
    }
    for (const d of dst.cidrs) {
      if (seenRemote.has(d)) continue;
      seenRemote.add(d);
      out.remote.push(d);
    }
  }
  if (!localCount || !remoteCount) {
    const why = acl.problems[0];
    throw new ImportError(
      why?.line ?? acl.lines[0] ?? 0,
      `access-list ${aclName} has no usable "permit ip" entry for the encryption domain${why ? ` (${why.message})` : ''}`,
    );
  }
  if (!out.placeholders.length && pairs.size !== out.local.length * out.remote.length) {
    warnings.push({
      line: acl.lines[0],
      message: `access-list ${aclName} does not pair every local with every remote network; strongSwan negotiates all ${out.local.length}x${out.remote.length} combinations`,
    });
  }
  return out;
}

/**
 * `nat (inside,outside) source static L L destination static R R` exempts the tunnel traffic
 * from NAT; the lab never NATs, so such a line is understood. Any other NAT stays unsupported.
 */
export function checkNatExemption(cfg: AsaConfig, ledger: LineLedger, ts: { local: string[]; remote: string[] }): void {
  for (const nat of cfg.nats) {
    const t = nat.tokens;
    const s = t.indexOf('source');
    const d = t.indexOf('destination');
    if (s < 0 || d < 0 || t[s + 1] !== 'static' || t[d + 1] !== 'static') continue;
    const [l1, l2, r1, r2] = [t[s + 2], t[s + 3], t[d + 2], t[d + 3]];
    if (!l1 || l1 !== l2 || !r1 || r1 !== r2) continue;
    const operand = (name: string) => {
      const spec: AddrSpec = cfg.groups.has(name) ? { kind: 'group', name } : { kind: 'object', name };
      try {
        return resolve(cfg, spec, nat.line);
      } catch {
        return null;
      }
    };
    const l = operand(l1);
    const r = operand(r1);
    if (!l || !r || l.bad || r.bad) continue;
    const within = (cidrs: string[], domain: string[]) => cidrs.every((c) => domain.includes(canonicalTs(c) ?? c));
    if (within(l.cidrs, ts.local) && within(r.cidrs, ts.remote)) ledger.useAll([nat.line, ...l.lines, ...r.lines]);
  }
}
