import { cidrsOverlap } from '../../settings/addresses.js';
import type { FoundPlaceholder } from '../build.js';
import type { ImportWarning } from '../types.js';
import {
  asCidr,
  interfaceAddresses,
  interfaceNode,
  type PanScope,
  type PanTunnel,
  resolveAddress,
  staticRoutes,
  usableLan,
} from './objects.js';
import type { PanNode } from './tree.js';

export interface PanSelectors {
  local: string[];
  remote: string[];
  lan?: string;
  peerLan?: string;
  routeBased: boolean;
  placeholders: FoundPlaceholder[];
  provenance: Map<string, number[]>;
}

/**
 * Proxy IDs are the tunnel's traffic selectors (PAN-OS negotiates one SA per proxy ID). Without
 * them the tunnel is route-based: PAN-OS proposes 0.0.0.0/0 and routing decides, so the lab's LANs
 * come from the routes over the tunnel interface and the firewall's other layer-3 interface.
 */
export function selectorsOf(
  scope: PanScope,
  t: PanTunnel,
  localInterface: string | undefined,
  warnings: ImportWarning[],
): PanSelectors {
  const out: PanSelectors = { local: [], remote: [], routeBased: false, placeholders: [], provenance: new Map() };
  const v6 = t.tunnel.get('auto-key', 'proxy-id-v6');
  if (v6) v6.reason = 'IPv6 proxy IDs are not part of the lab';
  const ids = [...(t.tunnel.get('auto-key', 'proxy-id')?.entries.values() ?? [])];
  const usable = ids.filter((p) => proxyId(scope, p, out));
  if (usable.length) {
    t.tunnel.get('auto-key', 'proxy-id')!.use();
    out.provenance.set(
      'gateway.localTs',
      usable.map((p) => p.line),
    );
    out.provenance.set(
      'gateway.remoteTs',
      usable.map((p) => p.line),
    );
    plumbing(scope, t, warnings, out);
    // The LAN behind the firewall: its interface that holds the first local selector.
    const lan = localLan(scope, localInterface, out.local[0]) ?? localLan(scope, localInterface, undefined);
    if (lan) {
      out.lan = lan.cidr;
      out.provenance.set('lan', [lan.line]);
    }
    if (usable.length > 1)
      warnings.push({
        line: usable[0].line,
        message: `PAN-OS negotiates one SA per proxy ID (${usable.length} here); strongSwan negotiates one CHILD_SA with all ${out.local.length}x${out.remote.length} selector pairs`,
      });
    return out;
  }
  if (ids.length)
    warnings.push({ line: ids[0].line, message: 'no proxy ID can be used; the tunnel is read as route-based' });
  return routed(scope, t, localInterface, warnings, out);
}

/** One proxy ID's local and remote: addresses, subnets or address objects; protocol any only. */
function proxyId(scope: PanScope, p: PanNode, out: PanSelectors): boolean {
  const proto = p.get('protocol');
  if (proto && !proto.children.has('any')) {
    p.reason = 'protocol-specific proxy IDs are not modelled; the lab selects whole subnets';
    return false;
  }
  const sides = (['local', 'remote'] as const).map((k) => ({
    k,
    node: p.get(k),
    a: resolveAddress(scope, p.get(k)?.value() ?? ''),
  }));
  const bad = sides.find((s) => !s.node?.value() || s.a.bad || s.a.ipv6);
  if (bad) {
    p.reason =
      bad.a.bad ??
      (bad.a.ipv6 ? 'IPv6 selectors are not part of the lab' : `proxy ID ${p.name} has no ${bad.k} address`);
    return false;
  }
  p.use(true);
  for (const s of sides) {
    s.a.object?.use(true);
    const list = s.k === 'local' ? out.local : out.remote;
    const cidr = asCidr(s.a);
    if (cidr) {
      if (!list.includes(cidr)) list.push(cidr);
    } else
      out.placeholders.push({ line: s.node!.line, text: s.a.text, field: s.k === 'local' ? 'localTs' : 'remoteTs' });
  }
  return true;
}

/** What routes the tunnel: its interface, the static routes over it, the virtual router holding it. */
interface Plumbing {
  ifname?: string;
  line: number;
  /** Networks routed over the tunnel interface. */
  networks: string[];
  routes: { cidr: string; line: number }[];
}

