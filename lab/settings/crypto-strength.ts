import { parseProposal, type ProposalKind } from './proposals.js';
import { type GatewaySettings, type LabSettings, type Side, SIDES } from './types.js';

/**
 * Cryptography below what the vendors recommend today. A tunnel with it comes up and works, so it
 * is advice, not a mismatch: it never fails a validation or a comparison, and it is never silent.
 *
 * Sources (the thresholds below follow them):
 * - Cisco, "Next Generation Encryption" (tools.cisco.com/security/center/resources/next_generation_cryptography):
 *   DES and MD5 Avoid, 3DES and HMAC-MD5 Legacy, HMAC-SHA-1 Acceptable but SHA-256 preferred,
 *   DH-768/-1024 (groups 1, 2) Avoid, group 5 below the 2048-bit minimum, groups 19/20/21 (ECDH)
 *   NGE; the ASA's own defaults are 86 400 s for IKE and 28 800 s for IPsec SAs.
 * - Palo Alto Networks, "Define IKE Crypto Profiles" / "Define IPSec Crypto Profiles" (PAN-OS docs):
 *   the predefined "default" profiles (3DES, SHA-1, group 2) exist for compatibility; the
 *   recommended "Suite-B-GCM-128/256" profiles use AES-GCM with DH group 19/20.
 * - NIST SP 800-77 Rev. 1, "Guide to IPsec VPNs" (2020): DH groups 1, 2, 5 and the RFC 5114
 *   groups 22-24 should not be used, at least group 14 (2048-bit MODP) or 19/20/21/31; DES and
 *   3DES not for new deployments; HMAC-SHA-1 legacy only, SHA-2 recommended; IKE SA lifetime
 *   at most 24 h and IPsec SA lifetime at most 8 h; PFS for CHILD_SAs.
 */
export interface CryptoAdvice {
  /** 'both' when the two gateways share the weakness. */
  side: Side | 'both';
  /** The settings field, without the side ("gateway.ikeProposals"). */
  field: string;
  /** What is weak, in one line ("DH group 2 (modp1024)"). */
  issue: string;
  /** What the vendors recommend instead. */
  recommendation: string;
}

const WEAK_DH: Record<string, string> = {
  modp768: 'DH group 1 (modp768)',
  modp1024: 'DH group 2 (modp1024)',
  modp1536: 'DH group 5 (modp1536)',
  modp1024s160: 'DH group 22 (modp1024s160)',
  modp2048s224: 'DH group 23 (modp2048s224)',
  modp2048s256: 'DH group 24 (modp2048s256)',
};
const DH_ADVICE =
  'use DH group 19 or 20 (ecp256/ecp384; Cisco NGE, Palo Alto Suite-B profiles), at least group 14 (modp2048; NIST SP 800-77r1)';

const WEAK_INTEGRITY: Record<string, string> = {
  md5: 'MD5 integrity',
  md5_128: 'MD5 integrity',
  prfmd5: 'MD5 PRF',
  sha1: 'SHA-1 integrity',
  sha: 'SHA-1 integrity',
  sha1_160: 'SHA-1 integrity',
  prfsha1: 'SHA-1 PRF',
};
const INTEGRITY_ADVICE =
  'use SHA-256 or stronger (sha256/sha384), or an AEAD cipher such as AES-GCM (Cisco NGE, NIST SP 800-77r1)';

const WEAK_ENCRYPTION: Record<string, string> = {
  des: 'DES encryption',
  '3des': '3DES encryption',
  blowfish: 'Blowfish encryption',
  blowfish128: 'Blowfish encryption',
  blowfish256: 'Blowfish encryption',
  cast128: 'CAST-128 encryption',
  null: 'no encryption (null)',
};
const ENCRYPTION_ADVICE = 'use AES (aes256, or aes256gcm16 with IKEv2; Cisco NGE, Palo Alto Suite-B profiles)';

/** Longest lifetimes the guidance allows: NIST SP 800-77r1, and the Cisco defaults. */
export const MAX_IKE_LIFETIME_S = 86_400;
export const MAX_CHILD_LIFETIME_S = 28_800;

