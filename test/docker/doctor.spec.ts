import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { skipWithoutDocker } from '../support/docker-available.js';

describe.skipIf(skipWithoutDocker('doctor'))('ipsec-lab doctor', () => {
  it('reports the engine, the kernel datapath, netem and Electron with fixes, as JSON', () => {
    const r = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'doctor', '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const checks = JSON.parse(r.stdout) as Array<{ id: string; status: string; detail: string; fix?: string }>;
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId.docker.status).toBe('ok');
    expect(byId.docker.detail).toMatch(/Docker \S+ \(API/);
    expect(['ok', 'warn']).toContain(byId.esp.status);
    expect(byId.esp.detail).toMatch(/kernel ESP available|kernel-libipsec over TUN/);
    expect(byId.netem.detail).toMatch(/sch_netem/);
    if (byId.netem.status !== 'ok') expect(byId.netem.detail).toMatch(/unavailable/);
    expect(byId.vxlan.status).toBe('ok');
    expect(byId.electron).toBeDefined();
    if (byId.electron.status !== 'ok') expect(byId.electron.fix).toBeTruthy();
    // Exit status follows the worst finding: failures only.
    expect(r.status).toBe(checks.some((c) => c.status === 'fail') ? 1 : 0);
  }, 120_000);
});

describe('ipsec-lab doctor without an engine', () => {
  it('names DOCKER_HOST as the thing to fix when it points at no engine', () => {
    const r = spawnSync(process.execPath, ['bin/ipsec-lab.js', 'doctor', '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    const docker = (JSON.parse(r.stdout) as Array<{ id: string; status: string; detail: string; fix?: string }>).find(
      (c) => c.id === 'docker',
    )!;
    expect(docker.status).toBe('fail');
    expect(docker.detail).toContain('unix:///nonexistent/docker.sock (DOCKER_HOST)');
    expect(docker.fix).toMatch(/DOCKER_HOST=unix:\/\/\/nonexistent\/docker\.sock/);
    expect(docker.fix).not.toMatch(/--fix/);
    expect(r.status).toBe(1);
  }, 60_000);
});
