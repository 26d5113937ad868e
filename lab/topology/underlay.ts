/**
 * The subnet of a lab's own Docker network (the VXLAN underlay every box has on eth0), chosen by
 * the lab instead of taken from Docker's address pool. Docker's pools (172.17-31.x, 192.168.x,
 * 10.x) are where customers' LANs live: a pool subnet that holds a lab LAN gives the LAN hosts a
 * connected route on eth0 for it, and replies leave through Docker's network instead of through
 * their gateway. The lab picks from 198.18.0.0/15 (RFC 2544's benchmarking range, never routed on
 * the internet) and then from 100.64.0.0/10, skipping every subnet a lab setting uses and every
 * subnet another Docker network on the engine holds. Pure, so it is unit tested without Docker.
 */
import { LabError } from '../docker/errors.js';
import { cidrsOverlap, formatIPv4, normalizeCidr, parseCidr } from '../settings/addresses.js';
import { type LabSettings, SIDES } from '../settings/types.js';
import { type Role, ROLES } from './plan.js';

/** One subnet the lab's settings use, with the field that names it (for the refusal message). */
export interface UsedSubnet {
  field: string;
  cidr: string;
}

/** /24 blocks, in the order they are tried. 198.19 first: 198.18.0.0/16 is a common fake-IP range of proxy tools. */
const BLOCKS = ['198.19.0.0/16', '198.18.0.0/16', '100.64.0.0/10'];
const PREFIX = 24;

/**
 * Every subnet the lab's settings put addresses in: both LANs and WANs, every traffic selector,
 * and the peer addresses. A selector of 0.0.0.0/0 ("any": a full or route-based tunnel) holds every
 * subnet there is, so no choice could avoid it; it is left out, and the LAN hosts still reach every
 * lab address through their gateway (the underlay holds none of them).
 */
export function usedSubnets(settings: LabSettings): UsedSubnet[] {
  const used: UsedSubnet[] = [];
  for (const side of SIDES) {
    const site = settings[side];
    used.push(
      { field: `${side}.lan`, cidr: normalizeCidr(site.lan) },
      { field: `${side}.wan`, cidr: normalizeCidr(site.wan) },
    );
    for (const key of ['localTs', 'remoteTs'] as const) {
      site.gateway[key].forEach((ts, i) => {
        const cidr = ts.includes('/') ? ts : `${ts}/32`;
        if (parseCidr(cidr)?.prefix === 0) return;
        used.push({ field: `${side}.gateway.${key}[${i}]`, cidr: normalizeCidr(cidr) });
      });
    }
    if (site.gateway.peerAddress)
      used.push({ field: `${side}.gateway.peerAddress`, cidr: `${site.gateway.peerAddress}/32` });
  }
  return used;
}

function* candidates(): Generator<string> {
  for (const block of BLOCKS) {
    const b = parseCidr(block)!;
    const count = 2 ** (PREFIX - b.prefix);
    for (let i = 0; i < count; i++) yield `${formatIPv4((b.network + i * 2 ** (32 - PREFIX)) >>> 0)}/${PREFIX}`;
  }
}

/**
 * The first candidate subnet that overlaps nothing the settings use and no subnet in `taken`
 * (other Docker networks, or candidates the engine refused). Throws invalid-settings naming what
 * overlaps when every candidate is blocked.
 */
export function chooseUnderlay(settings: LabSettings, taken: readonly string[] = []): string {
  const used = usedSubnets(settings);
  for (const c of candidates()) {
    if (used.some((u) => cidrsOverlap(u.cidr, c))) continue;
    if (taken.some((t) => cidrsOverlap(t, c))) continue;
    return c;
  }
  const blockers = BLOCKS.map((block) => {
    const by = used.filter((u) => cidrsOverlap(u.cidr, block)).map((u) => `${u.field} ${u.cidr}`);
    return `${block}: ${by.length ? `overlaps ${by.join(', ')}` : 'every /24 is taken by other Docker networks'}`;
  });
  throw new LabError(
    'invalid-settings',
    `no subnet left for the lab's own Docker network that stays clear of the lab's addresses (${blockers.join('; ')})`,
    'narrow the selectors or subnets named, or remove unused Docker networks (`docker network prune`)',
  );
}

/** The lab settings a given underlay subnet overlaps, e.g. after a live change of the selectors. */
export function underlayOverlaps(settings: LabSettings, underlay: string): UsedSubnet[] {
  return usedSubnets(settings).filter((u) => cidrsOverlap(u.cidr, underlay));
}

/** The gateway address Docker gives the network's bridge: the subnet's first address. */
export function underlayGateway(underlay: string): string {
  const c = parseCidr(underlay)!;
  return formatIPv4((c.network + 1) >>> 0);
}

/** Where the boxes' fixed addresses start in the underlay (.10 up, in ROLES order). */
const FIRST_BOX = 10;

/**
 * A box's fixed address on the underlay. Each box names its link peers by address, not by Docker
 * DNS name, so a box wires its links the moment it starts instead of waiting for its peers to start
 * (the lab can start the gateways first), and a restarted box keeps its address.
 */
export function boxUnderlayAddress(underlay: string, role: Role): string {
  const c = parseCidr(underlay)!;
  return formatIPv4((c.network + FIRST_BOX + ROLES.indexOf(role)) >>> 0);
}

/** The range Docker allocates from when an address is not given: the upper half, clear of the boxes' addresses. */
export function underlayDynamicRange(underlay: string): string {
  const c = parseCidr(underlay)!;
  return `${formatIPv4((c.network + 2 ** (31 - c.prefix)) >>> 0)}/${c.prefix + 1}`;
}
