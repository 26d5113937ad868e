import { isIPv4, normalizeCidr, parseCidr } from '../../settings/addresses.js';
import { isPlaceholder } from '../tokens.js';
import { findAll, type PanNode } from './tree.js';

/** One IPsec tunnel with its IKE gateway. */
export interface PanTunnel {
  name: string;
  tunnel: PanNode;
  gateway?: PanNode;
  gatewayName?: string;
  /** The peer as written. */
  peer: string;
  line: number;
}

/** The parts of the configuration a tunnel refers to. */
export interface PanScope {
  network?: PanNode;
  /** Address objects by name (shared and every vsys; the first definition wins). */
  addresses: Map<string, PanNode>;
}

export function scopeOf(root: PanNode): PanScope {
  const networks = findAll(root, 'network');
  const network =
    networks.find((n) => n.children.has('ike') || n.children.has('tunnel')) ??
    networks.find((n) => n.children.has('interface'));
  const addresses = new Map<string, PanNode>();
  for (const holder of findAll(root, 'address')) {
    for (const [name, e] of holder.entries) if (!addresses.has(name)) addresses.set(name, e);
  }
  return { network, addresses };
}

/** An address as a PAN-OS field writes it, resolved. */
export interface PanAddress {
  /** As written. */
  text: string;
  address?: string;
  prefix?: number;
  /** The address object that defined it (marked used by the caller that keeps it). */
  object?: PanNode;
  /** Written as a placeholder, or a name nothing in the configuration defines. */
  placeholder?: boolean;
  ipv6?: boolean;
  /** An object that is no single address or subnet (range, FQDN). */
  bad?: string;
}

/** `192.0.2.1`, `10.1.0.0/24`, an address object's name, or a placeholder. */
export function resolveAddress(scope: PanScope, text: string, depth = 0): PanAddress {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  if (m && isIPv4(m[1])) return { text, address: m[1], prefix: m[2] === undefined ? undefined : Number(m[2]) };
  if (text.includes(':') && !isPlaceholder(text)) return { text, ipv6: true };
  const obj = scope.addresses.get(text);
  if (!obj || depth > 4) return { text, placeholder: true };
  const netmask = obj.get('ip-netmask')?.value();
  if (!netmask) {
    const kind = obj.get('ip-range') ? 'a range' : obj.get('fqdn') ? 'an FQDN' : 'no address';
    return { text, object: obj, bad: `address object ${text} is ${kind}; the lab takes subnets and addresses` };
  }
  return { ...resolveAddress(scope, netmask, depth + 1), text, object: obj };
}

/** A resolved address as a traffic selector (the host bits cleared), or null. */
export function asCidr(a: PanAddress): string | null {
  if (!a.address) return null;
  return normalizeCidr(`${a.address}/${a.prefix ?? 32}`);
}

/** The lab's LANs are /8 to /28 (hosts sit at .1 and .10). */
export function usableLan(cidr: string | null): cidr is string {
  const c = cidr ? parseCidr(cidr) : null;
  return !!c && c.prefix >= 8 && c.prefix <= 28;
}

/** An interface of the firewall (ethernet, tunnel unit, loopback unit) by name. */
export function interfaceNode(scope: PanScope, name: string): PanNode | undefined {
  const ifs = scope.network?.get('interface');
  return (
    ifs?.get('ethernet')?.entries.get(name) ??
    ifs?.get('tunnel', 'units')?.entries.get(name) ??
    ifs?.get('loopback', 'units')?.entries.get(name) ??
    ifs?.get('aggregate-ethernet')?.entries.get(name)
  );
}

/** The IPv4 addresses of an interface (its `ip` entries; objects resolved). */
export function interfaceAddresses(scope: PanScope, iface: PanNode): { ip: PanNode; address: PanAddress }[] {
  const ip = iface.get('layer3', 'ip') ?? iface.get('ip');
  if (!ip) return [];
  return ip.list().map((text) => ({ ip, address: resolveAddress(scope, text) }));
}

/** The static routes of every virtual router. */
export function staticRoutes(scope: PanScope): PanNode[] {
  const vrs = scope.network?.get('virtual-router');
  return [...(vrs?.entries.values() ?? [])].flatMap((vr) => [
    ...(vr.get('routing-table', 'ip', 'static-route')?.entries.values() ?? []),
  ]);
}
