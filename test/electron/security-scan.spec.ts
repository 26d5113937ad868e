/**
 * The Electron security scan (Doyensec's electronegativity) over the host's sources and over a
 * fresh electron-vite build: no finding of HIGH severity or above, and no file it could not
 * parse (an unparsed file would be an unscanned one). Every finding is printed for review.
 * A deliberately insecure app is scanned first, so a scanner that finds nothing here cannot pass.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Level {
  name: string;
  value: number;
}
interface Issue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: Level;
  confidence: Level;
  manualReview?: boolean;
  description: string;
}
interface ScanResult {
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: Issue[];
}
type Run = (options: Record<string, unknown>) => Promise<ScanResult>;

const require = createRequire(import.meta.url);
const scan = require('@doyensec/electronegativity') as Run;
const { severity } = require('@doyensec/electronegativity/dist/finder/attributes') as {
  severity: Record<string, Level>;
};

const root = path.resolve(import.meta.dirname, '../..');
const ELECTRON = require(path.join(root, 'package.json')).optionalDependencies.electron.replace(
  /^[^\d]*/,
  '',
) as string;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-escan-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const run = (input: string) => scan({ input, electronVersionOverride: ELECTRON, isRelative: true });
const high = (r: ScanResult) => r.issues.filter((i) => i.severity.value >= severity.HIGH.value);

function report(label: string, r: ScanResult): void {
  const lines = r.issues.map(
    (i) =>
      `  ${i.severity.name.padEnd(6)} ${i.confidence.name.padEnd(9)} ${i.id} ${i.file}:${i.location.line}:${i.location.column}${i.manualReview ? ' (review)' : ''} - ${i.description}`,
  );
  console.log(
    `electronegativity ${label}: ${r.atomicChecks} atomic + ${r.globalChecks} global checks, ${r.issues.length} findings${lines.length ? '\n' + lines.join('\n') : ''}`,
  );
  for (const e of r.errors) console.log(`  parse ${e.tolerable ? 'warning' : 'ERROR'} ${e.file}: ${e.message}`);
}

describe('electronegativity', () => {
  it('finds HIGH issues in an insecure app (the scanner works here)', async () => {
    const bad = path.join(tmp, 'insecure');
    rmSync(bad, { recursive: true, force: true });
    require('node:fs').mkdirSync(bad);
    writeFileSync(
      path.join(bad, 'main.js'),
      "const { BrowserWindow } = require('electron');\nnew BrowserWindow({ webPreferences: { contextIsolation: false, nodeIntegration: true, sandbox: false } });\n",
    );
    const r = await run(bad);
    report('insecure fixture', r);
    expect(high(r).map((i) => i.id)).toEqual(
      expect.arrayContaining(['CONTEXT_ISOLATION_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK']),
    );
  }, 120_000);

  it('finds no HIGH issue in electron/ (main, preload, headless host)', async () => {
    const r = await run(path.join(root, 'electron'));
    report('electron/', r);
    expect(r.atomicChecks).toBeGreaterThan(10);
    expect(r.errors.filter((e) => !e.tolerable)).toEqual([]);
    expect(high(r)).toEqual([]);
    // It did read our window: the preload it was given is among what it reports for review.
    expect(r.issues.some((i) => i.id === 'PRELOAD_JS_CHECK' && i.file.includes('window-options'))).toBe(true);
  }, 120_000);

  describe('the built app', () => {
    const out = path.join(tmp, 'out');
    beforeAll(async () => {
      const { build } = await import('electron-vite');
      await build({
        root,
        configFile: path.join(root, 'electron.vite.config.ts'),
        logLevel: 'error',
        build: { outDir: out },
      });
    }, 240_000);

    it('finds no HIGH issue in the electron-vite output (main, preload, renderer)', async () => {
      const r = await run(out);
      report('build output', r);
      expect(r.errors.filter((e) => !e.tolerable)).toEqual([]);
      expect(high(r)).toEqual([]);
      expect(r.issues.some((i) => i.file.startsWith('main/'))).toBe(true);
    }, 120_000);
  });
});
