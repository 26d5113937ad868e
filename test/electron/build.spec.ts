/**
 * `electron-vite build` with our config, into a temporary folder: main, preload and renderer come
 * out where package.json and the main process expect them, the preload is one CommonJS file that
 * requires nothing but electron (a sandboxed preload can load nothing else), and the page loads
 * only its own bundled script and stylesheet.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ipcChannel } from '../../lab/api/channels.js';
import { contentSecurityPolicy } from '../../lab/api/csp.js';
import { METHODS } from '../../lab/api/schemas.js';
import { testLabName } from '../support/lab-names.js';

const root = path.resolve(import.meta.dirname, '../..');
// Inside the project like the app's own out/ (node_modules and package.json above it, as when packaged).
mkdirSync(path.join(root, 'out'), { recursive: true });
const out = mkdtempSync(path.join(root, 'out', 'test-electron-build-'));

beforeAll(async () => {
  const { build } = await import('electron-vite');
  await build({
    root,
    configFile: path.join(root, 'electron.vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: out },
  });
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
    for (const [, src] of html.matchAll(/(?:src|href)="(\.\/assets\/[^"]+)"/g))
      expect(existsSync(path.join(out, 'renderer', src))).toBe(true);
    // The built page states the UI's one policy (lab/api/csp.ts), inserted by the renderer's build.
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(contentSecurityPolicy({ place: 'meta' }));
  });

  it('the built main process starts under Node with Electron stubbed: hardened window on the built page, every contract channel, clean exit', async () => {
    const register = path.join(root, 'test/electron/fixtures/register-electron-stub.mjs');
    const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>(
      (resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', pathToFileURL(register).href, path.join(out, 'main/index.js')],
          {
            env: { ...process.env, IPSEC_LAB_NAME: testLabName('ebuilt') },
            timeout: 60_000,
          },
          (err, stdout, stderr) =>
            resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : null) : 0 }),
        );
        child.stdin?.end();
      },
    );
    const events = stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(
      events.map((e) => e.event),
      stderr,
    ).toEqual(['sandbox', 'permissions', 'csp', 'loaded', 'quit-held', 'exit']);
    const loaded = events.find((e) => e.event === 'loaded') as unknown as {
      url: string;
      webPreferences: Record<string, unknown>;
      handlers: string[];
      contentsEvents: string[];
    };
    expect(loaded.url).toBe(pathToFileURL(path.join(out, 'renderer/index.html')).href);
    expect(loaded.webPreferences).toMatchObject({
      preload: path.join(out, 'preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect([...loaded.handlers].sort()).toEqual(METHODS.map(ipcChannel).sort());
    expect(loaded.contentsEvents).toEqual(
      expect.arrayContaining(['will-navigate', 'will-redirect', 'will-attach-webview', 'open:deny']),
    );
    expect(code).toBe(0);
  }, 90_000);

  it('the built preload runs as Electron runs a sandboxed preload: a plain script whose only require is electron', () => {
    const code = readFileSync(path.join(out, 'preload/index.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const electron = {
      contextBridge: {
        exposeInMainWorld: (key: string, api: unknown) => {
          exposed[key] = api;
        },
      },
      ipcRenderer: {
        invoke: async (...a: unknown[]) => {
          invoked.push(a);
          return { ok: true, result: 'pong' };
        },
        on: () => {},
        removeListener: () => {},
      },
    };
    const required: string[] = [];
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return electron;
    };
    // Electron's sandboxed preload wrapper: (require, process, Buffer, global, setImmediate, clearImmediate, exports, module).
    const module = { exports: {} };
    const wrapper = vm.runInNewContext(
      `(function (require, process, Buffer, global, setImmediate, clearImmediate, exports, module) {${code}\n})`,
      { Promise, Object },
    );
    wrapper(sandboxRequire, {}, undefined, {}, setImmediate, clearImmediate, module.exports, module);
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['ipsecLab']);
    expect(Object.keys(exposed.ipsecLab as object).sort()).toEqual(['invoke', 'on']);
    return (exposed.ipsecLab as { invoke: (m: string) => Promise<unknown> }).invoke('labStatus').then((r) => {
      expect(r).toBe('pong');
      expect(invoked).toEqual([['ipsec-lab:labStatus']]);
    });
  });
});
