import type Docker from 'dockerode';

import { execStream } from '../docker/exec.js';
import { ViciClient } from '../vici/index.js';

/** charon's VICI socket inside a gateway box. */
export const VICI_SOCKET = '/var/run/charon.vici';

// socat becomes the socket, retrying every 50 ms (for 15 s) while charon has not opened it yet: the
// session is opened as soon as the gateway's box starts (its links and charon still coming up),
// with no shell polling (a fork every try) beside the starting charon.
const BRIDGE = ['socat', 'STDIO', `UNIX-CONNECT:${VICI_SOCKET},retry=300,interval=0.05`];

/**
 * Opens a VICI session with a gateway's charon through `docker exec` (socat to the unix socket):
 * no port is published, and it works the same on local, Desktop and remote engines.
 */
export async function connectVici(docker: Docker, container: string): Promise<ViciClient> {
  const { stream } = await execStream(docker, container, BRIDGE);
  return new ViciClient(stream);
}
