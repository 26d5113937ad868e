/**
 * `electron-vite build` with our config, into a temporary folder: main, preload and renderer come
 * out where package.json and the main process expect them, the preload is one CommonJS file that
 * requires nothing but electron (a sandboxed preload can load nothing else), and the page loads
 * only its own bundled script and stylesheet.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const out = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-electron-build-'));

beforeAll(async () => {
  const { build } = await import('electron-vite');
  await build({ root, configFile: path.join(root, 'electron.vite.config.ts'), logLevel: 'warn', build: { outDir: out } });
}, 240_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('electron-vite build', () => {
  it('puts the main process where package.json "main" points (relative to out/)', () => {
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string; type: string };
    expect(pkg.main).toBe('out/main/index.js');
    const main = readFileSync(path.join(out, 'main/index.js'), 'utf8');
    // ESM (the package is "type": "module"), importing electron rather than bundling it.
    expect(main).toMatch(/^import .* from "electron";$/m);
    expect(main).toContain('ipsec-lab:');
  });

  it('builds the preload as one CommonJS file requiring only electron', () => {
    const files = readdirSync(path.join(out, 'preload'));
    expect(files).toEqual(['index.cjs']);
    const preload = readFileSync(path.join(out, 'preload/index.cjs'), 'utf8');
    const requires = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((r) => r[1]);
    expect(requires).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*(import|export)\s/m);
    expect(preload).toContain('exposeInMainWorld("ipsecLab"');
  });

  it('builds the renderer: index.html loading its own script and stylesheet, no inline script', () => {
    const html = readFileSync(path.join(out, 'renderer/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\.\/assets\/[^"]+\.js"/);
      expect(body.trim()).toBe('');
    }
    for (const [, src] of html.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g)) expect(existsSync(path.join(out, 'renderer', src))).toBe(true);
    expect(html).toMatch(/Content-Security-Policy/);
  });
});
