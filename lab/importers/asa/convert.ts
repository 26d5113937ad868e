import { isIPv4, normalizeCidr } from '../../settings/addresses.js';
import { defaultSettings } from '../../settings/defaults.js';
import type { GatewaySettings } from '../../settings/types.js';
import { clampSeconds, importResult, isLabIdentity } from '../build.js';
import { ImportError, type ImportOptions, type ImportResult, type ImportWarning, type LineLedger } from '../types.js';
import { v1Esp, v1Ike, v2Esp, v2Ike } from './crypto.js';
import { type AsaConfig, DEFAULT_KEEPALIVE, DEFAULT_SA_LIFETIME, type MapEntry, type Ref } from './model.js';
import { checkNatExemption, checkReferences, selectors } from './selectors.js';

/** Identifies a crypto map entry from the `entry` option: 10, "10", "outside_map 10" or "outside_map:10". */
function matchesEntry(e: MapEntry, wanted: string | number): boolean {
  const w = String(wanted).trim();
  const m = /^(?:(\S+?)[\s:]+)?(\d+)$/.exec(w);
  if (!m) return false;
  return Number(m[2]) === e.seq && (!m[1] || m[1] === e.map);
}

/** Picks one crypto map entry out of the parsed configuration and turns it into lab settings. */
export function convertAsa(
  cfg: AsaConfig,
  ledger: LineLedger,
  warnings: ImportWarning[],
  options: ImportOptions,
): ImportResult {
  const side = options.side ?? 'left';

  const entries = [...cfg.maps.values()].flatMap((m) => [...m.values()].sort((a, b) => a.seq - b.seq));
  for (const e of entries) checkReferences(cfg, e);
  if (!entries.length)
    throw new ImportError(
      0,
      'no crypto map entry found (expected "crypto map NAME SEQ match address ACL" and "crypto map NAME SEQ set peer ADDRESS")',
    );
  const entry = options.entry === undefined ? entries[0] : entries.find((e) => matchesEntry(e, options.entry!));
  if (!entry) {
    throw new ImportError(
      0,
      `no crypto map entry ${options.entry}; the configuration has ${entries.map((e) => `${e.map} ${e.seq}`).join(', ')}`,
    );
  }
  for (const e of entries) {
    if (e === entry) continue;
    const reason = `crypto map ${e.map} ${e.seq} is not imported (import it with entry ${e.seq})`;
    for (const l of e.lines) ledger.unsupported(l, reason);
    warnings.push({ line: e.lines[0], message: `${reason}; peer ${e.peers?.value.join(' ') ?? 'unset'}` });
  }
  ledger.use(...entry.lines);
  const first = entry.lines[0];
  const label = `crypto map ${entry.map} ${entry.seq}`;

  // The version: IKEv2 when an ipsec-proposal is set (an ASA tries IKEv2 first when both are).
  const ikeVersion: 1 | 2 = entry.v2Proposals ? 2 : 1;
  if (!entry.v2Proposals && !entry.v1Sets) {
    throw new ImportError(
      first,
      `${label} has no transform set (expected "${label} set ikev1 transform-set NAME" or "${label} set ikev2 ipsec-proposal NAME")`,
    );
  }
  if (entry.v2Proposals && entry.v1Sets) {
    ledger.unsupported(
      entry.v1Sets.line,
      'the lab runs one IKE version; the IKEv2 proposals of this entry are imported (an ASA tries IKEv2 first)',
    );
  }

  if (!entry.peers) throw new ImportError(first, `${label} has no peer (expected "${label} set peer ADDRESS")`);
  const peerAddress = entry.peers.value[0];
  if (!isIPv4(peerAddress))
    throw new ImportError(entry.peers.line, `expected an IPv4 peer address, got "${peerAddress}"`);
  if (entry.peers.value.length > 1) {
    warnings.push({
      line: entry.peers.line,
      message: `backup peers ${entry.peers.value.slice(1).join(' ')} are not modelled; the lab uses ${peerAddress}`,
    });
  }

  if (!entry.acl) throw new ImportError(first, `${label} has no access list (expected "${label} match address ACL")`);
  const ts = selectors(cfg, ledger, entry.acl.value, warnings);

  const espProposals = ikeVersion === 1 ? v1Esp(cfg, ledger, entry) : v2Esp(cfg, ledger, entry);
  const ike = ikeVersion === 1 ? v1Ike(cfg, ledger, warnings) : v2Ike(cfg, ledger, warnings);

  // Lifetimes: the entry's, else the global default, else ASA's 28800 s.
  let childLifetime = DEFAULT_SA_LIFETIME;
  if (entry.lifetime) childLifetime = entry.lifetime.value;
  else if (cfg.saLifetime) {
    childLifetime = cfg.saLifetime.value;
    ledger.use(cfg.saLifetime.line);
  }

  // The interface the map is bound to gives the local address.
  let localAddress: string | undefined;
  let localPrefix: number | undefined;
  const bound = cfg.mapInterfaces.get(entry.map);
  if (!bound) {
    warnings.push({
      line: first,
      message: `crypto map ${entry.map} is not applied to an interface (expected "crypto map ${entry.map} interface outside")`,
    });
  } else {
    ledger.use(bound.line);
    const iface = cfg.interfaces.find((i) => i.nameif === bound.value);
    if (!iface) warnings.push({ line: bound.line, message: `no interface has nameif ${bound.value}` });
    else {
      ledger.use(...iface.lines);
      localAddress = iface.ip;
      localPrefix = iface.prefix;
      if (!localAddress)
        warnings.push({
          line: iface.lines[0],
          message: `interface ${bound.value} has no static address; the lab keeps its default WAN`,
        });
    }
    const enable = cfg.enables.filter((e) => e.ifname === bound.value && e.version === ikeVersion);
    if (enable.length) ledger.use(...enable.map((e) => e.line));
    else
      warnings.push({
        line: bound.line,
        message: `IKEv${ikeVersion} is not enabled on ${bound.value} (expected "crypto ikev${ikeVersion} enable ${bound.value}")`,
      });
  }

  // The LAN behind the gateway: the inside interface, when there is one the lab can use.
  let lan: string | undefined;
  const inside = cfg.interfaces.find((i) => i.nameif === 'inside' && i.ip);
  if (inside && inside.prefix! <= 28) {
    lan = normalizeCidr(`${inside.ip}/${inside.prefix}`);
    ledger.use(...inside.lines);
  }

  const psk = presharedKey(cfg, ledger, peerAddress, ikeVersion, entry, warnings);
  const tg = cfg.tunnelGroups.get(peerAddress) ?? cfg.tunnelGroups.get('DefaultL2LGroup');
  const dpdDelay = tg?.keepalive?.value ?? DEFAULT_KEEPALIVE;

  const localId = localIdentity(cfg, ledger, localAddress, side, warnings);
  const base = defaultSettings()[side].gateway;
  const gateway: GatewaySettings = {
    ...base,
    ikeVersion,
    ikeProposals: ike.proposals,
    espProposals,
    psk,
    localId,
    // An ASA identifies a site-to-site peer by its address.
    remoteId: peerAddress,
    localTs: ts.local,
    remoteTs: ts.remote,
    peerAddress: '',
    // ASA drops the SAs of a dead peer and brings them back on the next interesting packet.
    dpd: { delay: dpdDelay, timeout: base.dpd.timeout, action: 'trap' },
    ike: { rekeyTime: clampSeconds(ike.lifetime, ike.line, 'IKE lifetime', warnings), reauthTime: 0, overTime: 0 },
    child: {
      rekeyTime: clampSeconds(childLifetime, entry.lifetime?.line ?? first, 'SA lifetime', warnings),
      lifeTime: 0,
    },
    // A crypto map starts the tunnel when interesting traffic arrives.
    startAction: entry.connectionType?.value ?? 'trap',
    encap: false,
    // ASA does no MOBIKE for site-to-site tunnels.
    mobike: false,
    aggressive: ikeVersion === 1 && (entry.aggressive?.value ?? false),
  };
  if (entry.aggressive && ikeVersion === 2)
    ledger.unsupported(entry.aggressive.line, 'aggressive mode exists only in IKEv1');
  checkNatExemption(cfg, ledger, ts);

  return importResult({
    format: 'asa',
    entry: `${entry.map} ${entry.seq}`,
    side,
    gateway,
    lan,
    localAddress,
    localPrefix,
    peerAddress,
    line: first,
    warnings,
    ledger,
  });
}

