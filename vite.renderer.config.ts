// The renderer's build, shared by electron-vite (electron.vite.config.ts) and the headless host,
// which serves the same files to a browser (out/renderer).
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export const rendererConfig: UserConfig = {
  root: here('./renderer'),
  base: './',
  plugins: [react()],
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
