/**
 * Engines named on the command line (`validate --engine A --engine B`): a Docker context by name,
 * as `docker context ls` lists them, or an engine URL as DOCKER_HOST takes it (unix://, tcp://,
 * ssh://user@host, npipe://), each optionally with how many labs it runs at a time (`NAME=N`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { contextTlsDir, dockerOptions, namedContextEndpoint } from './connection.js';
import { loadDockerode } from './dockerode.js';
import type { EngineConnection, EngineEndpoint } from './engine-scope.js';
import { dockerUnavailable, LabError } from './errors.js';

export interface EngineSpec {
  /** A context name or an engine URL, as given. */
  target: string;
  /** Labs at a time on this engine, when given (`NAME=N`). */
  concurrency?: number;
}

const URL_SCHEMES = ['unix:', 'tcp:', 'http:', 'https:', 'ssh:', 'npipe:'];
const MAX_CONCURRENCY = 16;

/** `NAME` or `NAME=N`; the error names the engine and what was expected. */
export function parseEngineSpec(text: string): EngineSpec {
  const spec = text.trim();
  const m = /^(.*?)=(\d+)$/.exec(spec);
  const target = (m ? m[1] : spec).trim();
  if (!target)
    throw new LabError('invalid-request', `--engine "${text}": expected a Docker context name or an engine URL`);
  if (!m) return { target };
  const n = Number(m[2]);
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENCY)
    throw new LabError(
      'invalid-request',
      `--engine "${text}": labs at a time must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${m[2]}`,
    );
  return { target, concurrency: n };
}

/** Where an `--engine` target is: the URL itself, the `default` engine, or the context of that name. */
export function resolveEngineTarget(target: string): EngineEndpoint {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const scheme = target.slice(0, target.indexOf(':') + 1).toLowerCase();
    if (!URL_SCHEMES.includes(scheme))
      throw new LabError(
        'invalid-request',
        `--engine ${target}: unsupported scheme ${scheme}// (expected ${URL_SCHEMES.map((s) => `${s}//`).join(', ')})`,
      );
    return { host: target, source: `--engine ${target}` };
  }
  // Docker's own "default" context: DOCKER_HOST when set, else the local socket.
  if (target === 'default')
    return process.env.DOCKER_HOST
      ? { host: process.env.DOCKER_HOST, source: 'DOCKER_HOST' }
      : { host: 'unix:///var/run/docker.sock', source: 'default' };
  const ctx = namedContextEndpoint(target);
  if (!ctx)
    throw new LabError(
      'invalid-request',
      `--engine ${target}: no Docker context of that name and not an engine URL`,
      'list contexts with `docker context ls`, or give a URL: unix:///path/docker.sock, tcp://host:2376, ssh://user@host',
    );
  return ctx;
}

/** A client for one `--engine` target (a context's TLS files are used as `docker` uses them). */
export function connectEngine(target: string): EngineConnection {
  const endpoint = resolveEngineTarget(target);
  const opts = dockerOptions(endpoint);
  const tls = endpoint.source.startsWith('context ') ? contextTlsDir(target) : undefined;
  if (tls && existsSync(path.join(tls, 'ca.pem'))) {
    opts.protocol = 'https';
    opts.ca = readFileSync(path.join(tls, 'ca.pem'));
    if (existsSync(path.join(tls, 'cert.pem'))) opts.cert = readFileSync(path.join(tls, 'cert.pem'));
    if (existsSync(path.join(tls, 'key.pem'))) opts.key = readFileSync(path.join(tls, 'key.pem'));
  }
  return { docker: new (loadDockerode())(opts), endpoint };
}

/** The engine answers (else a docker-unavailable error naming it). */
export async function pingEngine(engine: EngineConnection): Promise<void> {
  try {
    await engine.docker.ping();
  } catch (e) {
    throw dockerUnavailable(e, engine.endpoint.host);
  }
}
