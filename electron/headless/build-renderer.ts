import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_RENDERER_DIR } from './server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What the built UI is made of: a change in any of these makes the build stale. */
const SOURCES = ['renderer', 'lab/api', 'vite.renderer.config.ts'].map((p) => path.join(ROOT, p));

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(st.mtimeMs, ...readdirSync(p).map((f) => newestMtime(path.join(p, f))));
}

/** Builds the renderer into out/renderer with Vite when it is missing or older than its sources. */
export async function ensureRendererBuilt(
  log: (line: string) => void,
  opts: { force?: boolean; outDir?: string } = {},
): Promise<string> {
  const outDir = opts.outDir ?? DEFAULT_RENDERER_DIR;
  const index = path.join(outDir, 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  // After a `git pull` the old build would show yesterday's UI: rebuild when a source is newer.
  if (!opts.force && built && Math.max(...SOURCES.map(newestMtime)) <= built) return outDir;
  log(
    built
      ? 'the UI changed since it was built: building it again (a few seconds)...'
      : 'building the UI (first start, a few seconds)...',
  );
  const { build } = await import('vite');
  const { rendererConfig } = await import('../../vite.renderer.config.js');
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } });
  return outDir;
}