function plumbing(scope: PanScope, t: PanTunnel, warnings: ImportWarning[], out: PanSelectors): Plumbing {
  const tif = t.tunnel.get('tunnel-interface')?.use();
  const ifname = tif?.value();
  const p: Plumbing = { ifname, line: tif?.line ?? t.line, networks: [], routes: [] };
  const unit = ifname ? interfaceNode(scope, ifname) : undefined;
  if (unit) {
    unit.use();
    unit.reason = "the tunnel interface's own settings are not modelled; the lab routes its LANs through the tunnel";
  }
  if (unit && !unit.get('ip') && unit.get('ipv6')) {
    const v6 = unit.get('ipv6', 'address')?.list() ?? [];
    warnings.push({
      line: unit.line,
      message: `${ifname} carries IPv6 only (${v6.join(', ')}): IPv6 inside an IPv4 tunnel; the lab tests the tunnel with IPv4 traffic`,
    });
  }
  if (!ifname) return p;
  for (const vr of scope.network?.get('virtual-router')?.entries.values() ?? []) {
    const members = vr.get('interface');
    // The virtual router that holds the tunnel interface is what routes into the tunnel.
    if (members?.list().includes(ifname)) members.use(true);
  }
  for (const r of staticRoutes(scope)) {
    if (r.get('interface')?.value() !== ifname) continue;
    const dest = r.get('destination');
    const a = resolveAddress(scope, dest?.value() ?? '');
    const cidr = asCidr(a);
    if (!cidr && !a.placeholder) continue;
    r.use(true);
    a.object?.use(true);
    if (cidr) {
      p.networks.push(cidr);
      p.routes.push({ cidr, line: dest!.line });
    } else out.placeholders.push({ line: dest!.line, text: a.text, field: 'peerLan' });
  }
  return p;
}

/** The firewall's layer-3 interface for the local LAN: one holding `within`, else any but the IKE one. */
function localLan(
  scope: PanScope,
  localInterface: string | undefined,
  within: string | undefined,
): { name: string; cidr: string; line: number } | undefined {
  for (const [name, eth] of scope.network?.get('interface', 'ethernet')?.entries ?? []) {
    if (name === localInterface) continue;
    const lan = interfaceAddresses(scope, eth)
      .map((x) => ({ ...x, cidr: asCidr(x.address) }))
      .find((x) => usableLan(x.cidr) && (!within || cidrsOverlap(x.cidr!, within)));
    if (!lan) continue;
    lan.ip.use(true);
    lan.address.object?.use(true);
    return { name, cidr: lan.cidr!, line: lan.ip.line };
  }
  return undefined;
}

function routed(
  scope: PanScope,
  t: PanTunnel,
  localInterface: string | undefined,
  warnings: ImportWarning[],
  out: PanSelectors,
): PanSelectors {
  out.routeBased = true;
  out.local = ['0.0.0.0/0'];
  out.remote = ['0.0.0.0/0'];
  const p = plumbing(scope, t, warnings, out);
  out.provenance.set('gateway.localTs', [p.line]);
  out.provenance.set('gateway.remoteTs', [p.line]);
  // The peer's LANs: static routes over the tunnel interface.
  const peer = p.routes.find((r) => usableLan(r.cidr));
  if (peer) {
    out.peerLan = peer.cidr;
    out.provenance.set('peerLan', [peer.line]);
  }
  const lan = localLan(scope, localInterface, undefined);
  if (lan) {
    out.lan = lan.cidr;
    out.provenance.set('lan', [lan.line]);
    warnings.push({
      line: lan.line,
      message: `the local LAN is taken from ${lan.name} (${lan.cidr}), the firewall's other layer-3 interface`,
    });
  }
  warnings.push({
    line: p.line,
    message:
      `route-based tunnel (${p.ifname ?? 'no tunnel interface'}, no proxy IDs): the traffic selectors are 0.0.0.0/0 on both sides and routing decides what goes through; ` +
      (p.networks.length
        ? `the routes over it reach ${p.networks.join(', ')}${out.peerLan ? `; the lab's peer LAN is ${out.peerLan}` : ''}`
        : 'no route over it is configured here, so the lab uses its own peer LAN'),
  });
  return out;
}
