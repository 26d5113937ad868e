import { canonicalTs } from '../build.js';
import { ImportError, type ImportWarning, type LineLedger } from '../types.js';
import type { AddrSpec, AsaConfig, MapEntry } from './model.js';

export function checkReferences(cfg: AsaConfig, e: MapEntry): void {
  if (e.acl && !cfg.acls.has(e.acl.value)) {
    throw new ImportError(
      e.acl.line,
      `access-list ${e.acl.value} is not defined (expected "access-list ${e.acl.value} extended permit ip ...")`,
    );
  }
  for (const name of e.v1Sets?.value ?? []) {
    if (!cfg.transformSets.has(name)) {
      throw new ImportError(
        e.v1Sets!.line,
        `transform set ${name} is not defined (expected "crypto ipsec ikev1 transform-set ${name} ...")`,
      );
    }
  }
  for (const name of e.v2Proposals?.value ?? []) {
    if (!cfg.proposals.has(name)) {
      throw new ImportError(
        e.v2Proposals!.line,
        `ipsec-proposal ${name} is not defined (expected "crypto ipsec ikev2 ipsec-proposal ${name}")`,
      );
    }
  }
}

/** Addresses of an ACL operand, and the lines that define them (marked used only if the caller keeps them). */
export function resolve(
  cfg: AsaConfig,
  spec: AddrSpec,
  line: number,
  depth = 0,
): { cidrs: string[]; lines: number[]; bad?: string } {
  if (depth > 16) throw new ImportError(line, 'object-groups nest too deeply (a loop?)');
  if (spec.kind === 'cidr') return { cidrs: [spec.cidr], lines: [] };
  if (spec.kind === 'bad') return { cidrs: [], lines: [], bad: spec.reason };
  if (spec.kind === 'object') {
    const obj = cfg.objects.get(spec.name);
    if (!obj)
      throw new ImportError(line, `object ${spec.name} is not defined (expected "object network ${spec.name}")`);
    if (!obj.bad && !obj.cidrs.length)
      throw new ImportError(obj.lines[0], `object ${spec.name} has no address (expected "subnet A MASK" or "host A")`);
    return { cidrs: obj.cidrs, lines: obj.lines, bad: obj.bad };
  }
  const group = cfg.groups.get(spec.name);
  if (!group)
    throw new ImportError(
      line,
      `object-group ${spec.name} is not defined (expected "object-group network ${spec.name}")`,
    );
  const out = { cidrs: [] as string[], lines: [...group.lines], bad: undefined as string | undefined };
  for (const m of group.members) {
    const r = resolve(cfg, m.spec, m.line, depth + 1);
    out.cidrs.push(...r.cidrs);
    out.lines.push(...r.lines);
    out.bad ??= r.bad;
  }
  return out;
}

export function selectors(
  cfg: AsaConfig,
  ledger: LineLedger,
  aclName: string,
  warnings: ImportWarning[],
): { local: string[]; remote: string[] } {
  const acl = cfg.acls.get(aclName)!;
  const local: string[] = [];
  const remote: string[] = [];
  const pairs = new Set<string>();
  for (const l of acl.lines) if (!ledger.isUsed(l)) ledger.use(l);
  for (const e of acl.entries) {
    const src = resolve(cfg, e.src, e.line);
    const dst = resolve(cfg, e.dst, e.line);
    if (src.bad || dst.bad) {
      ledger.unsupported(e.line, (src.bad ?? dst.bad)!);
      continue;
    }
    ledger.use(...src.lines, ...dst.lines);
    for (const s of src.cidrs) for (const d of dst.cidrs) pairs.add(`${s} ${d}`);
    for (const s of src.cidrs) if (!local.includes(s)) local.push(s);
    for (const d of dst.cidrs) if (!remote.includes(d)) remote.push(d);
  }
  if (!local.length)
    throw new ImportError(
      acl.lines[0] ?? 0,
      `access-list ${aclName} has no usable "permit ip" entry for the encryption domain`,
    );
  if (pairs.size !== local.length * remote.length) {
    warnings.push({
      line: acl.lines[0],
      message: `access-list ${aclName} does not pair every local with every remote network; strongSwan negotiates all ${local.length}x${remote.length} combinations`,
    });
  }
  return { local, remote };
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
    if (within(l.cidrs, ts.local) && within(r.cidrs, ts.remote)) ledger.use(nat.line, ...l.lines, ...r.lines);
  }
}
