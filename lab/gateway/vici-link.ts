import type Docker from 'dockerode';

import { execStream } from '../docker/exec.js';
import { ViciClient } from '../vici/index.js';

/** charon's VICI socket inside a gateway box. */
export const VICI_SOCKET = '/var/run/charon.vici';

// Waits for charon to open its socket (it may still be starting), then becomes the socket.
const BRIDGE = `for i in $(seq 1 100); do [ -S ${VICI_SOCKET} ] && exec socat STDIO UNIX-CONNECT:${VICI_SOCKET}; sleep 0.05; done; echo "charon's VICI socket ${VICI_SOCKET} did not appear" >&2; exit 1`;

/**
 * Opens a VICI session with a gateway's charon through `docker exec` (socat to the unix socket):
 * no port is published, and it works the same on local, Desktop and remote engines.
 */
export async function connectVici(docker: Docker, container: string): Promise<ViciClient> {
  const { stream } = await execStream(docker, container, ['sh', '-c', BRIDGE]);
  return new ViciClient(stream);
}
