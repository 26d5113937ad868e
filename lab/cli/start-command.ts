import { spawn } from 'node:child_process';
import { electronRuntime } from '../doctor/checks.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { serveLab } from './serve-command.js';

/**
 * `npm start`: the desktop app where Electron can run. Elsewhere (no binary, no display) it says
 * why and serves the same app to a browser (the headless host) until Ctrl-C.
 */
export async function startCommand(engine: LabEngine): Promise<void> {
  const el = electronRuntime();
  if (el.ok && el.binary) {
    const child = spawn(el.binary, ['.'], { stdio: 'inherit' });
    await new Promise((resolve) => child.on('close', resolve));
    return;
  }
  // Elsewhere: the same app in a browser, served by the headless host on 127.0.0.1.
  await serveLab(engine, { why: `Electron cannot run here: ${el.detail}. Serving the app to a browser on this machine instead (ipsec-lab serve).` });
}
