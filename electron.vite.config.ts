/**
 * electron-vite's build of the desktop app: main (ESM, the package is "type": "module"),
 * preload (one CommonJS file: a sandboxed preload can neither import ESM nor require siblings),
 * renderer (the same Vite settings the headless host builds with, vite.renderer.config.ts).
 * Output: out/main/index.js (package.json "main"), out/preload/index.cjs, out/renderer/.
 *
 * Also the Electron fuses a packaged app sets (ELECTRON_FUSES), flipped in the packaged Electron
 * binary by applyElectronFuses: the packager's after-pack step (electron-builder `afterPack`,
 * Electron Forge `packageAfterCopy`) calls it with the binary's path.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { flipFuses, type FuseConfig, FuseState, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
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

/**
 * The fuses of a packaged IPsec Lab, every one stated (a fuse a newer Electron adds makes
 * flipping fail until it is decided here). Fuses are compiled into the Electron binary, so no
 * command line or environment variable of whoever starts the app can turn them back.
 */
export const ELECTRON_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // The app's binary must not run as a plain Node (ELECTRON_RUN_AS_NODE): that would be a
  // signed, trusted binary running any script.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and other storage encrypted with the OS keychain's key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (--require, --import) and --inspect/--inspect-brk would inject code into the
  // main process, which holds the lab's pre-shared keys and the Docker engine.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Packaged, the app is an app.asar checked against the hash the packager embeds, and nothing
  // but that archive is loaded as the app.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The window loads the built page from file:// as an ES module; without file://'s extra
  // privileges Chromium would refuse the module scripts. The page is sandboxed, CSP-restricted
  // and may navigate nowhere (electron/main/hardening.ts).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseConfig;

/**
 * Flips ELECTRON_FUSES in a packaged app's Electron binary (or .app bundle) and reads them back:
 * a packaging run whose binary does not carry them fails here instead of shipping.
 */
export async function applyElectronFuses(electronBinary: string): Promise<void> {
  await flipFuses(electronBinary, ELECTRON_FUSES);
  const wire = await getCurrentFuseWire(electronBinary);
  for (const [option, wanted] of Object.entries(ELECTRON_FUSES)) {
    const index = Number(option);
    if (!Number.isInteger(index)) continue;
    const got = (wire as Record<number, FuseState | undefined>)[index];
    if (got !== (wanted ? FuseState.ENABLE : FuseState.DISABLE))
      throw new Error(`${electronBinary}: fuse ${FuseV1Options[index]} reads ${got} after flipping, not ${wanted}`);
  }
}

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
