import type Docker from 'dockerode';
import tar from 'tar-stream';

import type { LabSettings } from '../settings/types.js';
import { SETTINGS_PATH } from './state-paths.js';

/**
 * Puts the lab's settings into its router, where every process that works on the lab reads them.
 * Before the router starts (createLab) this is a plain copy into the new box's filesystem; into a
 * running box the engine has to do more, so the first copy is made before start.
 */
export async function putSettings(router: Docker.Container, settings: LabSettings): Promise<void> {
  const pack = tar.pack();
  pack.entry({ name: SETTINGS_PATH.slice(1), mode: 0o600 }, JSON.stringify(settings, null, 2));
  pack.finalize();
  await router.putArchive(pack as unknown as NodeJS.ReadableStream, { path: '/' });
}
