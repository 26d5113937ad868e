import type Docker from 'dockerode';

import { execIn } from '../docker/exec.js';
import type { LabSettings } from '../settings/types.js';
import { SETTINGS_PATH, STATE_DIR } from './state-paths.js';

// Root only (the settings hold the keys), and swapped in whole, so a process reading a file
// meanwhile (another terminal's `status`, the app following the lab) never sees half of it.
const write = (path: string) => `set -eu
umask 077
mkdir -p ${STATE_DIR}
cat >${path}.new
mv -f ${path}.new ${path}`;

/**
 * Writes one of the lab's state files (state-paths.ts) into its running router: an exec with the
 * content on its stdin, cheaper for the engine than an archive copy into a running box (unpacked
 * by a process of its own), and the content never shows in `docker inspect`.
 */
export async function putStateFile(docker: Docker, router: string, path: string, content: string): Promise<void> {
  const r = await execIn(docker, router, ['sh', '-c', write(path)], { stdin: content });
  if (r.exitCode !== 0)
    throw new Error(
      `could not write ${path} into ${router} (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim() || 'no output'}`,
    );
}

/** Puts the lab's settings into its running router, where every process that works on the lab reads them. */
export function putSettings(docker: Docker, router: string, settings: LabSettings): Promise<void> {
  return putStateFile(docker, router, SETTINGS_PATH, JSON.stringify(settings, null, 2));
}
