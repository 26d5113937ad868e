/** AEAD ciphers (GCM, CCM, ChaCha20-Poly1305) carry their own integrity. */
export function isAead(keyword: string): boolean {
  return /gcm|ccm|chacha20poly1305/.test(keyword);
}

/** strongSwan aliases that mean the same transform as a canonical keyword. */
const STRONGSWAN_ALIASES: Record<string, string> = {
  aes: 'aes128',
  sha: 'sha1',
  sha1_160: 'sha1',
  sha2_256: 'sha256',
  sha2_384: 'sha384',
  sha2_512: 'sha512',
  aes128gcm: 'aes128gcm16',
  aes192gcm: 'aes192gcm16',
  aes256gcm: 'aes256gcm16',
  x25519: 'curve25519',
};

/**
 * Reverse lookup in a vendor table (vendor name -> strongSwan keyword): the vendor's first name for
 * a strongSwan keyword, with strongSwan's aliases folded in.
 */
export function vendorName(table: Record<string, string>, keyword: string): string | undefined {
  const canonical = STRONGSWAN_ALIASES[keyword] ?? keyword;
  return Object.keys(table).find((k) => table[k] === canonical && canonical !== '');
}
