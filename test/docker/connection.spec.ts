import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { dockerOptions, isLocalEngine, resolveEndpoint } from '../../lab/docker/connection.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function dockerConfigWithContext(name: string, host: string, current = true): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockercfg-'));
  if (current) writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ currentContext: name }));
  const meta = path.join(dir, 'contexts', 'meta', createHash('sha256').update(name).digest('hex'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(path.join(meta, 'meta.json'), JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }));
  return dir;
}

describe("the Docker connection follows Docker's conventions", () => {
  it('DOCKER_HOST wins, with tcp, ssh and unix endpoints', () => {
    process.env.DOCKER_HOST = 'tcp://10.9.8.7:2375';
    expect(resolveEndpoint()).toEqual({ host: 'tcp://10.9.8.7:2375', source: 'DOCKER_HOST' });
    expect(dockerOptions(resolveEndpoint())).toMatchObject({ host: '10.9.8.7', port: 2375, protocol: 'http' });
    expect(dockerOptions({ host: 'ssh://ops@lab-host:2222', source: 'DOCKER_HOST' })).toMatchObject({
      protocol: 'ssh',
      host: 'lab-host',
      port: 2222,
      username: 'ops',
    });
    expect(dockerOptions({ host: 'unix:///run/user/1000/docker.sock', source: 'default' })).toEqual({
      socketPath: '/run/user/1000/docker.sock',
    });
  });
  it('uses the active docker context when DOCKER_HOST is unset', () => {
    delete process.env.DOCKER_HOST;
    delete process.env.DOCKER_CONTEXT;
    process.env.DOCKER_CONFIG = dockerConfigWithContext('remote-lab', 'ssh://root@vpn-lab.example');
    expect(resolveEndpoint()).toEqual({ host: 'ssh://root@vpn-lab.example', source: 'context remote-lab' });
    expect(isLocalEngine(resolveEndpoint())).toBe(false);
  });
  it('DOCKER_CONTEXT picks a context by name', () => {
    delete process.env.DOCKER_HOST;
    process.env.DOCKER_CONFIG = dockerConfigWithContext('other', 'tcp://192.0.2.5:2376', false);
    process.env.DOCKER_CONTEXT = 'other';
    expect(resolveEndpoint().host).toBe('tcp://192.0.2.5:2376');
  });
  it('falls back to the local socket', () => {
    delete process.env.DOCKER_HOST;
    delete process.env.DOCKER_CONTEXT;
    process.env.DOCKER_CONFIG = mkdtempSync(path.join(os.tmpdir(), 'dockercfg-'));
    expect(resolveEndpoint()).toEqual({ host: 'unix:///var/run/docker.sock', source: 'default' });
  });
});
