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
    await ensureElectronBuilt();
    const child = spawn(el.binary, ['.'], { stdio: 'inherit' });
    await new Promise((resolve) => child.on('close', resolve));
    return;
  }
  // Elsewhere: the same app in a browser, served by the headless host on 127.0.0.1.
  await serveLab(engine, {
    why: `Electron cannot run here: ${el.detail}. Serving the app to a browser on this machine instead (ipsec-lab serve).`,
  });
}

/** `electron .` runs out/main: build it (electron-vite) when it is missing or older than its sources. */
async function ensureElectronBuilt(): Promise<void> {
  const { existsSync, statSync, readdirSync } = await import('node:fs');
  const path = await import('node:path');
  const newest = (p: string): number => {
    if (!existsSync(p)) return 0;
    const st = statSync(p);
    return st.isDirectory() ? Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f)))) : st.mtimeMs;
  };
  const main = path.resolve('out/main/index.js');
  const built = existsSync(main) ? statSync(main).mtimeMs : 0;
  if (
    built &&
    Math.max(...['electron', 'renderer', 'lab', 'electron.vite.config.ts'].map((p) => newest(path.resolve(p)))) <= built
  )
    return;
  console.error('building the desktop app (electron-vite, a few seconds)...');
  const { build } = await import('electron-vite');
  await build({ configFile: path.resolve('electron.vite.config.ts'), logLevel: 'warn' });
}
