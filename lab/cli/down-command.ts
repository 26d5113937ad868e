/**
 * `ipsec-lab down` of one lab. Also an entry of its own in the bundle: bin/ipsec-lab.js runs it
 * directly for the plain forms (`down`, `--lab NAME down`, `down --lab NAME`), so removing a lab
 * loads neither commander with every other command nor the engine (see lifecycle/down.ts).
 */
import { downLab } from '../lifecycle/down.js';
import { defaultLabName } from '../lifecycle/labels.js';

export function printRemoved(name: string, r: { containers: number; networks: number }): void {
  console.log(`removed lab "${name}": ${r.containers} containers, ${r.networks} network${r.networks === 1 ? '' : 's'}`);
}

/** Removes lab `name` (by default the default lab) and says what was removed, or that there was none. */
export async function downCommand(name = defaultLabName()): Promise<void> {
  const r = await downLab(name);
  if (r.containers || r.networks) printRemoved(name, r);
  else console.log(`no lab "${name}" is running`);
}
