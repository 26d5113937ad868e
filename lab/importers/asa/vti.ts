import { parseCidr } from '../../settings/addresses.js';
import type { FoundPlaceholder } from '../build.js';
import { append, type ImportWarning, type LineLedger } from '../types.js';
import { type AsaConfig, type Iface, sameIfname } from './model.js';
import { resolve } from './selectors.js';

/** The lab's LANs are /8 to /28 (hosts sit at .1 and .10). */
const usableLan = (cidr: string) => {
  const c = parseCidr(cidr);
  return !!c && c.prefix >= 8 && c.prefix <= 28;
};

/**
 * A route-based tunnel selects 0.0.0.0/0; what goes through it is decided by routing. The
 * networks routed over the tunnel interface (`route NAMEIF NETWORK MASK GATEWAY`) are the peer's
 * LANs; the first one the lab can host becomes the lab's peer LAN.
 */
export function routedNetworks(
  cfg: AsaConfig,
  ledger: LineLedger,
  iface: Iface,
  warnings: ImportWarning[],
): { lan?: string; lines: number[]; placeholders: FoundPlaceholder[] } {
  const routes = cfg.routes.filter((r) => sameIfname(r.ifname, iface.nameif));
  const networks: string[] = [];
  const lines: number[] = [];
  const placeholders: FoundPlaceholder[] = [];
  for (const r of routes) {
    const res = resolve(cfg, r.dest, r.line);
    if (res.bad) {
      ledger.unsupported(r.line, res.bad);
      continue;
    }
    ledger.useAll([r.line, ...res.lines]);
    lines.push(r.line);
    append(networks, res.cidrs);
    append(
      placeholders,
      res.placeholders.map((p) => ({ ...p, field: 'peerLan' })),
    );
  }
  const lan = networks.find(usableLan);
  const where = iface.tunnelProfile?.line ?? iface.lines[0];
  const name = `interface ${iface.hw}${iface.nameif ? ` (${iface.nameif})` : ''}`;
  warnings.push({
    line: where,
    message:
      `route-based tunnel (VTI ${name}): the traffic selectors are 0.0.0.0/0 on both sides and routing decides what goes through; ` +
      (networks.length
        ? `the routes over it reach ${networks.join(', ')}${lan ? `; the lab's peer LAN is ${lan}` : ', none of which can be a lab LAN (/8 to /28)'}`
        : 'no route over it is configured here, so the lab uses its own LANs'),
  });
  return { lan, lines, placeholders };
}
