import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { connectEngine, parseEngineSpec, resolveEngineTarget } from '../../lab/docker/engines.js';

const saved = { ...process.env };
afterEach(() => {
  for (const k of ['DOCKER_HOST', 'DOCKER_CONFIG']) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** A Docker config dir with contexts as `docker context create` writes them (meta by sha256 of the name). */
function configWith(contexts: Record<string, string>, tls: string[] = []): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dockercfg-engines-'));
  for (const [name, host] of Object.entries(contexts)) {
    const id = createHash('sha256').update(name).digest('hex');
    mkdirSync(path.join(dir, 'contexts', 'meta', id), { recursive: true });
    writeFileSync(
      path.join(dir, 'contexts', 'meta', id, 'meta.json'),
      JSON.stringify({ Name: name, Endpoints: { docker: { Host: host } } }),
    );
    if (tls.includes(name)) {
      const t = path.join(dir, 'contexts', 'tls', id, 'docker');
      mkdirSync(t, { recursive: true });
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) writeFileSync(path.join(t, f), `${name} ${f}`);
    }
  }
  return dir;
}

describe('--engine values', () => {
  it('take a context name or a URL, with labs at a time after =', () => {
    expect(parseEngineSpec('ci-runner-2')).toEqual({ target: 'ci-runner-2' });
    expect(parseEngineSpec('ssh://ci@build-7=4')).toEqual({ target: 'ssh://ci@build-7', concurrency: 4 });
    expect(parseEngineSpec(' tcp://10.0.0.5:2376=1 ')).toEqual({ target: 'tcp://10.0.0.5:2376', concurrency: 1 });
  });

  it('refuse what cannot be an engine, saying what was expected', () => {
    expect(() => parseEngineSpec('=2')).toThrow(/--engine "=2": expected a Docker context name or an engine URL/);
    expect(() => parseEngineSpec('ci=0')).toThrow(/labs at a time must be a whole number from 1 to 16, got 0/);
    expect(() => parseEngineSpec('ci=40')).toThrow(/got 40/);
    expect(() => resolveEngineTarget('ftp://host')).toThrow(
      /unsupported scheme ftp:\/\/ \(expected unix:\/\/, tcp:\/\//,
    );
    process.env.DOCKER_CONFIG = configWith({});
    expect(() => resolveEngineTarget('nosuch')).toThrow(/--engine nosuch: no Docker context of that name/);
  });

  it('resolve a context by name as `docker` does, its TLS files included', () => {
    process.env.DOCKER_CONFIG = configWith(
      { 'farm-a': 'ssh://ops@farm-a.example', 'farm-b': 'tcp://198.51.100.7:2376' },
      ['farm-b'],
    );
    expect(resolveEngineTarget('farm-a')).toEqual({ host: 'ssh://ops@farm-a.example', source: 'context farm-a' });
    const b = connectEngine('farm-b');
    expect(b.endpoint.host).toBe('tcp://198.51.100.7:2376');
    const modem = (b.docker as unknown as { modem: { protocol: string; ca?: unknown; cert?: unknown } }).modem;
    expect(modem.protocol).toBe('https');
    expect(String(modem.ca)).toBe('farm-b ca.pem');
    expect(String(modem.cert)).toBe('farm-b cert.pem');
  });

  it('take URLs as DOCKER_HOST does, ssh:// with its user and port', () => {
    const ssh = connectEngine('ssh://ci@build-7:2222');
    const modem = (
      ssh.docker as unknown as { modem: { protocol: string; host: string; port: number; username: string } }
    ).modem;
    expect(modem).toMatchObject({ protocol: 'ssh', host: 'build-7', port: 2222, username: 'ci' });
    expect(resolveEngineTarget('unix:///tmp/other.sock')).toEqual({
      host: 'unix:///tmp/other.sock',
      source: '--engine unix:///tmp/other.sock',
    });
    delete process.env.DOCKER_HOST;
    expect(resolveEngineTarget('default').host).toBe('unix:///var/run/docker.sock');
    process.env.DOCKER_HOST = 'tcp://192.0.2.9:2375';
    expect(resolveEngineTarget('default')).toEqual({ host: 'tcp://192.0.2.9:2375', source: 'DOCKER_HOST' });
  });
});
