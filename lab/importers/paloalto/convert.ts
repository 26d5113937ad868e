import { defaultSettings } from '../../settings/defaults.js';
import type { GatewaySettings, Side } from '../../settings/types.js';
import { PAN_DPD_DEFAULTS } from '../../vendors/paloalto/algorithms.js';
import { clampSeconds, type FoundPlaceholder, type Imported, isLabIdentity } from '../build.js';
import { isMaskedKey, isPlaceholder } from '../tokens.js';
import { append, ImportError, type ImportWarning, type LineLedger, type TunnelSummary } from '../types.js';
import { espProposals, ikeProposals } from './crypto.js';
import { interfaceAddresses, interfaceNode, type PanScope, type PanTunnel, resolveAddress } from './objects.js';
import { selectorsOf } from './selectors.js';
import type { PanNode } from './tree.js';

export function tunnelsOf(scope: PanScope): PanTunnel[] {
  const gateways = scope.network?.get('ike', 'gateway');
  const out: PanTunnel[] = [];
  for (const [name, tunnel] of scope.network?.get('tunnel', 'ipsec')?.entries ?? []) {
    const gatewayName = tunnel.get('auto-key', 'ike-gateway')?.list()[0];
    const gateway = gatewayName === undefined ? undefined : gateways?.entries.get(gatewayName);
    const peer = gateway?.get('peer-address', 'ip')?.value() ?? gateway?.get('peer-address', 'fqdn')?.value() ?? '';
    out.push({ name, tunnel, gateway, gatewayName, peer, line: tunnel.line });
  }
  return out;
}

/** `entry` (--tunnel): the IPsec tunnel's name, its IKE gateway's name, or the peer (as written or resolved). */
export function matches(t: PanTunnel, scope: PanScope, wanted: string): boolean {
  const w = wanted.trim();
  return (
    t.name === w ||
    t.gatewayName === w ||
    (t.peer !== '' && (t.peer === w || resolveAddress(scope, t.peer).address === w))
  );
}

const yes = (n: PanNode | undefined) => n?.value() === 'yes';

