import { normalizeCidr } from '../../settings/addresses.js';
import { defaultSettings } from '../../settings/defaults.js';
import type { GatewaySettings } from '../../settings/types.js';
import { clampSeconds, type FoundPlaceholder, type Imported } from '../build.js';
import {
  append,
  ImportError,
  type ImportOptions,
  type ImportResult,
  type ImportWarning,
  type LineLedger,
} from '../types.js';
import { v1Esp, v1Ike, v2Esp, v2Ike } from './crypto.js';
import { localEnd, localIdentity, presharedKey, tunnelGroupOf } from './identity.js';
import {
  type AsaConfig,
  DEFAULT_KEEPALIVE,
  DEFAULT_SA_LIFETIME,
  type Iface,
  type IpsecProfile,
  type MapEntry,
  type Phase2,
  type Ref,
  sameIfname,
} from './model.js';
import { checkNatExemption, checkReferences, resolveHost, selectors } from './selectors.js';
import { routedNetworks } from './vti.js';

/** One tunnel the configuration defines: a crypto map entry (one per peer it lists) or a VTI. */
type Candidate =
  | { kind: 'map'; entry: MapEntry; peer?: Ref<string>; name: string; line: number }
  | { kind: 'vti'; iface: Iface; peer?: Ref<string>; name: string; line: number };

function candidatesOf(cfg: AsaConfig): Candidate[] {
  const out: Candidate[] = [];
  for (const map of cfg.maps.values()) {
    for (const entry of [...map.values()].sort((a, b) => a.seq - b.seq)) {
      const name = `${entry.map} ${entry.seq}`;
      const line = entry.lines[0];
      const peers = entry.peers?.value ?? [];
      if (!peers.length) out.push({ kind: 'map', entry, name, line });
      for (const p of peers) out.push({ kind: 'map', entry, peer: { value: p, line: entry.peers!.line }, name, line });
    }
  }
  for (const iface of cfg.interfaces) {
    if (!iface.tunnelProfile && !iface.tunnelDestination) continue;
    out.push({ kind: 'vti', iface, peer: iface.tunnelDestination, name: iface.hw, line: iface.lines[0] });
  }
  return out;
}

/** `entry` (--tunnel): 10, "outside_map 10", "outside_map:10", a tunnel interface or nameif, or the peer. */
function matches(c: Candidate, cfg: AsaConfig, wanted: string): boolean {
  const w = wanted.trim();
  if (c.peer && (c.peer.value === w || resolveHost(cfg, c.peer.value).address === w)) return true;
  if (c.kind === 'vti') return sameIfname(c.iface.hw, w) || sameIfname(c.iface.nameif, w);
  const m = /^(?:(\S+?)[\s:]+)?(\d+)$/.exec(w);
  return !!m && Number(m[2]) === c.entry.seq && (!m[1] || m[1] === c.entry.map);
}

/** Imports one tunnel of a Cisco ASA configuration: a crypto map entry or a route-based VTI. */
export function convertAsa(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
  options: ImportOptions,
): Imported {
  const side = options.side ?? 'left';
  const all = candidatesOf(cfg);
  if (!all.length)
    throw new ImportError(
      0,
      'no tunnel found (expected a crypto map entry: "crypto map NAME SEQ match address ACL" and "crypto map NAME SEQ set peer ADDRESS", or a VTI: "interface TunnelN" with "tunnel protection ipsec profile NAME")',
    );
  const wanted = options.entry === undefined ? undefined : String(options.entry);
  const chosen = wanted === undefined ? all[0] : all.find((c) => matches(c, cfg, wanted));
  if (!chosen) {
    const names = [...new Set(all.map((c) => c.name))].join(', ');
    throw new ImportError(0, `no tunnel ${wanted}; the configuration has ${names} (peers ${peersOf(all)})`);
  }
  listOthers(all, chosen, ledger, warnings);
  const tunnels = all.map((c) => ({ name: c.name, peer: c.peer?.value ?? '', line: c.line, selected: c === chosen }));
  return convertTunnel(cfg, ledger, warnings, side, chosen, tunnels);
}

function peersOf(all: Candidate[]): string {
  return [...new Set(all.map((c) => c.peer?.value ?? 'unset'))].join(', ');
}

