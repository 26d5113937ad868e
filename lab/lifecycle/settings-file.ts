import type Docker from 'dockerode';

import { execIn } from '../docker/exec.js';
import type { LabSettings } from '../settings/types.js';
import { SETTINGS_PATH, STATE_DIR } from './state-paths.js';

// Root only (the settings hold the keys), and swapped in whole, so a process reading them meanwhile
// (another terminal's `status`, the app following the lab) never sees half a file.
const WRITE = `set -eu
umask 077
mkdir -p ${STATE_DIR}
cat >${SETTINGS_PATH}.new
mv -f ${SETTINGS_PATH}.new ${SETTINGS_PATH}`;

/**
 * Puts the lab's settings into its running router, where every process that works on the lab reads
 * them. An exec with the settings on its stdin: cheaper for the engine than an archive copy into a
 * running box (unpacked by a process of its own), and the settings never show in `docker inspect`.
 */
export async function putSettings(docker: Docker, router: string, settings: LabSettings): Promise<void> {
  const r = await execIn(docker, router, ['sh', '-c', WRITE], { stdin: JSON.stringify(settings, null, 2) });
  if (r.exitCode !== 0)
    throw new Error(
      `could not write the lab's settings into ${router} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim() || 'no output'}`,
    );
}
