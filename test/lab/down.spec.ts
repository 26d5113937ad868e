/**
 * `ipsec-lab down` of one lab talks to the engine's socket itself (lifecycle/down.ts, no dockerode):
 * it must still remove every container and network of the lab and nothing else, say so, cope with
 * a second `down` of the same lab at the same moment, and fail clearly without an engine.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildCli } from '../../bin/build-cli.js';
import { ignoreRejection } from '../../lab/common/ignore.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** The CLI as users run it; a non-zero exit is returned, not thrown. */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const r = await run(process.execPath, [path.join(ROOT, 'bin/ipsec-lab.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('down without an engine or with a bad name', () => {
  beforeAll(async () => {
    await buildCli();
  }, 60_000);

  it('says the engine is unavailable, naming where it looked', async () => {
    const env = { DOCKER_HOST: 'unix:///nonexistent/docker.sock' };
    const r = await cli(['--lab', 'nobody', 'down'], env);
    // The plain form runs without commander (bin/ipsec-lab.js); any other goes through it, alike.
    expect(await cli(['--lab=nobody', 'down'], env)).toEqual(r);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /Docker engine unavailable at unix:\/\/\/nonexistent\/docker\.sock: no Docker engine answers/,
    );
    expect(r.stderr).toMatch(/fix: run `ipsec-lab doctor`/);
  });

  it('refuses a lab name Docker could not carry before asking the engine', async () => {
    const r = await cli(['--lab', 'Bad_Name', 'down'], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lab name "Bad_Name": expected lowercase letters, digits and "-"/);
  });
});

describe.skipIf(skipWithoutDocker('lab integration (down)'))('down of a running lab', () => {
  const engine = LabEngine.connect(testLabName('down'));
  const other = LabEngine.connect(testLabName('keep'));

  beforeAll(async () => {
    await buildCli();
    // Two labs: down of one must leave the other whole.
    await Promise.all([
      engine.up(defaultSettings(), { timeoutMs: 30_000, mode: 'detached' }),
      other.up(defaultSettings(), { timeoutMs: 30_000, mode: 'detached' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await engine.down().catch(ignoreRejection('the test removed it already'));
    await other.down().catch(ignoreRejection('cleanup'));
  });

  it('removes every container and network of the lab, also when two downs race, and only that lab', async () => {
    const label = { label: [`ipsec-lab.lab=${engine.name}`] };
    expect(await engine.docker.listContainers({ all: true, filters: label })).toHaveLength(5);
    const [a, b] = await Promise.all([cli(['--lab', engine.name, 'down']), cli(['--lab', engine.name, 'down'])]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    // Each one either removed the lab or found it gone; at least one removed all five boxes.
    const said = [a.stdout.trim(), b.stdout.trim()];
    expect(said).toContain(`removed lab "${engine.name}": 5 containers, 1 network`);
    for (const line of said)
      expect(line).toMatch(
        new RegExp(
          `^(removed lab "${engine.name}": \\d containers, \\d networks?|no lab "${engine.name}" is running)$`,
        ),
      );
    expect(await engine.docker.listContainers({ all: true, filters: label })).toEqual([]);
    expect(await engine.docker.listNetworks({ filters: label })).toEqual([]);
    expect((await other.find())?.complete).toBe(true);

    const again = await cli(['--lab', engine.name, 'down']);
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe(`no lab "${engine.name}" is running`);
  }, 60_000);
});
