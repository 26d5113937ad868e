import { ignoreRejection } from '../common/ignore.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { defaultSettings } from '../settings/defaults.js';
import type { SettingsKeeper } from '../settings/persist.js';
import type { SavedSettingsInfo, SettingsInfo } from './contract.js';

/**
 * The settings the app shows: the running lab's; with no lab running, the user's saved ones for
 * this lab name, else the defaults. Saved settings that differ from the running lab's (edits it
 * does not use) come along, so they are never lost from view.
 */
export async function settingsInfo(keeper: SettingsKeeper, engine: LabEngine): Promise<SettingsInfo> {
  let saved: SavedSettingsInfo | undefined;
  let savedError: string | undefined;
  try {
    saved = await keeper.load(engine.name);
  } catch (e) {
    savedError = `the saved settings cannot be read: ${(e as Error).message}`;
  }
  const lab = await engine.find();
  // A lab still being made has no settings in its router yet: what it will run is not known here.
  const running = lab
    ? await engine.settings().catch(ignoreRejection('a lab being made has no settings in its router yet'))
    : undefined;
  if (running) {
    const differs = saved && JSON.stringify(saved.settings) !== JSON.stringify(running);
    return { settings: running, source: 'lab', saved: differs ? saved : undefined, savedError };
  }
  if (saved) return { settings: saved.settings, source: 'saved', saved, savedError };
  return { settings: defaultSettings(), source: 'defaults', savedError };
}
