import { spawn } from 'node:child_process';
import { electronRuntime } from '../doctor/checks.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { defaultSettings } from '../settings/defaults.js';
import { formatStatus } from './output.js';
import { printProgress } from './lab-commands.js';

/**
 * `npm start`: the desktop app where Electron can run. Elsewhere (no binary, no display) it says
 * why and runs the lab headless in the foreground: up on defaults, live tunnel state, down on Ctrl-C.
 */
export async function startCommand(engine: LabEngine): Promise<void> {
  const el = electronRuntime();
  if (el.ok && el.binary) {
    const child = spawn(el.binary, ['.'], { stdio: 'inherit' });
    await new Promise((resolve) => child.on('close', resolve));
    return;
  }
  console.error(`Electron cannot run here: ${el.detail}.`);
  console.error('Running the lab headless instead (Ctrl-C stops it and removes the lab).');
  const off = engine.events.on(printProgress);
  const result = await engine.up(defaultSettings(), { mode: 'attached' });
  off();
  console.log(formatStatus(result.status));
  console.log(`\nLook at it from another terminal (IPSEC_LAB_NAME=${engine.name}): ipsec-lab status | ipsec-lab logs --follow | ipsec-lab traffic`);
  let last = result.status.up;
  const stop = await engine.watch({ logs: false });
  const offSas = engine.sas.on(async () => {
    const s = await engine.status();
    if (s.up !== last) {
      last = s.up;
      console.log(`${new Date().toISOString()} tunnel ${s.up ? 'UP' : 'DOWN'}: left ${s.tunnel.left.ike}/${s.tunnel.left.child}, right ${s.tunnel.right.ike}/${s.tunnel.right.child}`);
    }
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  offSas();
  stop();
  console.error('stopping: removing the lab');
  await engine.down();
}
