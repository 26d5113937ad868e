import { spawn } from 'node:child_process';

import { type Command, InvalidArgumentError } from 'commander';

import type { LabEngine } from '../engine/lab-engine.js';
import { engineFor } from './lazy.js';

export interface ServeOptions {
  port?: number;
  open?: boolean;
  /** Said first: why the browser UI and not the desktop app. */
  why?: string;
}

/** Opens a URL in the desktop's browser, if there is one; says so when there is not. */
function openBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(cmd, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`could not open a browser (${cmd} failed): open the URL yourself`));
  child.unref();
}

/**
 * The app without Electron: the headless host serves the UI and the lab API to a browser on this
 * machine until Ctrl-C; a lab started from the UI is removed when it stops.
 */
export async function serveLab(engine: LabEngine, opts: ServeOptions = {}): Promise<void> {
  const { LabService } = await import('../api/service.js');
  const { startHeadlessServer } = await import('../api/headless/server.js');
  const { ensureRendererBuilt } = await import('../api/headless/ui-build.js');
  const rendererDir = await ensureRendererBuilt((l) => console.error(l));
  const service = new LabService(engine);
  await service.start();
  const server = await startHeadlessServer({ host: service, port: opts.port, rendererDir });
  if (opts.why) console.error(opts.why);
  console.log(`IPsec Lab UI for lab "${engine.name}": ${server.url}`);
  console.error(
    'Listening on 127.0.0.1 only; the token in the URL is required. Ctrl-C stops (a lab started from the UI is removed).',
  );
  if (opts.open) openBrowser(server.url);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.error('stopping...');
  const owned = service.ownsLab;
  await service.dispose();
  await server.close();
  if (owned) {
    console.error(`removing lab "${engine.name}" (started from the UI)`);
    await engine.down();
  } else await engine.close();
}

const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('--port must be a whole number from 0 to 65535');
  return n;
};

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the app to a browser on this machine (127.0.0.1, with a token in the URL)')
    .option('--port <n>', 'port to listen on (default: a free one)', port)
    .option('--open', 'open the URL in the default browser')
    .action(async (opts, cmd: Command) => {
      await serveLab(await engineFor(cmd), { port: opts.port, open: !!opts.open });
    });
}
