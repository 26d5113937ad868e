#!/usr/bin/env node
// `npm run lint`: eslint (the house rules, typed) and prettier's check, side by side: each keeps
// one core busy for most of its run, so together they take about the time of the slower one. Both
// keep per-file results in node_modules/.cache (see CONTRIBUTING.md); `--full` checks every file
// again. Each tool's output is printed whole once it ends, so the two never interleave.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const full = process.argv.includes('--full');
const bin = (name) => path.join(ROOT, 'node_modules/.bin', name);
const cache = (location) => (full ? [] : ['--cache', '--cache-strategy', 'content', ...location]);

const tools = [
  ['eslint', [...cache(['--cache-location', 'node_modules/.cache/eslint/']), '.']],
  ['prettier', ['--check', ...cache([]), '.']],
];

const runs = tools.map(
  ([name, args]) =>
    new Promise((resolve) => {
      const child = spawn(bin(name), args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      const out = [];
      child.stdout.on('data', (d) => out.push(d));
      child.stderr.on('data', (d) => out.push(d));
      child.on('error', (e) => resolve({ name, code: 1, out: [Buffer.from(`${name}: ${e.message}\n`)] }));
      child.on('close', (code) => resolve({ name, code: code ?? 1, out }));
    }),
);

let failed = false;
for (const run of runs) {
  const { name, code, out } = await run;
  process.stdout.write(Buffer.concat(out));
  if (code !== 0) {
    failed = true;
    process.stdout.write(`lint: ${name} failed (exit ${code})\n`);
  }
}
process.exitCode = failed ? 1 : 0;
