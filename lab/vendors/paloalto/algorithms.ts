/**
 * PAN-OS crypto profile names and their strongSwan keywords, shared by the Palo Alto importer and
 * exporter. The first PAN-OS name of each strongSwan keyword is the one the exporter writes; the
 * older names (`aes128`, PAN-OS 6 and AWS's published samples) are read too.
 */

/** `dh-group` of IKE and IPsec crypto profiles. */
export const PAN_DH_GROUPS: Record<string, string> = {
  group1: 'modp768',
  group2: 'modp1024',
  group5: 'modp1536',
  group14: 'modp2048',
  group15: 'modp3072',
  group16: 'modp4096',
  group19: 'ecp256',
  group20: 'ecp384',
  group21: 'ecp521',
};

/** `encryption` of an IKE crypto profile (GCM for IKEv2 only). */
export const PAN_IKE_ENCRYPTION: Record<string, string> = {
  'aes-128-cbc': 'aes128',
  'aes-192-cbc': 'aes192',
  'aes-256-cbc': 'aes256',
  '3des': '3des',
  des: 'des',
  'aes-128-gcm': 'aes128gcm16',
  'aes-256-gcm': 'aes256gcm16',
  aes128: 'aes128',
  aes192: 'aes192',
  aes256: 'aes256',
};

/** `hash` of an IKE crypto profile: the integrity algorithm and, in IKEv2, also the PRF. */
export const PAN_IKE_HASH: Record<string, string> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  md5: 'md5',
  'non-auth': '',
};

/** `esp encryption` of an IPsec crypto profile. */
export const PAN_ESP_ENCRYPTION: Record<string, string> = {
  'aes-128-cbc': 'aes128',
  'aes-192-cbc': 'aes192',
  'aes-256-cbc': 'aes256',
  '3des': '3des',
  des: 'des',
  'aes-128-gcm': 'aes128gcm16',
  'aes-256-gcm': 'aes256gcm16',
  'aes-128-ccm': 'aes128ccm16',
  null: 'null',
  aes128: 'aes128',
  aes192: 'aes192',
  aes256: 'aes256',
};

/** `esp authentication` of an IPsec crypto profile; `none` goes with GCM. */
export const PAN_ESP_AUTHENTICATION: Record<string, string> = {
  sha1: 'sha1',
  sha256: 'sha256',
  sha384: 'sha384',
  sha512: 'sha512',
  md5: 'md5',
  none: '',
};

/** Lifetime units of both crypto profiles, in seconds. */
export const PAN_LIFETIME_UNITS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/**
 * The `default` profiles PAN-OS ships with, used when a gateway or tunnel names no profile and the
 * configuration does not define one called `default` (PAN-OS administrator's guide, "Define
 * Cryptographic Profiles").
 */
export const PAN_DEFAULT_IKE_PROFILE = {
  encryption: ['aes-128-cbc', '3des'],
  hash: ['sha1'],
  dhGroup: ['group2'],
  lifetime: 8 * 3600,
};
export const PAN_DEFAULT_IPSEC_PROFILE = {
  encryption: ['aes-128-cbc', '3des'],
  authentication: ['sha1'],
  dhGroup: 'group2',
  lifetime: 3600,
};

/** DPD timers PAN-OS uses when a gateway enables DPD without naming them. */
export const PAN_DPD_DEFAULTS = { interval: 5, retry: 5 };
