import { formatIPv4, isIPv4 } from '../settings/addresses.js';

/** "255.255.255.0" -> 24; null for a non-contiguous or malformed mask. */
export function maskToPrefix(mask: string): number | null {
  if (!isIPv4(mask)) return null;
  const n = mask.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const inverted = ~n >>> 0;
  // A contiguous mask inverted is 2^k - 1.
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

export function prefixToMask(prefix: number): string {
  return formatIPv4(prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0);
}
