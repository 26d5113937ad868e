#!/usr/bin/env node
// Bundles the CLI (lab/cli/main.ts and everything it imports from lab/) into dist/cli/ with esbuild:
// plain JavaScript that starts without compiling TypeScript at every run. Dependencies stay
// external (node_modules), all but zod (see BUNDLED); code split, so a command loads only what it
// uses (the engine, and with it dockerode, only for commands that talk to Docker). Run by
// `npm install` (prepare) and by bin/ipsec-lab.js whenever a source is newer than the bundle.
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, 'dist/cli');
export const STAMP = path.join(OUT_DIR, '.built');

/**
 * Packages stay in node_modules, except zod: its ESM build is some 100 small files (with every
 * locale), and the loader's work per file (resolve, read, compile) made up most of its load time
 * on every command that validates settings (`up`); bundled, it is one chunk.
 */
const BUNDLED = /^zod(?:\/|$)/;
const dependenciesExternal = {
  name: 'dependencies-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      BUNDLED.test(args.path) ? undefined : { path: args.path, external: true },
    );
  },
};

/** Builds into a fresh folder and swaps it in, so a CLI started meanwhile never sees half a bundle. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const tmp = `${OUT_DIR}.tmp-${process.pid}`;
  await build({
    absWorkingDir: ROOT,
    // down-command: `down` of one lab, run by bin/ipsec-lab.js without main (see there).
    entryPoints: ['lab/cli/main.ts', 'lab/cli/down-command.ts'],
    outdir: tmp,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [dependenciesExternal],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  writeFileSync(path.join(tmp, '.built'), `${new Date().toISOString()}\n`);
  const old = `${OUT_DIR}.old-${process.pid}`;
  if (existsSync(OUT_DIR)) renameSync(OUT_DIR, old);
  try {
    renameSync(tmp, OUT_DIR);
  } catch (e) {
    // Another CLI swapped its build in first: theirs is as new as ours.
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t = Date.now();
  await buildCli();
  console.error(`ipsec-lab: CLI built into dist/cli in ${Date.now() - t} ms`);
}
