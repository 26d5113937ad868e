import { type ConfTree, renderConf } from './conf-tree.js';

/** Which IPsec datapath charon uses: the kernel's ESP, or strongSwan's userspace libipsec over TUN. */
export type Datapath = 'kernel' | 'libipsec';

export interface CharonOptions {
  datapath: Datapath;
  /** strongSwan's own retransmit defaults (give up after ~165 s) instead of the lab's short timers. */
  realisticTimers: boolean;
  /** The tunnel's remote selectors hold the gateway's own traffic (see isRoutedTunnel). */
  routed?: boolean;
}

/**
 * The lab's retransmit timers: 1 s, then x1.4, three retransmits, so an unanswered exchange gives
 * up after about 7 s instead of strongSwan's 165 s, and faults show within seconds.
 */
export const LAB_RETRANSMIT = { timeout: '1.0', base: '1.4', tries: '3' } as const;

/** Log groups charon writes at level 2 in the lab; everything else at 1. */
export const LOG_LEVELS: Record<string, string> = { default: '1', ike: '2', cfg: '2', knl: '2', net: '2' };

/**
 * A tunnel whose remote selectors hold the gateway's own traffic (0.0.0.0/0 of a route-based
 * tunnel) must not swallow the gateway's IKE, the lab's VXLAN links (eth0) or the replies to its
 * own LAN. With kernel-libipsec, charon's route for 0.0.0.0/0 sits in table 220, which a rule
 * consults before the main table: everything, the decrypted packets for the LAN included, goes back
 * into the TUN device and loops (a socket fwmark that bypasses the rule saves only charon's own
 * packets; libipsec turns pass policies into TUN routes, so bypass-lan cannot help there). In the
 * main table (routing_table = 0) charon splits the route into 0.0.0.0/1 and 128.0.0.0/1 beside the
 * connected LAN, WAN and eth0 subnets, so the longest prefix decides as on a VTI, and the exclude
 * route libipsec adds for the peer (allow_peer_ts = no) carries IKE and ESP-in-UDP.
 * The kernel datapath keeps table 220: its XFRM policies for 0.0.0.0/0 capture that traffic whatever
 * the route. There a passthrough connection exempts the gateway's LAN and WAN (swanctl-conf.ts,
 * bypassConnectionTree) and bypass-lan, on eth0 only, the underlay; charon's own sockets bypass
 * IPsec there already.
 */
function routedTunnelSettings(datapath: Datapath, plugins: ConfTree): ConfTree {
  if (datapath === 'libipsec') {
    plugins['kernel-libipsec'] = { ...(plugins['kernel-libipsec'] as ConfTree), allow_peer_ts: 'no' };
    return { routing_table: '0' };
  }
  plugins['bypass-lan'] = { load: 'yes', interfaces_use: 'eth0' };
  return {};
}

export function charonSettingsTree(options: CharonOptions): ConfTree {
  const charon: ConfTree = {
    install_routes: 'yes',
    // eth0 is the box's Docker underlay, not part of the lab: never an IKE or MOBIKE address.
    interfaces_ignore: 'eth0',
    // In order, at every charon start: `autoload` reloads the config once a charon of this box has
    // started before (a restart, like a rebooted gateway); `arm` marks that first start. On the first
    // start the engine loads the config over VICI, responder first, so nothing is loaded twice, and
    // nothing has to be written into the running box after that load.
    'start-scripts': { autoload: '/usr/local/sbin/lab-autoload', arm: 'touch /etc/swanctl/lab-autoload' },
    journal: { default: '-1' },
    filelog: {
      stdout: {
        path: '/dev/stdout',
        time_format: '%b %e %T',
        time_add_ms: 'yes',
        ike_name: 'yes',
        log_level: 'yes',
        flush_line: 'yes',
        append: 'no',
        ...LOG_LEVELS,
      },
    },
    plugins: {
      'kernel-libipsec': { load: options.datapath === 'libipsec' ? 'yes' : 'no' },
      // bypass-lan installs pass policies for every local subnet; libipsec turns those into routes
      // into its TUN device, which would swallow the WAN and LAN traffic of the box.
      'bypass-lan': { load: 'no' },
      // resolve rewrites /etc/resolv.conf, which holds Docker's DNS (lab links find peers by name).
      resolve: { load: 'no' },
      // No TPM in a lab box; loading it only logs failures.
      tpm: { load: 'no' },
      // farp answers ARP for virtual IPs; the lab has none, it would only log noise.
      farp: { load: 'no' },
      // Both need a capability the boxes do not have (DAC_OVERRIDE, AUDIT_WRITE) for something the
      // lab never uses (keys in an ssh-agent, XAuth against PAM): they would only log refusals.
      agent: { load: 'no' },
      'xauth-pam': { load: 'no' },
      // Fetchers of CRLs, OCSP and certificates over HTTP and LDAP: lab gateways authenticate with
      // pre-shared keys and fetch nothing, and initialising libcurl and libldap was the largest part
      // of charon's start (which every `up` waits for).
      curl: { load: 'no' },
      ldap: { load: 'no' },
    },
  };
  if (options.routed) Object.assign(charon, routedTunnelSettings(options.datapath, charon.plugins as ConfTree));
  if (!options.realisticTimers) {
    charon.retransmit_timeout = LAB_RETRANSMIT.timeout;
    charon.retransmit_base = LAB_RETRANSMIT.base;
    charon.retransmit_tries = LAB_RETRANSMIT.tries;
  }
  return { 'charon-systemd': charon };
}

/** /etc/strongswan.conf of a gateway: Debian's plugin snippets first, then the lab's settings. */
export function renderStrongswanConf(options: CharonOptions): string {
  return `# strongswan.conf generated by ipsec-lab (datapath: ${options.datapath})\ninclude strongswan.d/*.conf\n\n${renderConf(charonSettingsTree(options))}`;
}