/** Reads one tunnel: gateway, crypto profiles, proxy IDs or routes, into what the lab needs. */
export function convertTunnel(
  scope: PanScope,
  t: PanTunnel,
  ledger: LineLedger,
  warnings: ImportWarning[],
  side: Side,
  tunnels: TunnelSummary[],
): Imported {
  const prov = new Map<string, number[]>();
  const placeholders: FoundPlaceholder[] = [];
  const gw = t.gateway;
  const ref = t.tunnel.get('auto-key', 'ike-gateway');
  if (!t.tunnel.get('auto-key'))
    throw new ImportError(t.line, `IPsec tunnel ${t.name} has no auto-key (manual keys are not modelled)`);
  if (!gw)
    throw new ImportError(
      ref?.line ?? t.line,
      t.gatewayName === undefined
        ? `IPsec tunnel ${t.name} names no IKE gateway (expected "auto-key ike-gateway NAME")`
        : `IKE gateway ${t.gatewayName} is not defined (expected "network ike gateway ${t.gatewayName}")`,
    );
  t.tunnel.use();
  t.tunnel.get('auto-key')!.use();
  ref!.use(true);
  gw.use();
  for (const n of [t.tunnel, gw]) n.reason = 'not modelled in the lab';
  for (const flag of [t.tunnel.get('disabled'), gw.get('disabled')]) {
    if (!flag) continue;
    flag.use();
    if (yes(flag)) warnings.push({ line: flag.line, message: 'disabled on the firewall; the lab runs it anyway' });
  }

  // Version: PAN-OS defaults to IKEv1; ikev2-preferred tries IKEv2 first, which the lab runs.
  const versionNode = gw.get('protocol', 'version')?.use();
  const v = versionNode?.value() ?? 'ikev1';
  const ikeVersion: 1 | 2 = v === 'ikev1' ? 1 : 2;
  if (v === 'ikev2-preferred')
    warnings.push({ line: versionNode!.line, message: 'ikev2-preferred falls back to IKEv1; the lab runs IKEv2' });
  gw.get('protocol')?.use();
  prov.set('gateway.ikeVersion', [versionNode?.line ?? gw.line]);
  const proto = gw.get('protocol', `ikev${ikeVersion}`)?.use();
  const unused = gw.get('protocol', `ikev${3 - ikeVersion}`);
  if (unused) unused.reason = `IKEv${3 - ikeVersion} settings do not apply: the gateway runs IKEv${ikeVersion}`;

  const profiles = scope.network?.get('ike', 'crypto-profiles');
  const ikeRef = proto?.get('ike-crypto-profile')?.use();
  const ike = ikeProposals(profiles?.get('ike-crypto-profiles'), ikeRef, ikeVersion, gw.line, warnings);
  ike.profile?.use(true);
  prov.set('gateway.ikeProposals', [ikeRef?.line ?? gw.line, ike.profile?.line ?? 0, ...ike.lines]);
  prov.set('gateway.ike.rekeyTime', [ike.lifetimeNode?.line ?? ike.profile?.line ?? gw.line]);
  const multiple = ike.profile?.get('authentication-multiple');
  if (multiple && multiple.value() !== '0') {
    multiple.used = false;
    multiple.reason = 'reauthentication after N rekeys is not modelled; the lab rekeys without reauthenticating';
  }

  const espRef = t.tunnel.get('auto-key', 'ipsec-crypto-profile')?.use();
  const esp = espProposals(profiles?.get('ipsec-crypto-profiles'), espRef, t.line, warnings);
  esp.profile?.use(true);
  const lifesize = esp.profile?.get('lifesize');
  if (lifesize) {
    lifesize.used = false;
    for (const n of lifesize.children.values()) n.used = false;
    lifesize.reason = 'volume lifetimes are not modelled; the lab rekeys by time';
  }
  prov.set('gateway.espProposals', [espRef?.line ?? t.line, esp.profile?.line ?? 0, ...esp.lines]);
  prov.set('gateway.child.rekeyTime', [esp.lifetimeNode?.line ?? esp.profile?.line ?? t.line]);

  const key = presharedKey(gw, ledger);
  if (key.placeholder) placeholders.push(key.placeholder);
  prov.set('gateway.psk', [key.line]);

  const ends = endpoints(scope, gw, warnings, placeholders);
  prov.set('peerAddress', [ends.peerLine]);
  const ids = identities(gw, ends.local, ends.peer, placeholders);
  prov.set('gateway.localId', [ids.localLine ?? ends.localLine]);
  prov.set('gateway.remoteId', [ids.remoteLine ?? ends.peerLine]);

  const dpdNode = proto?.get('dpd');
  const dpdOn = yes(dpdNode?.get('enable'));
  dpdNode?.use(true);
  const interval = Number(dpdNode?.get('interval')?.value() ?? PAN_DPD_DEFAULTS.interval);
  const retry = Number(dpdNode?.get('retry')?.value() ?? PAN_DPD_DEFAULTS.retry);
  if (dpdNode) prov.set('gateway.dpd', [dpdNode.line]);

  const common = gw.get('protocol-common');
  common?.use();
  const natt = common?.get('nat-traversal')?.use(true);
  if (natt && natt.get('enable')?.value() === 'no')
    warnings.push({
      line: natt.line,
      message:
        'NAT-T is off on the firewall (it would fail behind NAT); strongSwan always detects NAT and encapsulates',
    });
  const passive = common?.get('passive-mode')?.use();
  const exchange = gw.get('protocol', 'ikev1', 'exchange-mode');
  if (ikeVersion === 1) exchange?.use();
  const monitor = t.tunnel.get('tunnel-monitor');
  monitor?.use(true);
  const monitored = yes(monitor?.get('enable'));
  for (const k of ['anti-replay', 'copy-tos']) {
    const n = t.tunnel.get(k);
    // strongSwan keeps a replay window and does not copy TOS: PAN-OS's defaults.
    if (n && n.value() === (k === 'anti-replay' ? 'yes' : 'no')) n.use();
  }

  const sel = selectorsOf(scope, t, ends.localInterface, warnings);
  append(placeholders, sel.placeholders);
  for (const [k, lines] of sel.provenance) prov.set(k, lines);

  // When PAN-OS starts the tunnel: on matching traffic, at once when a tunnel monitor pings
  // through it, never when it is passive (responder only).
  const startAction = yes(passive) ? 'wait' : monitored ? 'initiate' : 'trap';
  prov.set('gateway.startAction', [passive?.line ?? monitor?.line ?? t.line]);
  const base = defaultSettings()[side].gateway;
  const gateway: GatewaySettings = {
    ...base,
    ikeVersion,
    ikeProposals: ike.proposals,
    espProposals: esp.proposals,
    psk: key.psk,
    localId: ids.local,
    remoteId: ids.remote,
    localTs: sel.local,
    remoteTs: sel.remote,
    peerAddress: '',
    dpd: {
      delay: dpdOn ? interval : 0,
      // IKEv1 declares the peer dead after `retry` unanswered probes; IKEv2 uses its retransmissions.
      timeout: dpdOn && ikeVersion === 1 ? interval * retry : base.dpd.timeout,
      action: monitored ? 'restart' : 'trap',
    },
    ike: { rekeyTime: clampSeconds(ike.lifetime, gw.line, 'IKE lifetime', warnings), reauthTime: 0, overTime: 0 },
    child: { rekeyTime: clampSeconds(esp.lifetime, t.line, 'IPsec lifetime', warnings), lifeTime: 0 },
    startAction,
    encap: false,
    // PAN-OS does no MOBIKE.
    mobike: false,
    aggressive: ikeVersion === 1 && exchange?.value() === 'aggressive',
  };
  return {
    format: 'paloalto',
    entry: t.name,
    side,
    gateway,
    lan: sel.lan,
    peerLan: sel.peerLan,
    localAddress: ends.local.address,
    localPrefix: ends.local.prefix,
    peerAddress: ends.peer.address,
    followLab: { localId: ids.localFollowsLab, remoteId: ids.remoteFollowsLab },
    line: t.line,
    warnings,
    ledger,
    placeholders,
    tunnels,
    routeBased: sel.routeBased,
    provenance: prov,
  };
}