function proposalAdvice(gw: GatewaySettings, kind: ProposalKind): Omit<CryptoAdvice, 'side'>[] {
  const field = kind === 'ike' ? 'gateway.ikeProposals' : 'gateway.espProposals';
  const seen = new Map<string, Omit<CryptoAdvice, 'side'>>();
  for (const text of kind === 'ike' ? gw.ikeProposals : gw.espProposals) {
    let p;
    try {
      p = parseProposal(text, kind, gw.release);
    } catch {
      continue; // settings validation names a bad proposal; this is only about weak ones
    }
    const add = (issue: string, recommendation: string) =>
      seen.set(issue, { field, issue: `${issue} in ${kind === 'ike' ? 'IKE' : 'ESP'} proposals`, recommendation });
    for (const d of p.dh) if (WEAK_DH[d]) add(kind === 'ike' ? WEAK_DH[d] : `PFS with ${WEAK_DH[d]}`, DH_ADVICE);
    for (const i of [...p.integrity, ...p.prf]) if (WEAK_INTEGRITY[i]) add(WEAK_INTEGRITY[i], INTEGRITY_ADVICE);
    for (const e of p.encryption) if (WEAK_ENCRYPTION[e]) add(WEAK_ENCRYPTION[e], ENCRYPTION_ADVICE);
  }
  return [...seen.values()];
}

function gatewayAdvice(gw: GatewaySettings): Omit<CryptoAdvice, 'side'>[] {
  const out = [...proposalAdvice(gw, 'ike'), ...proposalAdvice(gw, 'esp')];
  const pfs = gw.espProposals.some((text) => {
    try {
      return parseProposal(text, 'esp', gw.release).dh.length > 0;
    } catch {
      return false;
    }
  });
  if (!pfs)
    out.push({
      field: 'gateway.espProposals',
      issue: 'no PFS: CHILD_SA keys are derived from the IKE_SA key, without a fresh DH exchange',
      recommendation:
        'add a DH group to the ESP proposals (e.g. aes256gcm16-ecp384; ASA `set pfs group20`, PAN-OS IPSec crypto profile dh-group group20)',
    });
  const ikeLife = Math.max(gw.ike.rekeyTime, gw.ike.reauthTime);
  if (ikeLife > MAX_IKE_LIFETIME_S)
    out.push({
      field: gw.ike.rekeyTime >= gw.ike.reauthTime ? 'gateway.ike.rekeyTime' : 'gateway.ike.reauthTime',
      issue: `IKE_SA lifetime ${hours(ikeLife)} (more than 24 h)`,
      recommendation: 'at most 24 h (86 400 s; NIST SP 800-77r1, the ASA default); 8 h is the PAN-OS default',
    });
  const childLife = Math.max(gw.child.rekeyTime, gw.child.lifeTime);
  if (childLife > MAX_CHILD_LIFETIME_S)
    out.push({
      field: gw.child.rekeyTime >= gw.child.lifeTime ? 'gateway.child.rekeyTime' : 'gateway.child.lifeTime',
      issue: `CHILD_SA lifetime ${hours(childLife)} (more than 8 h)`,
      recommendation: 'at most 8 h (28 800 s; NIST SP 800-77r1, the ASA default); 1 h is the PAN-OS default',
    });
  return out;
}

function hours(s: number): string {
  return s % 3600 === 0 ? `${s / 3600} h` : `${s} s`;
}

/** Every weak choice of both gateways; one shared by both is listed once, as 'both'. */
export function cryptoAdvice(s: LabSettings): CryptoAdvice[] {
  const per = Object.fromEntries(SIDES.map((side) => [side, gatewayAdvice(s[side].gateway)])) as Record<
    Side,
    Omit<CryptoAdvice, 'side'>[]
  >;
  const key = (a: Omit<CryptoAdvice, 'side'>) => `${a.field}|${a.issue}`;
  const right = new Set(per.right.map(key));
  const left = new Set(per.left.map(key));
  return [
    ...per.left.map((a) => ({ ...a, side: right.has(key(a)) ? ('both' as const) : ('left' as const) })),
    ...per.right.filter((a) => !left.has(key(a))).map((a) => ({ ...a, side: 'right' as const })),
  ];
}

/** One line for a terminal or a report: who, what is weak, what to use instead. */
export function adviceLine(a: CryptoAdvice): string {
  const who = a.side === 'both' ? 'both gateways' : `gw-${a.side}`;
  return `${who}: ${a.issue}; ${a.recommendation}`;
}
