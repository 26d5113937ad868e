import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { packagePath, packageRoot } from '../../common/package-root.js';

/** The renderer's own build (shared with electron-vite): the engine runs it, it does not import it. */
const RENDERER_CONFIG = 'vite.renderer.config.ts';
/** What the built UI is made of: a change in any of these makes the build stale. */
const SOURCES = ['renderer', 'lab/api/contract.ts', 'lab/api/csp.ts', RENDERER_CONFIG];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Runs `vite build` on the renderer's config in a child: a production build, whatever NODE_ENV this process has. */
function viteBuild(outDir: string): Promise<void> {
  const vite = path.join(path.dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        vite,
        'build',
        '--config',
        packagePath(RENDERER_CONFIG),
        '--outDir',
        outDir,
        '--emptyOutDir',
        '--logLevel',
        'warn',
      ],
      { cwd: packageRoot(), env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'inherit', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`building the UI failed (vite exit ${code}): ${stderr.trim()}`)),
    );
  });
}

/** Builds the renderer into out/renderer with Vite when it is missing or older than its sources. */
export async function ensureRendererBuilt(
  log: (line: string) => void,
  opts: { force?: boolean; outDir?: string } = {},
): Promise<string> {
  const outDir = opts.outDir ?? packagePath('out/renderer');
  const index = path.join(outDir, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  // After a `git pull` the old build would show yesterday's UI: rebuild when a source is newer.
  if (!opts.force && built && Math.max(...SOURCES.map((p) => newestMtime(packagePath(p)))) <= built) return outDir;
  log(
    built
      ? 'the UI changed since it was built: building it again (a few seconds)...'
      : 'building the UI (first start, a few seconds)...',
  );
  await viteBuild(outDir);
  return outDir;
}