function presharedKey(gw: PanNode, ledger: LineLedger): { psk: string; line: number; placeholder?: FoundPlaceholder } {
  const fallback = defaultSettings().left.gateway.psk;
  const auth = gw.get('authentication');
  if (auth?.get('certificate'))
    throw new ImportError(
      auth.get('certificate')!.line,
      'certificate authentication is not modelled; the lab uses pre-shared keys',
    );
  const keyNode = auth?.get('pre-shared-key', 'key');
  const key = keyNode?.value();
  if (!keyNode || !key)
    throw new ImportError(
      auth?.line ?? gw.line,
      `IKE gateway ${gw.name} has no pre-shared key (expected "authentication pre-shared-key key KEY")`,
    );
  auth!.use();
  auth!.get('pre-shared-key')!.use();
  keyNode.use();
  ledger.secret(keyNode.line, key);
  // `-AQ==...` is the key encrypted with the firewall's master key, as a config shows it.
  if (key.startsWith('-AQ=='))
    return {
      psk: fallback,
      line: keyNode.line,
      placeholder: { line: keyNode.line, text: "-AQ==... (encrypted with the firewall's master key)", field: 'psk' },
    };
  if (isPlaceholder(key) || isMaskedKey(key))
    return { psk: fallback, line: keyNode.line, placeholder: { line: keyNode.line, text: key, field: 'psk' } };
  if (key.length > 1024) throw new ImportError(keyNode.line, 'the pre-shared key must be at most 1024 characters');
  return { psk: key, line: keyNode.line };
}

interface Ends {
  local: { address?: string; prefix?: number };
  peer: { address?: string };
  localInterface?: string;
  localLine: number;
  peerLine: number;
}

