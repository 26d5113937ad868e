import { peerAddressOf, siteAddresses, trafficSelectors } from '../settings/addresses.js';
import type { LabSettings, Side } from '../settings/types.js';
import { type ConfTree, renderConf } from './conf-tree.js';
import { isRoutedTunnel } from './routed-tunnel.js';
import type { Datapath } from './strongswan-conf.js';

/** The connection and child names charon logs (`<lab|1>`) and the engine refers to. */
export const CONNECTION_NAME = 'lab';
export const CHILD_NAME = 'net';

const START_ACTION = { initiate: 'start', wait: 'none', trap: 'trap' } as const;

/** The connection of one gateway as a tree: the body of `connections.lab` and of VICI load-conn. */
export function connectionTree(settings: LabSettings, side: Side): ConfTree {
  const gw = settings[side].gateway;
  const addr = siteAddresses(settings, side);
  const ts = trafficSelectors(settings, side);
  const child: ConfTree = {
    local_ts: ts.local,
    remote_ts: ts.remote,
    esp_proposals: gw.espProposals,
    rekey_time: `${gw.child.rekeyTime}s`,
    dpd_action: gw.dpd.action,
    start_action: START_ACTION[gw.startAction],
    mode: 'tunnel',
  };
  if (gw.child.lifeTime) child.life_time = `${gw.child.lifeTime}s`;
  const conn: ConfTree = {
    version: String(gw.ikeVersion),
    local_addrs: [addr.gatewayWan],
    remote_addrs: [peerAddressOf(settings, side)],
    proposals: gw.ikeProposals,
    // A lab tunnel keeps trying, so a fault that is fixed brings the tunnel back by itself.
    keyingtries: '0',
    dpd_delay: `${gw.dpd.delay}s`,
    rekey_time: `${gw.ike.rekeyTime}s`,
    reauth_time: `${gw.ike.reauthTime}s`,
    encap: gw.encap ? 'yes' : 'no',
  };
  if (gw.ike.overTime) conn.over_time = `${gw.ike.overTime}s`;
  if (gw.ikeVersion === 1) {
    conn.dpd_timeout = `${gw.dpd.timeout}s`;
    conn.aggressive = gw.aggressive ? 'yes' : 'no';
  } else {
    conn.mobike = gw.mobike ? 'yes' : 'no';
  }
  conn.local = { auth: 'psk', id: gw.localId };
  conn.remote = { auth: 'psk', id: gw.remoteId };
  conn.children = { [CHILD_NAME]: child };
  return conn;
}

/** The passthrough connection of a routed tunnel on the kernel datapath (bypassConnectionTree). */
export const BYPASS_CONNECTION = 'lab-bypass';

/**
 * On the kernel datapath, the XFRM policies of a 0.0.0.0/0 tunnel take every packet the gateway
 * sends or forwards, whatever the routes: the decrypted traffic for its own LAN would be encrypted
 * again, and the lab's VXLAN links would be tunnelled. A pass (shunt) policy from anywhere to the
 * gateway's own LAN and WAN takes precedence over the IPsec policies, as strongSwan documents for
 * passthrough connections, and puts throw routes for them into table 220; the lab's underlay (eth0)
 * is exempted by bypass-lan (strongswan-conf.ts). libipsec needs none of it: only what is routed
 * into its TUN device is tunnelled, and routing_table = 0 keeps those subnets out.
 */
export function bypassConnectionTree(settings: LabSettings, side: Side, datapath: Datapath): ConfTree | undefined {
  if (datapath !== 'kernel' || !isRoutedTunnel(settings, side)) return undefined;
  const addr = siteAddresses(settings, side);
  const own = {
    local_ts: ['0.0.0.0/0'],
    remote_ts: [addr.lanSubnet, addr.wanSubnet],
    mode: 'pass',
    start_action: 'trap',
  };
  return { children: { own } };
}

/** The pre-shared key entry: owners are both identities, as swanctl's `secrets.ike-*` section. */
export function sharedSecret(settings: LabSettings, side: Side): { id: string; secret: string; owners: string[] } {
  const gw = settings[side].gateway;
  return { id: `ike-${CONNECTION_NAME}`, secret: gw.psk, owners: [gw.localId, gw.remoteId] };
}

/**
 * The key as swanctl.conf must write it for charon to read the bytes VICI loads: swanctl decodes
 * a value starting with 0x as hex and 0s as base64, and its settings parser gives `$`, backslashes
 * and quotes a meaning. Such a key (a customer's "0x1234abcd" typed on an ASA is those ten characters)
 * is written hex-encoded, so a restarted gateway negotiates with the same key as before.
 */
export function secretValue(psk: string): string {
  if (!/^0[xs]/i.test(psk) && !/[^\x20-\x7e]|[$"\\]/.test(psk)) return psk;
  return `0x${Buffer.from(psk, 'utf8').toString('hex')}`;
}

export interface RenderOptions {
  /** Show the PSK; by default it is masked, since generated files end up in views and reports. */
  revealSecrets?: boolean;
  /** The lab box's datapath: a routed tunnel on the kernel one gets its passthrough connection. */
  datapath?: Datapath;
}

/** The complete swanctl.conf of one gateway. */
export function renderSwanctlConf(settings: LabSettings, side: Side, options: RenderOptions = {}): string {
  const secret = sharedSecret(settings, side);
  const connections: ConfTree = { [CONNECTION_NAME]: connectionTree(settings, side) };
  const bypass = options.datapath && bypassConnectionTree(settings, side, options.datapath);
  if (bypass) connections[BYPASS_CONNECTION] = bypass;
  const tree: ConfTree = {
    connections,
    secrets: {
      [secret.id]: {
        'id-1': secret.owners[0],
        'id-2': secret.owners[1],
        secret: options.revealSecrets ? secretValue(secret.secret) : '********',
      },
    },
  };
  return `# swanctl.conf for gw-${side}, generated by ipsec-lab\n${renderConf(tree)}`;
}
