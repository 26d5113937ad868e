import type { LabSettings, Side } from './types.js';

/** Parses "a.b.c.d/n"; returns null when it is not an IPv4 CIDR. */
export function parseCidr(text: string): { network: number; prefix: number } | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const ip = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ip & mask) >>> 0, prefix };
}

export function isIPv4(text: string): boolean {
  return parseCidr(`${text}/32`) !== null;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The n-th address of a subnet (1 = first host). */
export function hostAddress(cidr: string, n: number): string {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`not an IPv4 subnet: ${cidr}`);
  return formatIPv4((c.network + n) >>> 0);
}

export function normalizeCidr(cidr: string): string {
  const c = parseCidr(cidr);
  if (!c) throw new Error(`not an IPv4 subnet: ${cidr}`);
  return `${formatIPv4(c.network)}/${c.prefix}`;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (!x || !y) return false;
  const prefix = Math.min(x.prefix, y.prefix);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return (x.network & mask) >>> 0 === (y.network & mask) >>> 0;
}

/** Where each box of one site sits. */
export interface SiteAddresses {
  lanSubnet: string;
  wanSubnet: string;
  prefixLan: number;
  prefixWan: number;
  gatewayLan: string;
  gatewayWan: string;
  host: string;
  router: string;
}

export function siteAddresses(settings: LabSettings, side: Side): SiteAddresses {
  const site = settings[side];
  return {
    lanSubnet: normalizeCidr(site.lan),
    wanSubnet: normalizeCidr(site.wan),
    prefixLan: parseCidr(site.lan)!.prefix,
    prefixWan: parseCidr(site.wan)!.prefix,
    gatewayLan: hostAddress(site.lan, 1),
    gatewayWan: hostAddress(site.wan, 10),
    host: hostAddress(site.lan, 10),
    router: hostAddress(site.wan, 1),
  };
}

export function otherSide(side: Side): Side {
  return side === 'left' ? 'right' : 'left';
}

/** The address a gateway sends IKE to: its setting, or the peer's WAN address. */
export function peerAddressOf(settings: LabSettings, side: Side): string {
  return settings[side].gateway.peerAddress || siteAddresses(settings, otherSide(side)).gatewayWan;
}

/** Traffic selectors in effect for one gateway (empty settings mean the LAN subnets). */
export function trafficSelectors(settings: LabSettings, side: Side): { local: string[]; remote: string[] } {
  const gw = settings[side].gateway;
  return {
    local: gw.localTs.length ? gw.localTs : [normalizeCidr(settings[side].lan)],
    remote: gw.remoteTs.length ? gw.remoteTs : [normalizeCidr(settings[otherSide(side)].lan)],
  };
}
