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
import { ImportError, type ImportWarning, type LineLedger } from '../types.js';
import type { AsaConfig, MapEntry } from './model.js';

function withPfs(proposals: string[], entry: MapEntry, ledger: LineLedger): string[] {
  if (!entry.pfs) return proposals;
  ledger.use(entry.pfs.line);
  return proposals.map((p) => `${p}-${ASA_DH_GROUPS[entry.pfs!.value]}`);
}

export function v1Esp(cfg: AsaConfig, ledger: LineLedger, entry: MapEntry): string[] {
  const out = entry.v1Sets!.value.map((name) => {
    const ts = cfg.transformSets.get(name)!;
    ledger.use(...ts.lines);
    const integ = ESP_V1_INTEGRITY[ts.integ];
    return [ESP_V1_ENCRYPTION[ts.enc], integ].filter(Boolean).join('-');
  });
  return withPfs(out, entry, ledger).map((p) => checkProposal(p, 'esp', entry.v1Sets!.line));
}

/** One ASA ipsec-proposal may mix GCM and classic ciphers; strongSwan needs them in separate proposals. */
export function v2Esp(cfg: AsaConfig, ledger: LineLedger, entry: MapEntry): string[] {
  const out: string[] = [];
  for (const name of entry.v2Proposals!.value) {
    const p = cfg.proposals.get(name)!;
    ledger.use(...p.lines);
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
    out.push(...parts.map((x) => x.join('-')));
  }
  return withPfs(out, entry, ledger).map((p) => checkProposal(p, 'esp', entry.v2Proposals!.line));
}

export function v1Ike(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
): { proposals: string[]; lifetime: number; line: number } {
  const usable = [...cfg.v1Policies]
    .sort((a, b) => a.prio - b.prio)
    .filter((p) => {
      if (p.auth === 'pre-share') return true;
      for (const l of p.lines)
        ledger.unsupported(l, `IKEv1 policy ${p.prio} authenticates with ${p.auth}; the lab uses pre-shared keys`);
      return false;
    });
  if (!usable.length)
    throw new ImportError(
      0,
      'no IKEv1 policy with "authentication pre-share" (expected "crypto ikev1 policy N" with "authentication pre-share")',
    );
  return policiesResult(
    usable.map((p) => {
      ledger.use(...p.lines);
      const proposal = `${IKEV1_ENCRYPTION[p.enc]}-${IKEV1_HASH[p.hash]}-${ASA_DH_GROUPS[p.group]}`;
      return { proposal: checkProposal(proposal, 'ike', p.lines[0]), lifetime: p.lifetime, line: p.lines[0] };
    }),
    warnings,
  );
}

export function v2Ike(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
): { proposals: string[]; lifetime: number; line: number } {
  const policies = [...cfg.v2Policies].sort((a, b) => a.prio - b.prio);
  if (!policies.length)
    throw new ImportError(0, 'no IKEv2 policy (expected "crypto ikev2 policy N" with encryption, integrity, group)');
  const items: { proposal: string; lifetime: number; line: number }[] = [];
  for (const p of policies) {
    ledger.use(...p.lines);
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
        line: p.lines[0],
      });
  }
  return policiesResult(items, warnings);
}

/** The lab has one IKE lifetime; the first (highest-priority) policy's wins. */
function policiesResult(items: { proposal: string; lifetime: number; line: number }[], warnings: ImportWarning[]) {
  const lifetime = items[0].lifetime;
  for (const it of items.slice(1)) {
    if (it.lifetime !== lifetime) {
      warnings.push({
        line: it.line,
        message: `lifetime ${it.lifetime}s differs from the first policy's ${lifetime}s; the lab uses one IKE lifetime (${lifetime}s)`,
      });
      break;
    }
  }
  return { proposals: [...new Set(items.map((i) => i.proposal))], lifetime, line: items[0].line };
}
