// The renderer's build, shared by electron-vite (electron.vite.config.ts) and the headless host,
// which serves the same files to a browser (out/renderer).
import { fileURLToPath } from 'node:url';

import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type UserConfig } from 'vite';

import { cspMetaTag } from './lab/api/csp.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Writes the UI's one CSP (lab/api/csp.ts) into index.html as its first head element after the charset. */
export const cspMeta: Plugin = {
  name: 'ipsec-lab-csp-meta',
  transformIndexHtml: (html) => html.replace(/(<meta charset="UTF-8" \/>)/, `$1\n    ${cspMetaTag()}`),
};

/**
 * A build of the UI is React's production build whatever NODE_ENV the building process inherited
 * (a developer's shell may say development; Vite would then build React's slower, chattier dev
 * build with the development JSX runtime). Set before Vite decides, in its config hook.
 */
export const productionBuild: Plugin = {
  name: 'ipsec-lab-production-build',
  apply: 'build',
  config() {
    process.env.NODE_ENV = 'production';
  },
};

export const rendererConfig: UserConfig = {
  root: here('./renderer'),
  base: './',
  plugins: [react(), cspMeta, productionBuild],
  build: {
    outDir: here('./out/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    // One stylesheet and scripts only: the CSP allows no inline script or style.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
};

export default defineConfig(rendererConfig);
