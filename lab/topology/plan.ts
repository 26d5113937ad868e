import { siteAddresses } from '../settings/addresses.js';
import type { LabSettings, Release, Side } from '../settings/types.js';

/** The five boxes of a lab, left to right. */
export type Role = 'host-left' | 'gw-left' | 'router' | 'gw-right' | 'host-right';
export const ROLES: readonly Role[] = ['host-left', 'gw-left', 'router', 'gw-right', 'host-right'];

export const gatewayRole = (side: Side): Role => (side === 'left' ? 'gw-left' : 'gw-right');
export const hostRole = (side: Side): Role => (side === 'left' ? 'host-left' : 'host-right');
/** The side whose gateway this role is; undefined for the router and the LAN hosts. */
export const gatewaySide = (role: Role): Side | undefined =>
  role === 'gw-left' ? 'left' : role === 'gw-right' ? 'right' : undefined;

/** One point-to-point link end inside a box: interface name, VXLAN id, the box at the other end. */
export interface LinkEnd {
  iface: string;
  vni: number;
  peer: Role;
  address: string;
}

/**
 * A fixed MAC per link end: a box that restarts gets a new VXLAN device, and with a random MAC
 * its neighbours' ARP caches would point at the old one until they expire.
 */
export function linkMac(role: Role, vni: number): string {
  return [
    '02',
    '1a',
    'b0',
    vni.toString(16).padStart(2, '0'),
    '00',
    (ROLES.indexOf(role) + 1).toString(16).padStart(2, '0'),
  ].join('-');
}

export interface BoxPlan {
  role: Role;
  release: Release;
  links: LinkEnd[];
  routes: { dest: string; via: string }[];
  forwarding: boolean;
  command: string[];
}

/** VXLAN ids of the four lab links; unique per box, which is all VXLAN needs here. */
const VNI = { lanLeft: 11, wanLeft: 12, wanRight: 13, lanRight: 14 } as const;

/**
 * host-left - gw-left - [wan-left] - router - [wan-right] - gw-right - host-right, as data: the
 * interfaces, addresses and routes of every box. Pure, so it is unit tested without Docker.
 */
export function planTopology(settings: LabSettings): BoxPlan[] {
  const L = siteAddresses(settings, 'left');
  const R = siteAddresses(settings, 'right');
  const charon = ['/usr/sbin/charon-systemd'];
  const idle = ['sleep', 'infinity'];
  return [
    {
      role: 'host-left',
      release: 'trixie',
      forwarding: false,
      command: idle,
      links: [{ iface: 'lan', vni: VNI.lanLeft, peer: 'gw-left', address: `${L.host}/${L.prefixLan}` }],
      routes: [{ dest: 'default', via: L.gatewayLan }],
    },
    {
      role: 'gw-left',
      release: settings.left.gateway.release,
      forwarding: true,
      command: charon,
      links: [
        { iface: 'lan', vni: VNI.lanLeft, peer: 'host-left', address: `${L.gatewayLan}/${L.prefixLan}` },
        { iface: 'wan', vni: VNI.wanLeft, peer: 'router', address: `${L.gatewayWan}/${L.prefixWan}` },
      ],
      routes: [{ dest: 'default', via: L.router }],
    },
    {
      role: 'router',
      release: 'trixie',
      forwarding: true,
      command: idle,
      links: [
        { iface: 'left', vni: VNI.wanLeft, peer: 'gw-left', address: `${L.router}/${L.prefixWan}` },
        { iface: 'right', vni: VNI.wanRight, peer: 'gw-right', address: `${R.router}/${R.prefixWan}` },
      ],
      routes: [],
    },
    {
      role: 'gw-right',
      release: settings.right.gateway.release,
      forwarding: true,
      command: charon,
      links: [
        { iface: 'lan', vni: VNI.lanRight, peer: 'host-right', address: `${R.gatewayLan}/${R.prefixLan}` },
        { iface: 'wan', vni: VNI.wanRight, peer: 'router', address: `${R.gatewayWan}/${R.prefixWan}` },
      ],
      routes: [{ dest: 'default', via: R.router }],
    },
    {
      role: 'host-right',
      release: 'trixie',
      forwarding: false,
      command: idle,
      links: [{ iface: 'lan', vni: VNI.lanRight, peer: 'gw-right', address: `${R.host}/${R.prefixLan}` }],
      routes: [{ dest: 'default', via: R.gatewayLan }],
    },
  ];
}

/**
 * The Linux capabilities each role keeps; every box drops all others (Docker's default set
 * includes CHOWN, DAC_OVERRIDE, SETUID, KILL, MKNOD... that no box uses). Why each one:
 */
export const ROLE_CAPABILITIES: Readonly<Record<Role, readonly string[]>> = {
  // NET_ADMIN: lab-init makes the LAN VXLAN link, its address and the default route; the
  //   lan-host-firewall fault is an nftables table here.
  // NET_RAW: ping (the traffic generator) opens a raw ICMP socket where the engine does not open
  //   ping_group_range to root's group (Docker before 20.10, other engines).
  'host-left': ['NET_ADMIN', 'NET_RAW'],
  'host-right': ['NET_ADMIN', 'NET_RAW'],
  // NET_ADMIN: lab-init's links and routes; charon installs SAs and policies over XFRM netlink
  //   (kernel datapath) or opens and configures the TUN device (kernel-libipsec); path faults are
  //   nftables tables and routes.
  // NET_RAW: ping and tcpdump on a gateway (the checks the diagnosis asks for), raw sockets of
  //   charon's plugins.
  // NET_BIND_SERVICE: charon binds UDP 500; its socket-default plugin refuses to start without
  //   the capability for a port below 1024, whatever the engine's ip_unprivileged_port_start.
  'gw-left': ['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'],
  'gw-right': ['NET_ADMIN', 'NET_RAW', 'NET_BIND_SERVICE'],
  // NET_ADMIN: lab-init's links; impairments (nftables drops, tc qdiscs), NAT and port blocks,
  //   conntrack flushes.
  // NET_RAW: tcpdump's packet socket for `ipsec-lab capture` (run with -Z root: dropping to the
  //   tcpdump user would need CHOWN, SETUID, SETGID, and KILL to stop it again).
  router: ['NET_ADMIN', 'NET_RAW'],
};

/**
 * The environment lab-init reads (see lab/image/lab-init.sh). `peerAt` gives a link's far end as
 * lab-init reaches it: the peer's underlay address (create.ts).
 */
export function boxEnv(box: BoxPlan, peerAt: (role: Role) => string): string[] {
  return [
    `LAB_LINKS=${box.links.map((l) => `${l.iface}:${l.vni}:${peerAt(l.peer)}:${l.address}:${linkMac(box.role, l.vni)}`).join(' ')}`,
    `LAB_ROUTES=${box.routes.map((r) => `${r.dest}:${r.via}`).join(' ')}`,
  ];
}
