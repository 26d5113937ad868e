import type { Release } from './types.js';

/**
 * strongSwan proposal keywords ("aes256-sha256-modp2048"), by transform type. The lists follow
 * strongSwan's proposal keyword table for the algorithms the lab's plugins (openssl, gcm, ...) provide.
 */
const ENCRYPTION = new Set([
  'aes128',
  'aes192',
  'aes256',
  'aes',
  'aes128ctr',
  'aes192ctr',
  'aes256ctr',
  'aes128ccm8',
  'aes128ccm12',
  'aes128ccm16',
  'aes192ccm8',
  'aes192ccm12',
  'aes192ccm16',
  'aes256ccm8',
  'aes256ccm12',
  'aes256ccm16',
  'aes128gcm8',
  'aes128gcm12',
  'aes128gcm16',
  'aes192gcm8',
  'aes192gcm12',
  'aes192gcm16',
  'aes256gcm8',
  'aes256gcm12',
  'aes256gcm16',
  'aes128gcm',
  'aes192gcm',
  'aes256gcm',
  'chacha20poly1305',
  '3des',
  'des',
  'blowfish',
  'blowfish128',
  'blowfish256',
  'cast128',
  'camellia',
  'camellia128',
  'camellia192',
  'camellia256',
  'null',
]);
const AEAD = /gcm|ccm|chacha20poly1305/;
const INTEGRITY = new Set([
  'md5',
  'md5_128',
  'sha1',
  'sha',
  'sha1_160',
  'sha256',
  'sha2_256',
  'sha256_96',
  'sha2_256_96',
  'sha384',
  'sha2_384',
  'sha512',
  'sha2_512',
  'aesxcbc',
  'aescmac',
  'aes128gmac',
  'aes192gmac',
  'aes256gmac',
]);
const PRF = new Set(['prfmd5', 'prfsha1', 'prfsha256', 'prfsha384', 'prfsha512', 'prfaesxcbc', 'prfaescmac']);
const DH = new Set([
  'modp768',
  'modp1024',
  'modp1536',
  'modp2048',
  'modp3072',
  'modp4096',
  'modp6144',
  'modp8192',
  'modp1024s160',
  'modp2048s224',
  'modp2048s256',
  'ecp192',
  'ecp224',
  'ecp256',
  'ecp384',
  'ecp521',
  'ecp224bp',
  'ecp256bp',
  'ecp384bp',
  'ecp512bp',
  'curve25519',
  'x25519',
  'curve448',
  'x448',
]);
/** Post-quantum key exchanges: only strongSwan 6 (trixie) knows them. */
const KE_V6 = new Set(['mlkem512', 'mlkem768', 'mlkem1024']);
const ESN = new Set(['esn', 'noesn']);

export interface ParsedProposal {
  encryption: string[];
  integrity: string[];
  prf: string[];
  dh: string[];
  esn: string[];
}

export type ProposalKind = 'ike' | 'esp';

/** Parses one proposal; throws an Error whose message says which keyword is wrong and why. */
export function parseProposal(text: string, kind: ProposalKind, release: Release = 'trixie'): ParsedProposal {
  const out: ParsedProposal = { encryption: [], integrity: [], prf: [], dh: [], esn: [] };
  const trimmed = text.trim();
  if (trimmed === 'default') return out;
  if (!trimmed) throw new Error('empty proposal');
  if (!/^[a-z0-9_-]+$/.test(trimmed))
    throw new Error(`"${text}" has characters strongSwan does not accept (use lowercase keywords joined by "-")`);
  for (const raw of trimmed.split('-')) {
    const token = raw.replace(/^ke\d_/, '');
    if (!token) throw new Error(`"${text}" has an empty keyword (two "-" in a row?)`);
    if (ENCRYPTION.has(token)) out.encryption.push(token);
    else if (INTEGRITY.has(token)) out.integrity.push(token);
    else if (PRF.has(token)) out.prf.push(token);
    else if (DH.has(token)) out.dh.push(token);
    else if (KE_V6.has(token)) {
      if (release === 'bookworm') throw new Error(`"${token}" needs strongSwan 6 (release trixie); bookworm has 5.9`);
      out.dh.push(token);
    } else if (ESN.has(token)) {
      if (kind === 'ike') throw new Error(`"${token}" is an ESP option, not valid in an IKE proposal`);
      out.esn.push(token);
    } else throw new Error(`unknown algorithm "${token}" in "${text}"`);
  }
  if (!out.encryption.length) throw new Error(`"${text}" has no encryption algorithm (e.g. aes256)`);
  const aead = out.encryption.every((e) => AEAD.test(e));
  const mixed = out.encryption.some((e) => AEAD.test(e)) && !aead;
  if (mixed)
    throw new Error(`"${text}" mixes AEAD (gcm/ccm/chacha20poly1305) and classic ciphers; use separate proposals`);
  if (!aead && !out.integrity.length)
    throw new Error(`"${text}" has no integrity algorithm (e.g. sha256); only AEAD ciphers go without one`);
  if (aead && out.integrity.length)
    throw new Error(`"${text}" combines an AEAD cipher with integrity ${out.integrity.join(',')}; AEAD takes none`);
  if (kind === 'ike' && !out.dh.length)
    throw new Error(`"${text}" has no DH group (e.g. modp2048); an IKE proposal needs one`);
  if (kind === 'ike' && aead && !out.prf.length)
    throw new Error(`"${text}" uses an AEAD cipher for IKE and needs a PRF (e.g. prfsha256)`);
  if (kind === 'esp' && out.prf.length)
    throw new Error(`"${text}" has a PRF (${out.prf.join(',')}), which only IKE proposals take`);
  return out;
}

/** The DH groups an ESP proposal list asks for (non-empty means PFS). */
export function pfsGroups(espProposals: string[]): string[] {
  const groups = new Set<string>();
  for (const p of espProposals) {
    try {
      for (const g of parseProposal(p, 'esp').dh) groups.add(g);
    } catch {
      /* validation reports bad proposals elsewhere */
    }
  }
  return [...groups];
}
