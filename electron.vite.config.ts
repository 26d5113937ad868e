/**
 * electron-vite's build of the desktop app: main (ESM, the package is "type": "module"),
 * preload (one CommonJS file: a sandboxed preload can neither import ESM nor require siblings),
 * renderer (the same Vite settings the headless host builds with, vite.renderer.config.ts).
 * Output: out/main/index.js (package.json "main"), out/preload/index.cjs, out/renderer/.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { defineConfig } from 'electron-vite';

import { rendererConfig } from './vite.renderer.config.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * electron-vite reads Electron's major version from the installed package to pick the output
 * format. Electron is an optional dependency whose download can fail; then the version range in
 * package.json says which Electron the app is built for.
 */
function electronMajor(): string {
  try {
    return String(createRequire(import.meta.url)('electron/package.json').version).split('.')[0];
  } catch {
    const pkg = JSON.parse(readFileSync(here('./package.json'), 'utf8')) as {
      optionalDependencies?: Record<string, string>;
    };
    const major = /\d+/.exec(pkg.optionalDependencies?.electron ?? '')?.[0];
    if (!major)
      throw new Error(
        'cannot tell which Electron to build for: electron is not installed and package.json names no version',
      );
    return major;
  }
}
process.env.ELECTRON_MAJOR_VER ||= electronMajor();

// Electron 38+ runs Node 22.
const NODE_TARGET = 'node22';

export default defineConfig({
  main: {
    build: {
      target: NODE_TARGET,
      outDir: here('./out/main'),
      lib: { entry: here('./electron/main/index.ts'), formats: ['es'], fileName: () => 'index.js' },
      // Runtime dependencies (dockerode, ws, zod...) load from node_modules.
      externalizeDeps: true,
    },
  },
  preload: {
    build: {
      target: NODE_TARGET,
      outDir: here('./out/preload'),
      lib: { entry: here('./electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
      // Everything bundled into the one file; only `electron` stays a require.
      externalizeDeps: false,
    },
  },
  renderer: {
    ...rendererConfig,
    build: {
      ...rendererConfig.build,
      outDir: here('./out/renderer'),
      rolldownOptions: { input: here('./renderer/index.html') },
    },
  },
});
