import { ignoreRejection } from '../common/ignore.js';
import type { ConfTree } from '../config/conf-tree.js';
import type { Datapath } from '../config/strongswan-conf.js';
import {
  BYPASS_CONNECTION,
  bypassConnectionTree,
  CHILD_NAME,
  CONNECTION_NAME,
  connectionTree,
  sharedSecret,
} from '../config/swanctl-conf.js';
import { LabError } from '../docker/errors.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { ViciClient } from '../vici/index.js';

/** Loads a gateway's PSK and connection into charon over VICI (what `swanctl --load-all` does). */
export async function loadGatewayConfig(
  client: ViciClient,
  settings: LabSettings,
  side: Side,
  datapath?: Datapath,
): Promise<void> {
  const secret = sharedSecret(settings, side);
  await client.loadShared({ id: secret.id, type: 'IKE', data: secret.secret, owners: secret.owners });
  // The passthrough first, so the tunnel's policies never run without it.
  const bypass = datapath && bypassConnectionTree(settings, side, datapath);
  if (bypass) await client.loadConn(BYPASS_CONNECTION, bypass);
  await client.loadConn(CONNECTION_NAME, connectionTree(settings, side));
}

/**
 * Asks charon whether it accepts a gateway's new connection, without touching the running one:
 * the connection is loaded under another name with nothing to start, then unloaded.
 */
export async function dryRunLoad(client: ViciClient, settings: LabSettings, side: Side): Promise<void> {
  const tree = connectionTree(settings, side);
  const children = tree.children as ConfTree;
  const child = { ...(children[CHILD_NAME] as ConfTree), start_action: 'none' };
  const name = `${CONNECTION_NAME}-check`;
  try {
    // A peer address from TEST-NET-1 nobody uses, so no IKE request can match the check meanwhile.
    await client.loadConn(name, { ...tree, remote_addrs: ['192.0.2.254'], children: { [CHILD_NAME]: child } });
  } catch (e) {
    throw new LabError(
      'invalid-settings',
      `${side}.gateway: strongSwan refused the connection: ${(e as Error).message}`,
    );
  }
  await client.unloadConn(name).catch(ignoreRejection('the connection may not be loaded yet'));
}
