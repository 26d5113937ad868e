import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RENDERER_DIR } from './server.js';

/** Builds the renderer into out/renderer with Vite when it is not built yet (first `serve`). */
export async function ensureRendererBuilt(log: (line: string) => void, opts: { force?: boolean; outDir?: string } = {}): Promise<string> {
  const outDir = opts.outDir ?? DEFAULT_RENDERER_DIR;
  if (!opts.force && existsSync(path.join(outDir, 'index.html'))) return outDir;
  log('building the UI (first start, a few seconds)...');
  const { build } = await import('vite');
  const { rendererConfig } = await import('../../vite.renderer.config.js');
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } });
  return outDir;
}
