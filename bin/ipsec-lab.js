#!/usr/bin/env node
// The CLI runs the bundle in dist/cli (built by `npm install`, see bin/build-cli.js). When a source
// in lab/ is newer than the bundle (a checkout after `git pull`, a developer's edit) it is rebuilt
// first (a fraction of a second); where esbuild is not installed it runs the sources through tsx.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);

// `--version` answers before anything else loads (tooling calls it often).
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  console.log(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);
  process.exit(0);
}

// `ipsec-lab status | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    // Concatenated, not path.join: normalising 200-odd paths was most of this walk's ~9 ms per start.
    const p = dir + path.sep + entry.name;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

async function builtMain() {
  const { STAMP, OUT_DIR, buildCli } = await import('./build-cli.js');
  const sources = path.join(ROOT, 'lab');
  const built = existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0;
  if (!existsSync(sources) || (built && newestSource(sources) <= built)) return path.join(OUT_DIR, 'main.js');
  try {
    await buildCli();
    return path.join(OUT_DIR, 'main.js');
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND') throw e;
    return undefined; // no esbuild (an install without dev tools): run the sources
  }
}

/**
 * A plain `down` (`down`, `--lab NAME down`, `down --lab NAME`): { lab } (undefined for the default
 * lab, which down-command resolves), else undefined.
 * Those run lab/cli/down-command.js alone: removing a lab is a few Docker calls, and loading
 * commander with every other command would be a good part of its time. Any other form, help
 * included, goes through main as usual.
 */
function plainDownLab() {
  const named = (name) => (name && !name.startsWith('-') ? name : undefined);
  const some = (lab) => (lab === undefined ? undefined : { lab });
  if (argv.length === 1 && argv[0] === 'down') return { lab: undefined };
  if (argv.length === 3 && argv[0] === '--lab' && argv[2] === 'down') return some(named(argv[1]));
  if (argv.length === 3 && argv[0] === 'down' && argv[1] === '--lab') return some(named(argv[2]));
  return undefined;
}

const entry = await builtMain();
const downOf = entry ? plainDownLab() : undefined;
if (downOf !== undefined) {
  const { downCommand } = await import(pathToFileURL(path.join(path.dirname(entry), 'down-command.js')).href);
  try {
    await downCommand(downOf.lab);
  } catch (e) {
    // Reported as every command reports its errors (main's mapping, loaded only now).
    process.exitCode = await (await import(pathToFileURL(entry).href)).reportError(e);
  }
} else {
  let main;
  if (entry) ({ main } = await import(pathToFileURL(entry).href));
  else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import('../lab/cli/main.ts'));
  }
  process.exitCode = await main(argv);
}
