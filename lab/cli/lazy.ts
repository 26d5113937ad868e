/**
 * What CLI commands load only when they run: the engine brings dockerode (over half a second to
 * import) and settings validation brings zod, so `--help`, `--version` and the commands that need
 * no engine start without them. Command files import these, never the engine, at the top.
 */
import type { Command } from 'commander';

import type { LabEngine } from '../engine/lab-engine.js';
import type { LabSettings } from '../settings/types.js';

/** The lab engine for this command's `--lab` (loads the engine on first use). */
export async function engineFor(cmd: Command): Promise<LabEngine> {
  const { LabEngine } = await import('../engine/lab-engine.js');
  return LabEngine.connect(cmd.optsWithGlobals().lab as string);
}

export async function loadSettingsFile(file: string): Promise<LabSettings> {
  return (await import('../settings/io.js')).loadSettingsFile(file);
}
