/**
 * CLI start-up, side by side with its floor in the same run: `node -e 0` (an empty Node start on this
 * machine now). Issue #12's bars: `--version` <= 0.3 s wall, `diagnose` of a ~300-line log <= 0.6 s.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildCli } from '../bin/build-cli.js';
import type { Figure } from './lab-bench.js';

const ROOT = path.resolve(import.meta.dirname, '..');

function wall(args: string[], runs = 7): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    times.push(Number(process.hrtime.bigint() - t) / 1e9);
    if (r.status !== 0 && args[0] !== '-e') throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return times;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchCli(): Promise<Figure[]> {
  await buildCli();
  // A ~300-line customer log: both recorded sides of a PSK mismatch, concatenated and repeated.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-bench-cli-'));
  try {
    const base = ['left', 'right']
      .map((s) => readFileSync(path.join(ROOT, `test/fixtures/diagnosis/lab/psk-mismatch-v2/${s}.log`), 'utf8'))
      .join('');
    const lines = base.split('\n');
    const log = path.join(dir, 'customer.log');
    writeFileSync(log, Array.from({ length: 300 }, (_, i) => lines[i % lines.length]).join('\n') + '\n');

    const floor = median(wall(['-e', '0']));
    const cli = path.join(ROOT, 'bin/ipsec-lab.js');
    const version = median(wall([cli, '--version']));
    const help = median(wall([cli, '--help']));
    const diagnose = median(wall([cli, 'diagnose', log]));
    const note = (v: number, bar: number) => `${(v / floor).toFixed(1)}x node -e 0; bar ${bar} s`;
    return [
      { name: 'cli: node -e 0 (floor)', value: floor, unit: 's', note: 'an empty Node start, this machine, this run' },
      { name: 'cli: ipsec-lab --version', value: version, unit: 's', note: note(version, 0.3) },
      { name: 'cli: ipsec-lab --help', value: help, unit: 's', note: `${(help / floor).toFixed(1)}x node -e 0` },
      { name: 'cli: ipsec-lab diagnose (300-line log)', value: diagnose, unit: 's', note: note(diagnose, 0.6) },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
