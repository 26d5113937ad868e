import {
  ASA_DH_GROUPS,
  ESP_V1_ENCRYPTION,
  ESP_V1_INTEGRITY,
  ESP_V2_ENCRYPTION,
  ESP_V2_INTEGRITY,
  IKEV1_ENCRYPTION,
  IKEV1_HASH,
  IKEV2_ENCRYPTION,
  IKEV2_INTEGRITY,
  IKEV2_PRF,
  isAead,
} from '../../vendors/asa/algorithms.js';
import { checkProposal } from '../build.js';
import { append, ImportError, type ImportWarning, type LineLedger } from '../types.js';
import type { AsaConfig, Phase2 } from './model.js';

/** A referenced item the configuration states but that cannot be read: the tunnel needs it, so it is an error. */
function usable(what: string, item: { problems: { line: number; message: string }[] }): void {
  const p = item.problems[0];
  if (p) throw new ImportError(p.line, `${what}: ${p.message}`);
}

/** ESP proposals and the lines they come from. */
export interface Esp {
  proposals: string[];
  lines: number[];
}

function withPfs(proposals: string[], p: Phase2, ledger: LineLedger, lines: number[]): string[] {
  if (!p.pfs) return proposals;
  ledger.use(p.pfs.line);
  lines.push(p.pfs.line);
  return proposals.map((x) => `${x}-${ASA_DH_GROUPS[p.pfs!.value]}`);
}

export function v1Esp(cfg: AsaConfig, ledger: LineLedger, p: Phase2): Esp {
  const lines = [p.v1Sets!.line];
  const out = p.v1Sets!.value.map((name) => {
    const ts = cfg.transformSets.get(name)!;
    usable(`transform set ${name}`, ts);
    ledger.useAll(ts.lines);
    append(lines, ts.lines);
    const integ = ESP_V1_INTEGRITY[ts.integ];
    return [ESP_V1_ENCRYPTION[ts.enc], integ].filter(Boolean).join('-');
  });
  const proposals = withPfs(out, p, ledger, lines).map((x) => checkProposal(x, 'esp', p.v1Sets!.line));
  return { proposals, lines };
}

/** One ASA ipsec-proposal may mix GCM and classic ciphers; strongSwan needs them in separate proposals. */
export function v2Esp(cfg: AsaConfig, ledger: LineLedger, phase2: Phase2): Esp {
  const out: string[] = [];
  const lines = [phase2.v2Proposals!.line];
  for (const name of phase2.v2Proposals!.value) {
    const p = cfg.proposals.get(name)!;
    usable(`ipsec-proposal ${name}`, p);
    ledger.useAll(p.lines);
    append(lines, p.lines);
    if (!p.enc.length)
      throw new ImportError(
        p.header,
        `ipsec-proposal ${name} has no cipher (expected "protocol esp encryption aes-256")`,
      );
    const enc = p.enc.map((e) => ESP_V2_ENCRYPTION[e]);
    const integ = (p.integ ?? ['sha-1']).map((i) => ESP_V2_INTEGRITY[i]).filter(Boolean);
    const aead = enc.filter(isAead);
    const classic = enc.filter((e) => !isAead(e));
    const parts: string[][] = [];
    if (aead.length) parts.push(aead);
    if (classic.length) {
      if (!integ.length)
        throw new ImportError(
          p.header,
          `ipsec-proposal ${name}: ${classic.join(', ')} need an integrity algorithm other than null`,
        );
      parts.push([...classic, ...integ]);
    }
    if (classic.length && aead.length && isAead(enc[0]) === false) parts.reverse();
    append(
      out,
      parts.map((x) => x.join('-')),
    );
  }
  const proposals = withPfs(out, phase2, ledger, lines).map((x) => checkProposal(x, 'esp', phase2.v2Proposals!.line));
  return { proposals, lines };
}

/** IKE proposals of the global policies, the lab's one IKE lifetime, and the lines behind them. */
export interface Ike {
  proposals: string[];
  lifetime: number;
  /** The first policy's header, and the line its lifetime is set on (the header when it is the default). */
  line: number;
  lifetimeLine: number;
  lines: number[];
}