function presharedKey(
  cfg: AsaConfig,
  ledger: LineLedger,
  peer: string,
  version: 1 | 2,
  entry: MapEntry,
  warnings: ImportWarning[],
): string {
  const tg = cfg.tunnelGroups.get(peer) ?? cfg.tunnelGroups.get('DefaultL2LGroup');
  const fallback = defaultSettings().left.gateway.psk;
  if (!tg) {
    warnings.push({
      line: entry.peers!.line,
      message: `no tunnel-group ${peer} (expected "tunnel-group ${peer} ipsec-attributes" with a pre-shared key); the lab uses its default key`,
    });
    return fallback;
  }
  ledger.use(...tg.lines.filter((l) => l !== tg.psk1?.line && l !== tg.pskLocal?.line && l !== tg.pskRemote?.line));
  let key: Ref<string> | undefined;
  if (version === 1) key = tg.psk1;
  else {
    key = tg.pskLocal ?? tg.pskRemote;
    if (tg.pskLocal && tg.pskRemote) {
      ledger.use(tg.pskLocal.line);
      if (tg.pskRemote.value !== tg.pskLocal.value) {
        ledger.unsupported(
          tg.pskRemote.line,
          'differs from the local-authentication key; the lab uses one key in both directions (the local one)',
        );
      } else ledger.use(tg.pskRemote.line);
    }
  }
  if (!key) {
    warnings.push({
      line: tg.lines[0],
      message: `tunnel-group ${peer} has no IKEv${version} pre-shared key; the lab uses its default key`,
    });
    return fallback;
  }
  ledger.use(key.line);
  if (key.value.includes('\n') || key.value.length > 1024)
    throw new ImportError(key.line, 'the pre-shared key must be one line of at most 1024 characters');
  return key.value;
}

