/**
 * The user's settings per lab name, kept between runs of the app: what a lab was last started or
 * changed with, and edits made in the app while it ran. A lab's own copy lives in its router and
 * dies with it; this one survives `down`, a restart of the app and a reboot.
 *
 * One JSON file per lab in the user's config directory, owner-only (it holds pre-shared keys):
 * `$IPSEC_LAB_CONFIG_DIR` when set (tests point it at a temporary directory), else
 * `$XDG_CONFIG_HOME/ipsec-lab`, else `~/.config/ipsec-lab`.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { writeFileAtomic } from '../common/safe-write.js';
import type { LabSettings } from './types.js';
import { SettingsError, validateSettings } from './validate.js';

export interface SavedSettings {
  settings: LabSettings;
  /** ms since epoch. */
  savedAt: number;
  file: string;
}

/** The directory settings are kept in, from the environment given. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IPSEC_LAB_CONFIG_DIR) return path.resolve(env.IPSEC_LAB_CONFIG_DIR);
  const xdg = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : undefined;
  return path.join(xdg ?? path.join(os.homedir(), '.config'), 'ipsec-lab');
}

const FILE_RE = /^[a-z0-9][a-z0-9-]{0,23}$/;

export class SettingsKeeper {
  readonly dir: string;

  constructor(dir = configDir()) {
    this.dir = path.join(dir, 'labs');
  }

  fileOf(lab: string): string {
    // Lab names are checked where labs are made; a name that is not one never becomes a path.
    if (!FILE_RE.test(lab)) throw new Error(`lab name "${lab}": not a lab name`);
    return path.join(this.dir, `${lab}.json`);
  }

  /**
   * The lab's saved settings; undefined when none were saved. A file that is no longer valid
   * (edited by hand, written by a newer version) is reported, not silently dropped.
   */
  async load(lab: string): Promise<SavedSettings | undefined> {
    const file = this.fileOf(lab);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let doc: { savedAt?: unknown; settings?: unknown };
    try {
      doc = JSON.parse(text) as typeof doc;
    } catch (e) {
      throw new SettingsError([{ field: '(file)', message: `not valid JSON: ${(e as Error).message}` }], file);
    }
    return {
      settings: validateSettings(doc.settings, file),
      savedAt: typeof doc.savedAt === 'number' ? doc.savedAt : 0,
      file,
    };
  }

  /** Saves valid settings for the lab: a new owner-only file replaces the old one (common/safe-write.ts). */
  async save(lab: string, settings: LabSettings): Promise<SavedSettings> {
    const valid = validateSettings(settings);
    const file = this.fileOf(lab);
    // 0700: the directory lists which labs exist; the files hold keys.
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const savedAt = Date.now();
    await writeFileAtomic(file, JSON.stringify({ savedAt, settings: valid }, null, 2) + '\n');
    return { settings: valid, savedAt, file };
  }

  async forget(lab: string): Promise<void> {
    await rm(this.fileOf(lab), { force: true });
  }
}
