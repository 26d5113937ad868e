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

export const rendererConfig: UserConfig = {
  root: here('./renderer'),
  base: './',
  plugins: [react(), cspMeta],
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
