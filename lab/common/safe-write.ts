/**
 * Writing a file that may hold a secret (a pre-shared key in settings, an export with
 * --reveal-secrets): the bytes go to a new file created next to the target with O_EXCL|O_NOFOLLOW
 * and the requested mode, which then replaces the target by rename. So an existing file keeps
 * neither its looser mode nor its inode (other hard links, open descriptors), a symlink at the
 * target is replaced and never followed, and a reader sees the old content or the new, never half.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

import { ignoreRejection } from './ignore.js';

/** Owner read/write only. */
export const SECRET_MODE = 0o600;

export interface SafeWriteOptions {
  /** The new file's permission bits; default owner-only (0600), whatever the umask. */
  mode?: number;
}

export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  opts: SafeWriteOptions = {},
): Promise<void> {
  const mode = opts.mode ?? SECRET_MODE;
  const target = path.resolve(file);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // O_NOFOLLOW does not exist on Windows; O_EXCL alone already refuses any existing name there.
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
  let created = false;
  try {
    const handle = await open(tmp, flags, mode);
    created = true;
    try {
      await handle.writeFile(data);
      // The umask may have narrowed the mode (never widened it): state it exactly.
      await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (e) {
    if (created) await unlink(tmp).catch(ignoreRejection('already gone; the write error is what is reported'));
    throw new Error(`${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
}