function listOthers(all: Candidate[], chosen: Candidate, ledger: LineLedger, warnings: ImportWarning[]): void {
  const done = new Set<object>();
  for (const c of all) {
    const item = c.kind === 'map' ? c.entry : c.iface;
    const mine = chosen.kind === 'map' ? chosen.entry : chosen.iface;
    if (item === mine || done.has(item)) continue;
    done.add(item);
    const what = c.kind === 'map' ? `crypto map ${c.name}` : `interface ${c.name}`;
    const key = c.kind === 'map' ? String(c.entry.seq) : c.name;
    const reason = `${what} is not imported (import it with --tunnel ${key})`;
    for (const l of c.kind === 'map' ? c.entry.lines : c.iface.lines) ledger.unsupported(l, reason);
    const peers = c.kind === 'map' ? (c.entry.peers?.value.join(' ') ?? 'unset') : (c.peer?.value ?? 'unset');
    warnings.push({ line: c.line, message: `${reason}; peer ${peers}` });
  }
}

function convertTunnel(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
  side: 'left' | 'right',
  c: Candidate,
  tunnels: ImportResult['tunnels'],
): Imported {
  const prov = new Map<string, number[]>();
  const placeholders: FoundPlaceholder[] = [];
  const first = c.line;
  let phase2: Phase2;
  let label: string;
  let ifname: string | undefined;
  if (c.kind === 'map') {
    phase2 = c.entry;
    label = `crypto map ${c.name}`;
    ledger.useAll(c.entry.lines);
    const bound = cfg.mapInterfaces.get(c.entry.map);
    if (!bound)
      warnings.push({
        line: first,
        message: `crypto map ${c.entry.map} is not applied to an interface (expected "crypto map ${c.entry.map} interface outside")`,
      });
    else ledger.use(bound.line);
    ifname = bound?.value;
  } else {
    label = `interface ${c.iface.hw}`;
    ledger.useAll(c.iface.lines);
    if (c.iface.address)
      ledger.unsupported(
        c.iface.address.line,
        "the tunnel interface's own address is not modelled; the lab routes its LANs through the tunnel",
      );
    const ref = c.iface.tunnelProfile;
    if (!ref)
      throw new ImportError(first, `${label} has no IPsec profile (expected "tunnel protection ipsec profile NAME")`);
    const profile = cfg.profiles.get(ref.value);
    if (!profile)
      throw new ImportError(
        ref.line,
        `ipsec profile ${ref.value} is not defined (expected "crypto ipsec profile ${ref.value}")`,
      );
    ledger.useAll(profile.lines);
    phase2 = profile;
    ifname = c.iface.tunnelSource?.value;
    if (!c.iface.tunnelSource)
      warnings.push({ line: first, message: `${label} has no "tunnel source interface"; the lab uses its own WAN` });
    if (c.iface.tunnelMode && !/^ipsec ipv4$/.test(c.iface.tunnelMode.value))
      warnings.push({
        line: c.iface.tunnelMode.line,
        message: 'the lab tunnels IPv4 over IPv4 (tunnel mode ipsec ipv4)',
      });
  }
  checkReferences(cfg, c.kind === 'map' ? c.entry : phase2);
  const p = phase2.problems[0];
  if (p) throw new ImportError(p.line, `${label}: ${p.message}`);

  // The version: IKEv2 when an ipsec-proposal is set (an ASA tries IKEv2 first when both are).
  const ikeVersion: 1 | 2 = phase2.v2Proposals ? 2 : 1;
  if (!phase2.v2Proposals && !phase2.v1Sets) {
    const how = c.kind === 'map' ? label : `crypto ipsec profile ${c.iface.tunnelProfile!.value}`;
    throw new ImportError(
      c.kind === 'map' ? first : c.iface.tunnelProfile!.line,
      `${how} has no transform set (expected "${how} set ikev1 transform-set NAME" or "${how} set ikev2 ipsec-proposal NAME")`,
    );
  }
  if (phase2.v2Proposals && phase2.v1Sets) {
    ledger.unsupported(
      phase2.v1Sets.line,
      'the lab runs one IKE version; the IKEv2 proposals of this tunnel are imported (an ASA tries IKEv2 first)',
    );
  }
  prov.set('gateway.ikeVersion', [(phase2.v2Proposals ?? phase2.v1Sets)!.line]);

  // The peer: an address, a name, or (in a template) a placeholder the lab replaces with its own peer.
  if (!c.peer) {
    const how = c.kind === 'map' ? `${label} set peer ADDRESS` : 'tunnel destination ADDRESS';
    throw new ImportError(first, `${label} has no peer (expected "${how}")`);
  }
  const host = resolveHost(cfg, c.peer.value);
  if (host.line) ledger.use(host.line);
  const peerAddress = host.address;
  if (!peerAddress) placeholders.push({ line: c.peer.line, text: c.peer.value, field: 'peerAddress' });
  prov.set('peerAddress', [c.peer.line]);
  prov.set('gateway.remoteId', [c.peer.line]);
  if (c.kind === 'map' && c.entry.peers!.value.length > 1) {
    const others = c.entry.peers!.value.filter((x) => x !== c.peer!.value);
    warnings.push({
      line: c.peer.line,
      message: `backup peers are not modelled: the lab tunnel goes to ${c.peer.value}, not ${others.join(' ')} (import another with --tunnel PEER)`,
    });
  }

  // Selectors: the crypto ACL, or 0.0.0.0/0 for a route-based tunnel.
  let ts: { local: string[]; remote: string[] };
  let peerLan: string | undefined;
  if (c.kind === 'map') {
    if (!c.entry.acl)
      throw new ImportError(first, `${label} has no access list (expected "${label} match address ACL")`);
    const sel = selectors(cfg, ledger, c.entry.acl.value, warnings);
    append(placeholders, sel.placeholders);
    ts = { local: sel.local, remote: sel.remote };
    prov.set('gateway.localTs', [c.entry.acl.line, ...sel.lines]);
    prov.set('gateway.remoteTs', [c.entry.acl.line, ...sel.lines]);
  } else {
    ts = { local: ['0.0.0.0/0'], remote: ['0.0.0.0/0'] };
    const routed = routedNetworks(cfg, ledger, c.iface, warnings);
    peerLan = routed.lan;
    append(placeholders, routed.placeholders);
    prov.set('gateway.localTs', [c.iface.tunnelProfile!.line]);
    prov.set('gateway.remoteTs', [c.iface.tunnelProfile!.line]);
    if (routed.lines.length) prov.set('peerLan', routed.lines);
  }

  const esp = ikeVersion === 1 ? v1Esp(cfg, ledger, phase2) : v2Esp(cfg, ledger, phase2);
  const ike = ikeVersion === 1 ? v1Ike(cfg, ledger, warnings) : v2Ike(cfg, ledger, warnings);
  prov.set('gateway.espProposals', esp.lines);
  prov.set('gateway.ikeProposals', ike.lines);
  prov.set('gateway.ike.rekeyTime', [ike.lifetimeLine]);

  // Lifetimes: the tunnel's own, else the global default, else ASA's 28800 s.
  let childLifetime = DEFAULT_SA_LIFETIME;
  let lifetimeLine = phase2.lifetime?.line ?? first;
  if (phase2.lifetime) childLifetime = phase2.lifetime.value;
  else if (cfg.saLifetime) {
    childLifetime = cfg.saLifetime.value;
    lifetimeLine = cfg.saLifetime.line;
    ledger.use(cfg.saLifetime.line);
  }
  prov.set('gateway.child.rekeyTime', [lifetimeLine]);

  // The interface the tunnel is bound to gives the local address.
  const { iface, end } = localEnd(cfg, ifname);
  if (ifname && !iface)
    warnings.push({ line: first, message: `no interface has nameif ${ifname}; the lab gateway uses its own address` });
  ledger.useAll(end.lines);
  if (end.placeholder) placeholders.push(end.placeholder);
  else if (iface && !end.address)
    warnings.push({
      line: iface.lines[0],
      message: `interface ${ifname} has no static address; the lab keeps its default WAN`,
    });
  if (ifname) {
    const enable = cfg.enables.filter((e) => sameIfname(e.ifname, ifname) && e.version === ikeVersion);
    if (enable.length) ledger.useAll(enable.map((e) => e.line));
    else
      warnings.push({
        line: first,
        message: `IKEv${ikeVersion} is not enabled on ${ifname} (expected "crypto ikev${ikeVersion} enable ${ifname}")`,
      });
  }

  // The LAN behind the gateway: the inside interface, when there is one the lab can use.
  let lan: string | undefined;
  const inside = cfg.interfaces.find(
    (i) => sameIfname(i.nameif, 'inside') && i.address?.value.prefix !== undefined && i.address.value.prefix <= 28,
  );
  const insideHost = inside && resolveHost(cfg, inside.address!.value.word).address;
  if (inside && insideHost) {
    lan = normalizeCidr(`${insideHost}/${inside.address!.value.prefix}`);
    ledger.useAll(inside.lines);
    prov.set('lan', [inside.address!.line]);
  }

  const key = presharedKey(cfg, ledger, c.peer, peerAddress, ikeVersion, warnings);
  if (key.placeholder) placeholders.push(key.placeholder);
  if (key.line) prov.set('gateway.psk', [key.line]);
  const tg = tunnelGroupOf(cfg, c.peer.value, peerAddress)?.[1];
  const dpdDelay = tg?.keepalive?.value ?? DEFAULT_KEEPALIVE;
  if (tg?.keepalive) prov.set('gateway.dpd', [tg.keepalive.line]);

  const localId = localIdentity(cfg, ledger, end, side, first, warnings);
  prov.set('gateway.localId', localId.lines);
  const base = defaultSettings()[side].gateway;
  const routeBased = c.kind === 'vti';
  const start = startOf(c, phase2);
  prov.set('gateway.startAction', [start.line]);
  const gateway: GatewaySettings = {
    ...base,
    ikeVersion,
    ikeProposals: ike.proposals,
    espProposals: esp.proposals,
    psk: key.psk,
    localId: localId.id,
    // An ASA identifies a site-to-site peer by its address.
    remoteId: peerAddress ?? base.remoteId,
    localTs: ts.local,
    remoteTs: ts.remote,
    peerAddress: '',
    // A crypto map drops the SAs of a dead peer and brings them back on the next interesting
    // packet; a VTI brings its tunnel straight back up.
    dpd: { delay: dpdDelay, timeout: base.dpd.timeout, action: routeBased ? 'restart' : 'trap' },
    ike: {
      rekeyTime: clampSeconds(ike.lifetime, ike.lifetimeLine, 'IKE lifetime', warnings),
      reauthTime: 0,
      overTime: 0,
    },
    child: { rekeyTime: clampSeconds(childLifetime, lifetimeLine, 'SA lifetime', warnings), lifeTime: 0 },
    startAction: start.action,
    encap: false,
    // ASA does no MOBIKE for site-to-site tunnels.
    mobike: false,
    aggressive: ikeVersion === 1 && c.kind === 'map' && (c.entry.aggressive?.value ?? false),
  };
  if (c.kind === 'map' && c.entry.aggressive) {
    prov.set('gateway.aggressive', [c.entry.aggressive.line]);
    if (ikeVersion === 2) ledger.unsupported(c.entry.aggressive.line, 'aggressive mode exists only in IKEv1');
  }
  if (c.kind === 'map') checkNatExemption(cfg, ledger, ts);

  return {
    format: 'asa',
    entry: c.name,
    side,
    gateway,
    lan,
    peerLan,
    localAddress: end.address,
    localPrefix: end.prefix,
    peerAddress,
    followLab: { localId: localId.followsLab, remoteId: !peerAddress },
    line: first,
    warnings,
    ledger,
    placeholders,
    tunnels,
    routeBased,
    provenance: prov,
  };
}

/**
 * When the ASA starts the tunnel: a crypto map on the first packet that matches its ACL (unless
 * answer-only); a VTI as soon as its interface is up (unless its profile is responder-only).
 */
function startOf(c: Candidate, phase2: Phase2): { action: GatewaySettings['startAction']; line: number } {
  if (c.kind === 'map') {
    const t = c.entry.connectionType;
    return { action: t?.value ?? 'trap', line: t?.line ?? c.line };
  }
  const responder = (phase2 as IpsecProfile).responderOnly;
  if (responder) return { action: 'wait', line: responder.line };
  return { action: 'initiate', line: c.iface.tunnelProfile?.line ?? c.line };
}