function localIdentity(
  cfg: AsaConfig,
  ledger: LineLedger,
  localAddress: string | undefined,
  side: 'left' | 'right',
  warnings: ImportWarning[],
): string {
  const fallback = defaultSettings()[side].gateway.localId;
  const mode = cfg.identity?.value ?? ['auto'];
  if (cfg.identity) ledger.use(cfg.identity.line);
  if (mode[0] === 'hostname') {
    if (!cfg.hostname) throw new ImportError(cfg.identity!.line, 'identity hostname needs a "hostname" line');
    ledger.use(cfg.hostname.line);
    if (cfg.domainName) ledger.use(cfg.domainName.line);
    const fqdn = cfg.domainName ? `${cfg.hostname.value}.${cfg.domainName.value}` : cfg.hostname.value;
    if (isLabIdentity(fqdn)) return fqdn;
  } else if (mode[0] === 'key-id' && mode[1]) {
    const id = `keyid:${mode[1]}`;
    if (isLabIdentity(id)) return id;
  } else if (mode[0] === 'address' || mode[0] === 'auto') {
    if (localAddress) return localAddress;
    warnings.push({
      line: cfg.identity?.line ?? 0,
      message: `no local address found for the IKE identity; the lab uses ${fallback}`,
    });
    return fallback;
  } else if (cfg.identity)
    throw new ImportError(cfg.identity.line, 'expected identity address, hostname, key-id NAME or auto');
  warnings.push({
    line: cfg.identity?.line ?? 0,
    message: `the identity cannot be used in the lab; using ${fallback}`,
  });
  return fallback;
}
