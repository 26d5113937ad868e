import { isIPv4 } from '../../settings/addresses.js';
import { defaultSettings } from '../../settings/defaults.js';
import type { Side } from '../../settings/types.js';
import { type FoundPlaceholder, isLabIdentity } from '../build.js';
import { isMaskedKey, isPlaceholder } from '../tokens.js';
import { ImportError, type ImportWarning, type LineLedger } from '../types.js';
import { type AsaConfig, type Iface, type Ref, sameIfname, type TunnelGroup } from './model.js';
import { resolveHost } from './selectors.js';

/** What the tunnel's own side of the configuration says about its endpoint. */
export interface LocalEnd {
  address?: string;
  prefix?: number;
  /** The address is written as a placeholder (or a name nothing defines): the lab's own is used. */
  placeholder?: FoundPlaceholder;
  lines: number[];
}

/** The address of the interface a crypto map or tunnel is bound to (by nameif, which ASA compares without case). */
export function localEnd(cfg: AsaConfig, ifname: string | undefined): { iface?: Iface; end: LocalEnd } {
  const iface = cfg.interfaces.find((i) => sameIfname(i.nameif, ifname));
  if (!iface?.address) return { iface, end: { lines: iface ? [...iface.lines] : [] } };
  const { word, prefix } = iface.address.value;
  const host = resolveHost(cfg, word);
  const lines = [...iface.lines, ...(host.line ? [host.line] : [])];
  if (host.address) return { iface, end: { address: host.address, prefix, lines } };
  return {
    iface,
    end: { prefix, lines, placeholder: { line: iface.address.line, text: word, field: 'localAddress' } },
  };
}

/** The tunnel-group of a peer: named by the peer as written, by its address, or the L2L default group. */
export function tunnelGroupOf(cfg: AsaConfig, peer: string, address?: string): [string, TunnelGroup] | undefined {
  for (const name of [peer, address, 'DefaultL2LGroup']) {
    const tg = name === undefined ? undefined : cfg.tunnelGroups.get(name);
    if (tg) return [name!, tg];
  }
  return undefined;
}

export interface Key {
  psk: string;
  line?: number;
  placeholder?: FoundPlaceholder;
}

export function presharedKey(
  cfg: AsaConfig,
  ledger: LineLedger,
  peer: Ref<string>,
  address: string | undefined,
  version: 1 | 2,
  warnings: ImportWarning[],
): Key {
  const fallback = defaultSettings().left.gateway.psk;
  const found = tunnelGroupOf(cfg, peer.value, address);
  if (!found) {
    warnings.push({
      line: peer.line,
      message: `no tunnel-group ${peer.value} (expected "tunnel-group ${peer.value} ipsec-attributes" with a pre-shared key); the lab uses its default key`,
    });
    return { psk: fallback };
  }
  const [name, tg] = found;
  ledger.useAll(tg.lines.filter((l) => l !== tg.psk1?.line && l !== tg.pskLocal?.line && l !== tg.pskRemote?.line));
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
    const p = tg.problems[0];
    if (p) throw new ImportError(p.line, `tunnel-group ${name}: ${p.message}`);
    warnings.push({
      line: tg.lines[0],
      message: `tunnel-group ${name} has no IKEv${version} pre-shared key; the lab uses its default key`,
    });
    return { psk: fallback };
  }
  ledger.use(key.line);
  if (isPlaceholder(key.value) || isMaskedKey(key.value))
    return { psk: fallback, line: key.line, placeholder: { line: key.line, text: key.value, field: 'psk' } };
  if (key.value.length > 1024) throw new ImportError(key.line, 'the pre-shared key must be at most 1024 characters');
  return { psk: key.value, line: key.line };
}

export interface LocalId {
  id: string;
  lines: number[];
  /** The identity is the local address, which the input only has as a placeholder. */
  followsLab?: boolean;
}

export function localIdentity(
  cfg: AsaConfig,
  ledger: LineLedger,
  end: LocalEnd,
  side: Side,
  tunnelLine: number,
  warnings: ImportWarning[],
): LocalId {
  const fallback = defaultSettings()[side].gateway.localId;
  const mode = cfg.identity?.value ?? ['auto'];
  const lines = cfg.identity ? [cfg.identity.line] : [];
  if (cfg.identity) ledger.use(cfg.identity.line);
  if (mode[0] === 'hostname') {
    if (!cfg.hostname) throw new ImportError(cfg.identity!.line, 'identity hostname needs a "hostname" line');
    ledger.use(cfg.hostname.line);
    if (cfg.domainName) ledger.use(cfg.domainName.line);
    const fqdn = cfg.domainName ? `${cfg.hostname.value}.${cfg.domainName.value}` : cfg.hostname.value;
    if (isLabIdentity(fqdn)) return { id: fqdn, lines: [...lines, cfg.hostname.line] };
  } else if (mode[0] === 'key-id' && mode[1]) {
    const id = `keyid:${mode[1]}`;
    if (isLabIdentity(id)) return { id, lines };
  } else if (mode[0] === 'address' || mode[0] === 'auto') {
    if (end.address && isIPv4(end.address)) return { id: end.address, lines: [...lines, ...end.lines] };
    if (end.placeholder) return { id: fallback, lines, followsLab: true };
    warnings.push({
      line: cfg.identity?.line ?? tunnelLine,
      message: `no local address found for the IKE identity; the lab uses its gateway address ${fallback}`,
    });
    return { id: fallback, lines, followsLab: true };
  } else if (cfg.identity)
    throw new ImportError(cfg.identity.line, 'expected identity address, hostname, key-id NAME or auto');
  warnings.push({
    line: cfg.identity?.line ?? tunnelLine,
    message: `the identity cannot be used in the lab; using ${fallback}`,
  });
  return { id: fallback, lines };
}
