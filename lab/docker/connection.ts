import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type Docker from 'dockerode';

import { loadDockerode } from './dockerode.js';
import { type EngineEndpoint, scopedEngine } from './engine-scope.js';

export type { EngineEndpoint } from './engine-scope.js';

function dockerConfigDir(): string {
  return process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

/** The endpoint of the active Docker context, as `docker` itself resolves it. */
function contextEndpoint(): EngineEndpoint | null {
  let name = process.env.DOCKER_CONTEXT;
  if (!name) {
    try {
      name = JSON.parse(readFileSync(path.join(dockerConfigDir(), 'config.json'), 'utf8')).currentContext;
    } catch {
      return null;
    }
  }
  if (!name || name === 'default') return null;
  return namedContextEndpoint(name);
}

/** A Docker context by name (`docker context ls`), or null when there is none of that name. */
export function namedContextEndpoint(name: string): EngineEndpoint | null {
  const id = createHash('sha256').update(name).digest('hex');
  try {
    const meta = JSON.parse(readFileSync(path.join(dockerConfigDir(), 'contexts', 'meta', id, 'meta.json'), 'utf8'));
    const host = meta?.Endpoints?.docker?.Host;
    return typeof host === 'string' && host ? { host, source: `context ${name}` } : null;
  } catch {
    return null;
  }
}

/** Where a context keeps its TLS client files (ca.pem, cert.pem, key.pem), as `docker context` stores them. */
export function contextTlsDir(name: string): string {
  const id = createHash('sha256').update(name).digest('hex');
  return path.join(dockerConfigDir(), 'contexts', 'tls', id, 'docker');
}

export function resolveEndpoint(): EngineEndpoint {
  if (process.env.DOCKER_HOST) return { host: process.env.DOCKER_HOST, source: 'DOCKER_HOST' };
  return contextEndpoint() ?? { host: 'unix:///var/run/docker.sock', source: 'default' };
}

/** dockerode options for an endpoint URL (unix://, tcp://, ssh://, npipe://). */
export function dockerOptions(endpoint: EngineEndpoint): Docker.DockerOptions {
  const url = new URL(endpoint.host.replace(/^npipe:\/\/\/?/, 'npipe://x/'));
  switch (url.protocol) {
    case 'unix:':
      return { socketPath: decodeURIComponent(url.pathname) };
    case 'npipe:':
      return { socketPath: '//./' + decodeURIComponent(url.pathname).replace(/^\/+/, '') };
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const tls = url.protocol === 'https:' || process.env.DOCKER_TLS_VERIFY === '1';
      const certDir = process.env.DOCKER_CERT_PATH;
      const opts: Docker.DockerOptions = {
        host: url.hostname,
        port: Number(url.port) || (tls ? 2376 : 2375),
        protocol: tls ? 'https' : 'http',
      };
      if (tls && certDir) {
        opts.ca = readFileSync(path.join(certDir, 'ca.pem'));
        opts.cert = readFileSync(path.join(certDir, 'cert.pem'));
        opts.key = readFileSync(path.join(certDir, 'key.pem'));
      }
      return opts;
    }
    case 'ssh:':
      return {
        protocol: 'ssh',
        host: url.hostname,
        port: Number(url.port) || 22,
        username: url.username || os.userInfo().username,
        sshOptions: { agent: process.env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions;
    default:
      throw new Error(`unsupported Docker endpoint ${endpoint.host} (from ${endpoint.source})`);
  }
}

/** True when the engine runs on this machine (so its kernel is ours and local tools can feed it). */
export function isLocalEngine(endpoint: EngineEndpoint): boolean {
  return endpoint.host.startsWith('unix://') && process.platform === 'linux';
}

let shared: { docker: Docker; endpoint: EngineEndpoint } | undefined;

/** One Docker client per process, following DOCKER_HOST and the active context (or the engine in scope). */
export function connectDocker(): { docker: Docker; endpoint: EngineEndpoint } {
  // Work running for one engine of several (validate --engine) reaches that engine (engine-scope.ts).
  const scoped = scopedEngine();
  if (scoped) return scoped;
  if (!shared) {
    const endpoint = resolveEndpoint();
    shared = { docker: new (loadDockerode())(dockerOptions(endpoint)), endpoint };
  }
  return shared;
}
