import type { PassThrough } from 'node:stream';

import type Docker from 'dockerode';

import { execStream } from '../docker/exec.js';
import { ViciClient } from '../vici/index.js';
import type { GatewayFile } from './files.js';

/** charon's VICI socket inside a gateway box. */
export const VICI_SOCKET = '/var/run/charon.vici';

// socat becomes the socket, retrying every 50 ms (for 15 s) while charon has not opened it yet: the
// session is opened as soon as the gateway's box starts (its links and charon still coming up),
// with no shell polling (a fork every try) beside the starting charon.
const BRIDGE = ['socat', 'STDIO', `UNIX-CONNECT:${VICI_SOCKET},retry=300,interval=0.05`];

/** What the writing shell says once every file is written, before it becomes the bridge. */
const WRITTEN = 'lab: files written';

// The files come in the exec's own environment (LAB_FILE_1, ...: never shown by `docker inspect`,
// and unset before socat starts), their paths as arguments. Each is made anew under umask 077, so
// only root reads it (writing over the package's swanctl.conf would keep its mode 644).
const WRITE_THEN_BRIDGE = `set -eu
umask 077
i=0
for path in "$@"; do
  i=$((i + 1))
  rm -f -- "$path"
  eval "printf '%s' \\"\\$LAB_FILE_$i\\"" >"$path"
  unset "LAB_FILE_$i"
done
echo '${WRITTEN}' >&2
exec ${BRIDGE.join(' ')}`;

/**
 * Opens a VICI session with a gateway's charon through `docker exec` (socat to the unix socket):
 * no port is published, and it works the same on local, Desktop and remote engines. With `files`,
 * the same exec first writes them into the box (resolving once they are written): `up` sends the
 * charon's swanctl.conf this way with the session it opens anyway, where a copy of its own would
 * cost the engine an archive unpacked by a process of its own.
 */
export async function connectVici(docker: Docker, container: string, files: GatewayFile[] = []): Promise<ViciClient> {
  if (!files.length) return new ViciClient((await execStream(docker, container, BRIDGE)).stream);
  const { stream, stderr } = await execStream(
    docker,
    container,
    ['sh', '-c', WRITE_THEN_BRIDGE, 'sh', ...files.map((f) => f.path)],
    files.map((f, i) => `LAB_FILE_${i + 1}=${f.content}`),
  );
  await untilWritten(stderr, files, container);
  return new ViciClient(stream);
}

/** Resolves when the writing shell says so; rejects with what it printed if it ends first. */
function untilWritten(stderr: PassThrough, files: GatewayFile[], container: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const onData = (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (said.includes(WRITTEN)) {
        stderr.off('data', onData);
        stderr.off('end', onEnd);
        // socat's own complaints later on are not ours to read; they must not block the stream.
        stderr.resume();
        resolve();
      }
    };
    const onEnd = () =>
      reject(
        new Error(
          `could not write ${files.map((f) => f.path).join(', ')} in ${container}: ${said.trim() || 'the exec ended without a word'}`,
        ),
      );
    stderr.on('data', onData);
    stderr.once('end', onEnd);
  });
}
