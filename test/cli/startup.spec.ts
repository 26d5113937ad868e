import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import { buildCli, OUT_DIR } from '../../bin/build-cli.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [path.join(ROOT, 'bin/ipsec-lab.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });

/**
 * Every package the bundle loads before any command runs: the static import graph of its entry and
 * of the commander program (main loads it for every command but a plain `diagnose FILE`).
 */
function staticPackages(): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const walk = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const src = readFileSync(path.join(OUT_DIR, file), 'utf8');
    for (const m of src.matchAll(/^import\s+(?:[^;]*?\s+from\s+)?"([^"]+)";?/gms)) {
      if (m[1].startsWith('./')) walk(m[1].slice(2));
      else packages.add(m[1]);
    }
  };
  walk('main.js');
  const program = readdirSync(OUT_DIR).find((f) => /^program-\w+\.js$/.test(f));
  expect(program).toBeDefined();
  walk(program!);
  return packages;
}

describe('the built CLI starts without the engine', () => {
  beforeAll(async () => {
    await buildCli();
  }, 60_000);

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect((await cli(['--version'])).stdout.trim()).toBe(version);
    // The same answer through commander (e.g. with the global --lab option before it).
    expect((await cli(['--lab', 'x', '--version'])).stdout.trim()).toBe(version);
  });

  it('loads neither dockerode nor the lab engine before a command needs them', () => {
    const pkgs = staticPackages();
    expect(pkgs.has('commander')).toBe(true);
    expect(pkgs.has('dockerode')).toBe(false);
  });

  it('bundles only the parts of zod the schemas use, not its every locale (what `up` loads with the engine)', () => {
    // `import { z } from 'zod'` keeps zod's whole namespace (some 60 locales among it) in the
    // bundle; `import * as z` lets esbuild drop what is unused. esbuild names each source it bundles
    // (by a relative path: through a symlinked node_modules it starts with ../).
    const locales = new Set<string>();
    for (const f of readdirSync(OUT_DIR).filter((n) => n.endsWith('.js')))
      for (const m of readFileSync(path.join(OUT_DIR, f), 'utf8').matchAll(
        /^\/\/ \S*node_modules\/zod\/v4\/locales\/(\S+)$/gm,
      ))
        locales.add(m[1]);
    expect([...locales]).toEqual(['en.js']);
  });

  it('faults lists the catalogue with no Docker engine at all, and says "applies here" needs a lab', async () => {
    const { stdout } = await cli(['faults'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(stdout).toMatch(/psk-mismatch\s+phase1/);
    expect(stdout).toMatch(/needs a lab/);
    expect(stdout).toMatch(/ipsec-lab faults --here/);
    const json = JSON.parse((await cli(['faults', '--json'], { DOCKER_HOST: 'unix:///nonexistent' })).stdout) as {
      faults: { id: string }[];
    };
    expect(json.faults.map((f) => f.id)).toContain('esp-blocked');
  });

  it('commands that need no engine never connect to one, even when one is listening', async () => {
    // A socket standing in for an engine: it only counts who connects (issue 12).
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-noengine-'));
    const sock = path.join(dir, 'docker.sock');
    let connections = 0;
    const server = net.createServer((c) => {
      connections++;
      c.destroy();
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const env = { DOCKER_HOST: `unix://${sock}` };
      expect((await cli(['faults'], env)).stdout).toMatch(/psk-mismatch\s+phase1/);
      expect(JSON.parse((await cli(['faults', '--json'], env)).stdout).faults.length).toBeGreaterThan(10);
      expect(JSON.parse((await cli(['settings'], env)).stdout)).toHaveProperty('left.gateway');
      expect((await cli(['--version'], env)).stdout).toMatch(/\d+\.\d+\.\d+/);
      expect(connections).toBe(0);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an empty IPSEC_LAB_NAME is a bad lab name, never the default lab, for down as for any command', async () => {
    // `IPSEC_LAB_NAME=$TYPO ipsec-lab down` must not remove the lab called "lab".
    const env = { IPSEC_LAB_NAME: '', DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    for (const args of [['down'], ['status'], ['down', '--lab', '']]) {
      const failed = await cli(args, env).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(failed, args.join(' ')).toBeDefined();
      expect(failed!.stderr, args.join(' ')).toMatch(/lab name "": expected lowercase letters/);
    }
  });

  it('settings and help need no engine either', async () => {
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    expect(JSON.parse((await cli(['settings'], env)).stdout)).toHaveProperty('left.gateway');
    expect((await cli(['--help'], env)).stdout).toMatch(/Usage: ipsec-lab/);
  });
});