function endpoints(scope: PanScope, gw: PanNode, warnings: ImportWarning[], placeholders: FoundPlaceholder[]): Ends {
  const la = gw.get('local-address')?.use();
  const ifname = la?.get('interface')?.use().value();
  const ipNode = la?.get('ip');
  const out: Ends = { local: {}, peer: {}, localInterface: ifname, localLine: la?.line ?? gw.line, peerLine: gw.line };
  let local = ipNode?.value() ? resolveAddress(scope, ipNode.value()!) : undefined;
  if (!local && ifname) {
    const iface = interfaceNode(scope, ifname);
    const first = iface
      ? interfaceAddresses(scope, iface).find((a) => a.address.address || a.address.placeholder)
      : undefined;
    if (first) {
      first.ip.use(true);
      local = first.address;
    }
  }
  if (ipNode) ipNode.use();
  // The IKE interface's own address entry is the local address (when it is the same).
  const own = ifname ? interfaceNode(scope, ifname) : undefined;
  if (own && local)
    for (const a of interfaceAddresses(scope, own))
      if (a.address.address === local.address || a.address.text === local.text) a.ip.use(true);
  if (local?.object) local.object.use(true);
  if (local?.address) out.local = { address: local.address, prefix: local.prefix };
  else if (local?.placeholder || local?.ipv6)
    placeholders.push({ line: ipNode?.line ?? la!.line, text: local.text, field: 'localAddress' });
  else warnings.push({ line: la?.line ?? gw.line, message: 'no local address; the lab gateway uses its own' });

  const pa = gw.get('peer-address')?.use();
  const peerNode = pa?.get('ip') ?? pa?.get('fqdn');
  out.peerLine = peerNode?.line ?? pa?.line ?? gw.line;
  if (pa?.get('dynamic')) {
    pa.get('dynamic')!.use();
    warnings.push({ line: pa.line, message: 'dynamic peer (any address): the lab tunnel has one fixed peer, its own' });
  } else if (peerNode?.value()) {
    peerNode.use();
    const peer = resolveAddress(scope, peerNode.value()!);
    if (peer.object) peer.object.use(true);
    if (peer.address) out.peer = { address: peer.address };
    else placeholders.push({ line: peerNode.line, text: peer.text, field: 'peerAddress' });
  } else throw new ImportError(gw.line, `IKE gateway ${gw.name} has no peer (expected "peer-address ip ADDRESS")`);
  return out;
}

/** PAN-OS identity types -> strongSwan identities. */
function identity(node: PanNode | undefined): { id?: string; line?: number; placeholder?: string } {
  const id = node?.get('id')?.value();
  if (!node || !id) return {};
  node.use(true);
  const type = node.get('type')?.value() ?? 'ipaddr';
  if (isPlaceholder(id)) return { line: node.line, placeholder: id };
  const value = type === 'keyid' ? `keyid:${id}` : id;
  return isLabIdentity(value) ? { id: value, line: node.line } : { line: node.line, placeholder: id };
}

function identities(
  gw: PanNode,
  local: { address?: string },
  peer: { address?: string },
  placeholders: FoundPlaceholder[],
) {
  const base = defaultSettings().left.gateway;
  const l = identity(gw.get('local-id'));
  const r = identity(gw.get('peer-id'));
  if (l.placeholder) placeholders.push({ line: l.line!, text: l.placeholder, field: 'localId' });
  if (r.placeholder) placeholders.push({ line: r.line!, text: r.placeholder, field: 'remoteId' });
  // Without an ID, PAN-OS presents its local address and does not check the peer's: the lab uses the addresses.
  const localId = l.id ?? local.address;
  const remoteId = r.id ?? peer.address;
  return {
    local: localId ?? base.localId,
    remote: remoteId ?? base.remoteId,
    localLine: l.line,
    remoteLine: r.line,
    localFollowsLab: !localId,
    remoteFollowsLab: !remoteId,
  };
}
