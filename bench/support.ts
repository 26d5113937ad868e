/**
 * What every bench shares: the figure type, medians, and running the built CLI as users run it.
 * The machine is shared and noisy, so every figure is a median and every target a ratio to a floor
 * measured in the same run.
 */
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { buildCli, STAMP } from '../bin/build-cli.js';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CLI = path.join(ROOT, 'bin/ipsec-lab.js');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const seconds = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');

/** Whether `ratio` meets `target`, in words for a figure's note. */
export const verdict = (ratio: number, target: number) =>
  `target <= ${target}x: ${ratio <= target ? 'met' : 'NOT met'}`;

const stampTime = () => (existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0);

/** Builds the CLI bundle now, so no measured run pays for a rebuild. */
export async function freshCli(): Promise<void> {
  await buildCli();
}

export interface CliRun {
  seconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** The CLI rebuilt its bundle first (someone edited lab/ meanwhile): the time includes a build. */
  rebuilt: boolean;
}

/** Runs `ipsec-lab ARGS` as a user does (bin/ipsec-lab.js, the built bundle), timed from spawn to exit. */
export async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const before = stampTime();
  const t = process.hrtime.bigint();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const taken = Number(process.hrtime.bigint() - t) / 1e9;
  return { seconds: taken, code, stdout, stderr, rebuilt: stampTime() !== before };
}
