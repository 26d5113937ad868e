import type Docker from 'dockerode';
import tar from 'tar-stream';

import { isRoutedTunnel } from '../config/routed-tunnel.js';
import { type Datapath, renderStrongswanConf } from '../config/strongswan-conf.js';
import { renderSwanctlConf } from '../config/swanctl-conf.js';
import type { LabSettings, Side } from '../settings/types.js';

const SWANCTL_CONF = '/etc/swanctl/swanctl.conf';

/** A file for a gateway's box: where, and what. */
export interface GatewayFile {
  path: string;
  content: string;
}

/** A gateway's strongswan.conf: charon's settings (datapath, timers, logging), no secret in it. */
function strongswanConf(settings: LabSettings, side: Side, datapath: Datapath): string {
  return renderStrongswanConf({
    datapath,
    realisticTimers: settings.realisticTimers,
    routed: isRoutedTunnel(settings, side),
  });
}

/**
 * The environment that brings a new gateway box its strongswan.conf in the create call, for
 * lab-init to write before charon starts (lab/image/lab-init.sh). Only what holds no secret: a
 * box's environment shows in every `docker inspect`.
 */
export function gatewayStartEnv(settings: LabSettings, side: Side, datapath: Datapath): string[] {
  return [`LAB_STRONGSWAN_CONF=${strongswanConf(settings, side, datapath)}`];
}

/** The gateway's swanctl.conf, with the real key, so `swanctl --load-all` in the box works as on a real gateway. */
export function gatewayKeyFiles(settings: LabSettings, side: Side, datapath: Datapath): GatewayFile[] {
  return [{ path: SWANCTL_CONF, content: renderSwanctlConf(settings, side, { revealSecrets: true, datapath }) }];
}

/**
 * Writes a gateway's strongswan.conf and swanctl.conf into its box. The real key goes into the
 * box, so `swanctl --load-all` inside it works as on a real gateway. With `autoload`, charon loads
 * them by itself whenever it (re)starts (see lab/image/lab-autoload.sh).
 */
export async function writeGatewayFiles(
  container: Docker.Container,
  settings: LabSettings,
  side: Side,
  opts: { datapath: Datapath; autoload: boolean },
): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: 'etc/strongswan.conf', mode: 0o644 }, strongswanConf(settings, side, opts.datapath));
  for (const f of gatewayKeyFiles(settings, side, opts.datapath))
    pack.entry({ name: f.path.slice(1), mode: 0o600 }, f.content);
  if (opts.autoload) pack.entry({ name: 'etc/swanctl/lab-autoload', mode: 0o644 }, 'loaded by ipsec-lab\n');
  pack.finalize();
  await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
}
