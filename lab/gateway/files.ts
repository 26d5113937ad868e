import type Docker from 'dockerode';
import tar from 'tar-stream';

import { isRoutedTunnel } from '../config/routed-tunnel.js';
import { type Datapath, renderStrongswanConf } from '../config/strongswan-conf.js';
import { renderSwanctlConf } from '../config/swanctl-conf.js';
import type { LabSettings, Side } from '../settings/types.js';

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
  pack.entry(
    { name: 'etc/strongswan.conf', mode: 0o644 },
    renderStrongswanConf({
      datapath: opts.datapath,
      realisticTimers: settings.realisticTimers,
      routed: isRoutedTunnel(settings, side),
    }),
  );
  pack.entry(
    { name: 'etc/swanctl/swanctl.conf', mode: 0o600 },
    renderSwanctlConf(settings, side, { revealSecrets: true, datapath: opts.datapath }),
  );
  if (opts.autoload) pack.entry({ name: 'etc/swanctl/lab-autoload', mode: 0o644 }, 'loaded by ipsec-lab\n');
  pack.finalize();
  await container.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
}
