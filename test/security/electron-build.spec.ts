/**
 * The desktop app's build: the Electron fuses a packaged app carries (declared in
 * electron.vite.config.ts, flipped into the packaged binary by applyElectronFuses), and the built
 * main process ignoring ELECTRON_RENDERER_URL (honoured only by a development build).
 *
 * No Electron binary can be downloaded on CI's machine: the packaging step is run on a file laid
 * out as Electron lays out its fuse wire (sentinel, version, length, one byte per fuse, with
 * Electron's defaults), and on the real binary where one is installed.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { applyElectronFuses, ELECTRON_FUSES } from '../../electron.vite.config.js';
import { devServerUrl } from '../../electron/main/app-origin.js';
import { testLabName } from '../support/lab-names.js';

const root = path.resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-fuses-'));
mkdirSync(path.join(root, 'test-output'), { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults, fuse by fuse (RunAsNode on, cookie encryption off, NODE_OPTIONS on...). */
const ELECTRON_DEFAULT_WIRE = '101100011';

/** A binary with Electron's fuse wire inside, surrounded by other bytes the flip must not touch. */
function fakeElectron(wire = ELECTRON_DEFAULT_WIRE): string {
  const file = path.join(tmp, `electron-${Math.random().toString(36).slice(2)}`);
  const before = Buffer.alloc(4096, 0xab);
  const after = Buffer.alloc(4096, 0xcd);
  writeFileSync(
    file,
    Buffer.concat([before, Buffer.from(SENTINEL), Buffer.from([1, wire.length]), Buffer.from(wire), after]),
  );
  return file;
}

const ENABLE = FuseState.ENABLE;
const DISABLE = FuseState.DISABLE;

describe('Electron fuses of the packaged app', () => {
  it('are declared in the build config: no RunAsNode, NODE_OPTIONS or --inspect; cookies encrypted; ASAR only, verified', () => {
    expect(ELECTRON_FUSES).toMatchObject({
      strictlyRequireAllFuses: true,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
    });
  });

  it('the packaging step flips them in the binary, and only the fuse bytes change', async () => {
    const bin = fakeElectron();
    const original = readFileSync(bin);
    await applyElectronFuses(bin);
    const wire = (await getCurrentFuseWire(bin)) as unknown as Record<number, FuseState>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(ENABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(ENABLE);
    const flipped = readFileSync(bin);
    const changed = [...flipped.keys()].filter((i) => flipped[i] !== original[i]);
    const wireStart = 4096 + SENTINEL.length + 2;
    expect(changed.length).toBeGreaterThan(0);
    expect(changed.every((i) => i >= wireStart && i < wireStart + ELECTRON_DEFAULT_WIRE.length)).toBe(true);
  });

  it('a fuse a newer Electron adds stops the packaging until it is decided in the config', async () => {
    await expect(applyElectronFuses(fakeElectron(ELECTRON_DEFAULT_WIRE + '1'))).rejects.toThrow(
      /strictlyRequireAllFuses/,
    );
  });

  const installed = (() => {
    try {
      const dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
      const bin = path.join(dir, 'dist', process.platform === 'win32' ? 'electron.exe' : 'electron');
      return existsSync(bin) ? bin : undefined;
    } catch {
      return undefined;
    }
  })();
  it.skipIf(!installed)('the real Electron binary, when installed, takes them the same way', async () => {
    const copy = path.join(tmp, 'electron-real');
    copyFileSync(installed!, copy);
    await applyElectronFuses(copy);
    const wire = (await getCurrentFuseWire(copy)) as unknown as Record<number, FuseState>;
    expect(wire[FuseV1Options.RunAsNode]).toBe(DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(DISABLE);
  });
});

describe('ELECTRON_RENDERER_URL', () => {
  it('is honoured by a development build that is not packaged, and only then', () => {
    const env = { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' };
    expect(devServerUrl({ development: true, packaged: false, env })).toBe('http://127.0.0.1:5173/');
    expect(devServerUrl({ development: false, packaged: false, env })).toBeUndefined();
    expect(devServerUrl({ development: true, packaged: true, env })).toBeUndefined();
    expect(devServerUrl({ development: false, packaged: true, env })).toBeUndefined();
  });

  describe('the production build (electron-vite build), run unpackaged (`electron .`)', () => {
    // Inside the package (test-output/ is ignored): the built main finds the package's files from its root.
    const out = mkdtempSync(path.join(root, 'test-output', 'electron-build-'));
    afterAll(() => rmSync(out, { recursive: true, force: true }));
    beforeAll(async () => {
      const { build } = await import('electron-vite');
      await build({
        root,
        configFile: path.join(root, 'electron.vite.config.ts'),
        logLevel: 'warn',
        build: { outDir: out },
      });
    }, 240_000);

    it('loads its own built page whatever ELECTRON_RENDERER_URL says', async () => {
      const register = path.join(root, 'test/security/fixtures/register-electron-unpackaged.mjs');
      const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', pathToFileURL(register).href, path.join(out, 'main/index.js')],
          {
            env: {
              ...process.env,
              IPSEC_LAB_NAME: testLabName('efuse'),
              // What a local program would set to have the trusted window load its own page.
              ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/',
            },
            timeout: 60_000,
          },
          (_err, stdout, stderr) => resolve({ stdout, stderr }),
        );
        child.stdin?.end();
      });
      const loaded = stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { event: string; url?: string })
        .find((e) => e.event === 'loaded');
      expect(loaded, stderr).toBeDefined();
      expect(loaded!.url).toBe(pathToFileURL(path.join(out, 'renderer/index.html')).href);
    }, 90_000);
  });
});
