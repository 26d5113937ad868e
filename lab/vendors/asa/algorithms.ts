import { vendorName } from '../names.js';

/**
 * Cisco ASA algorithm names and their strongSwan keywords, shared by the ASA importer and
 * exporter so both directions agree. Only algorithms an ASA (9.x) offers for site-to-site
 * tunnels are listed; the strongSwan side is always the canonical keyword (aes128, not aes).
 */

/** `group N` (IKE policies) and `set pfs groupN` (crypto maps). */
export const ASA_DH_GROUPS: Record<string, string> = {
  '1': 'modp768',
  '2': 'modp1024',
  '5': 'modp1536',
  '14': 'modp2048',
  '15': 'modp3072',
  '16': 'modp4096',
  '19': 'ecp256',
  '20': 'ecp384',
  '21': 'ecp521',
  '24': 'modp2048s256',
};

/** `encryption` in `crypto ikev1 policy`. */
export const IKEV1_ENCRYPTION: Record<string, string> = {
  des: 'des',
  '3des': '3des',
  aes: 'aes128',
  'aes-192': 'aes192',
  'aes-256': 'aes256',
};

/** `hash` in `crypto ikev1 policy`; IKEv1 derives the PRF from it. */
export const IKEV1_HASH: Record<string, string> = {
  md5: 'md5',
  sha: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
};

/** `encryption` in `crypto ikev2 policy` (GCM with the 16-byte ICV, the only one ASA does). */
export const IKEV2_ENCRYPTION: Record<string, string> = {
  ...IKEV1_ENCRYPTION,
  'aes-gcm': 'aes128gcm16',
  'aes-gcm-192': 'aes192gcm16',
  'aes-gcm-256': 'aes256gcm16',
};

/** `integrity` in `crypto ikev2 policy`; `null` goes with GCM. */
export const IKEV2_INTEGRITY: Record<string, string> = { ...IKEV1_HASH, null: '' };

/** `prf` in `crypto ikev2 policy`. */
export const IKEV2_PRF: Record<string, string> = {
  md5: 'prfmd5',
  sha: 'prfsha1',
  sha256: 'prfsha256',
  sha384: 'prfsha384',
  sha512: 'prfsha512',
};

/** Cipher keywords of `crypto ipsec ikev1 transform-set`. */
export const ESP_V1_ENCRYPTION: Record<string, string> = {
  'esp-des': 'des',
  'esp-3des': '3des',
  'esp-aes': 'aes128',
  'esp-aes-192': 'aes192',
  'esp-aes-256': 'aes256',
  'esp-null': 'null',
};

/** Integrity keywords of `crypto ipsec ikev1 transform-set`; esp-none means no integrity. */
export const ESP_V1_INTEGRITY: Record<string, string> = {
  'esp-md5-hmac': 'md5',
  'esp-sha-hmac': 'sha1',
  'esp-sha256-hmac': 'sha256',
  'esp-sha384-hmac': 'sha384',
  'esp-sha512-hmac': 'sha512',
  'esp-none': '',
};

/** `protocol esp encryption` in `crypto ipsec ikev2 ipsec-proposal`. */
export const ESP_V2_ENCRYPTION: Record<string, string> = {
  des: 'des',
  '3des': '3des',
  aes: 'aes128',
  'aes-192': 'aes192',
  'aes-256': 'aes256',
  'aes-gcm': 'aes128gcm16',
  'aes-gcm-192': 'aes192gcm16',
  'aes-gcm-256': 'aes256gcm16',
  null: 'null',
};

/** `protocol esp integrity` in `crypto ipsec ikev2 ipsec-proposal`. */
export const ESP_V2_INTEGRITY: Record<string, string> = {
  md5: 'md5',
  'sha-1': 'sha1',
  'sha-256': 'sha256',
  'sha-384': 'sha384',
  'sha-512': 'sha512',
  null: '',
};

/** ASA ESP ciphers the lab's strongSwan cannot use: GMAC is authentication-only ESP. */
export const ESP_V2_UNSUPPORTED: Record<string, string> = {
  'aes-gmac': 'AES-GMAC (authentication-only ESP)',
  'aes-gmac-192': 'AES-GMAC-192 (authentication-only ESP)',
  'aes-gmac-256': 'AES-GMAC-256 (authentication-only ESP)',
};

export { isAead } from '../names.js';

/** Reverse lookup: the ASA name of a strongSwan keyword, with strongSwan's aliases folded in. */
export const asaName = vendorName;