/** Policies with a line that cannot be read are left out (their lines listed); none left is an error. */
function readable<T extends { prio: number; lines: number[]; problems: { line: number; message: string }[] }>(
  policies: T[],
  version: string,
  ledger: LineLedger,
): T[] {
  const ok = policies.filter((p) => !p.problems.length);
  for (const p of policies.filter((x) => x.problems.length))
    for (const l of p.lines)
      ledger.unsupported(l, `IKE${version} policy ${p.prio} cannot be used: ${p.problems[0].message}`);
  if (!ok.length && policies.length) {
    const p = policies[0].problems[0];
    throw new ImportError(p.line, `IKE${version} policy ${policies[0].prio}: ${p.message}`);
  }
  return ok;
}

export function v1Ike(cfg: AsaConfig, ledger: LineLedger, warnings: ImportWarning[]): Ike {
  const pre = readable(
    [...cfg.v1Policies].sort((a, b) => a.prio - b.prio),
    'v1',
    ledger,
  ).filter((p) => {
    if (p.auth === 'pre-share') return true;
    for (const l of p.lines)
      ledger.unsupported(l, `IKEv1 policy ${p.prio} authenticates with ${p.auth}; the lab uses pre-shared keys`);
    return false;
  });
  if (!pre.length)
    throw new ImportError(
      0,
      'no IKEv1 policy with "authentication pre-share" (expected "crypto ikev1 policy N" with "authentication pre-share")',
    );
  return policiesResult(
    pre.map((p) => {
      ledger.useAll(p.lines);
      const proposal = `${IKEV1_ENCRYPTION[p.enc]}-${IKEV1_HASH[p.hash]}-${ASA_DH_GROUPS[p.group]}`;
      return {
        proposal: checkProposal(proposal, 'ike', p.lines[0]),
        lifetime: p.lifetime,
        lines: p.lines,
        lifetimeLine: p.lifetimeLine,
      };
    }),
    warnings,
  );
}

export function v2Ike(cfg: AsaConfig, ledger: LineLedger, warnings: ImportWarning[]): Ike {
  const all = [...cfg.v2Policies].sort((a, b) => a.prio - b.prio);
  const policies = readable(all, 'v2', ledger);
  if (!policies.length)
    throw new ImportError(0, 'no IKEv2 policy (expected "crypto ikev2 policy N" with encryption, integrity, group)');
  const items: PolicyItem[] = [];
  for (const p of policies) {
    ledger.useAll(p.lines);
    const enc = p.enc.map((e) => IKEV2_ENCRYPTION[e]);
    const integ = p.integ.map((i) => IKEV2_INTEGRITY[i]).filter(Boolean);
    const prf = p.prf.map((f) => IKEV2_PRF[f]);
    const groups = p.group.map((g) => ASA_DH_GROUPS[g]);
    const aead = enc.filter(isAead);
    const classic = enc.filter((e) => !isAead(e));
    const parts: string[][] = [];
    // With GCM the integrity is null and an ASA then uses SHA-1 as PRF unless told otherwise.
    if (aead.length) parts.push([...aead, ...(prf.length ? prf : ['prfsha1']), ...groups]);
    if (classic.length) {
      if (!integ.length)
        throw new ImportError(
          p.lines[0],
          `IKEv2 policy ${p.prio}: ${classic.join(', ')} need an integrity algorithm other than null`,
        );
      // No explicit prf: strongSwan, like the ASA, derives the PRF from the integrity algorithm.
      parts.push([...classic, ...integ, ...prf, ...groups]);
    }
    if (aead.length && classic.length && !isAead(enc[0])) parts.reverse();
    for (const part of parts)
      items.push({
        proposal: checkProposal(part.join('-'), 'ike', p.lines[0]),
        lifetime: p.lifetime,
        lines: p.lines,
        lifetimeLine: p.lifetimeLine,
      });
  }
  return policiesResult(items, warnings);
}

interface PolicyItem {
  proposal: string;
  lifetime: number;
  lines: number[];
  lifetimeLine?: number;
}

/** The lab has one IKE lifetime; the first (highest-priority) policy's wins. */
function policiesResult(items: PolicyItem[], warnings: ImportWarning[]): Ike {
  const lifetime = items[0].lifetime;
  for (const it of items.slice(1)) {
    if (it.lifetime !== lifetime) {
      warnings.push({
        line: it.lines[0],
        message: `lifetime ${it.lifetime}s differs from the first policy's ${lifetime}s; the lab uses one IKE lifetime (${lifetime}s)`,
      });
      break;
    }
  }
  return {
    proposals: [...new Set(items.map((i) => i.proposal))],
    lifetime,
    line: items[0].lines[0],
    lifetimeLine: items[0].lifetimeLine ?? items[0].lines[0],
    lines: items.flatMap((i) => i.lines),
  };
}
