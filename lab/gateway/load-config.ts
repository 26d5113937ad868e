import { connectionTree, CONNECTION_NAME, sharedSecret } from '../config/swanctl-conf.js';
import type { LabSettings, Side } from '../settings/types.js';
import type { ViciClient } from '../vici/index.js';

/** Loads a gateway's PSK and connection into charon over VICI (what `swanctl --load-all` does). */
export async function loadGatewayConfig(client: ViciClient, settings: LabSettings, side: Side): Promise<void> {
  const secret = sharedSecret(settings, side);
  await client.loadShared({ id: secret.id, type: 'IKE', data: secret.secret, owners: secret.owners });
  await client.loadConn(CONNECTION_NAME, connectionTree(settings, side));
}
