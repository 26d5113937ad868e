/**
 * A few Docker API calls straight over the engine's socket with node:http, for commands whose whole
 * job is a handful of calls (`down`): loading dockerode (with docker-modem and its streams) takes
 * longer than those calls. Local sockets, named pipes and tcp:// (with its TLS files) only; an
 * ssh:// engine needs dockerode's tunnel, so there is no direct client for it.
 */
import http from 'node:http';
import https from 'node:https';

import { dockerOptions, type EngineEndpoint } from './connection.js';
import { dockerUnavailable } from './errors.js';

/** An answer of the engine outside 2xx, shaped like dockerode's errors (`statusCode`, Docker's message). */
export class DockerApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(`(HTTP code ${statusCode}) ${message}`);
    this.name = 'DockerApiError';
  }
}

export interface DirectDockerApi {
  /** A JSON answer of a GET; rejects with DockerApiError outside 2xx. */
  get<T>(path: string): Promise<T>;
  /** A DELETE; rejects with DockerApiError outside 2xx. */
  delete(path: string): Promise<void>;
  /** Ends the kept-alive connections (the process can exit at once). */
  close(): void;
}

/** The direct client for an endpoint, or undefined where only dockerode can reach it (ssh://). */
export function directDockerApi(endpoint: EngineEndpoint): DirectDockerApi | undefined {
  const opts = dockerOptions(endpoint) as {
    socketPath?: string;
    host?: string;
    port?: number;
    protocol?: string;
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
  };
  const secure = opts.protocol === 'https';
  if (!opts.socketPath && opts.protocol !== 'http' && !secure) return undefined;
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  // servername '' on a socket: otherwise the agent asks net.isIP whether "localhost" is an address,
  // and compiling its IPv6 pattern is ~15 ms of a `down` (there is no TLS to name a server for).
  const target = opts.socketPath
    ? { socketPath: opts.socketPath, servername: '' }
    : { host: opts.host, port: opts.port, ca: opts.ca, cert: opts.cert, key: opts.key };

  const call = (method: string, path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = (secure ? https : http).request({ ...target, agent, method, path }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      // No answer at all is the engine being unavailable, as dockerode's ping reports it.
      req.on('error', (e) => reject(dockerUnavailable(e, endpoint.host)));
      req.end();
    });
  const checked = async (method: string, path: string) => {
    const r = await call(method, path);
    if (r.status >= 200 && r.status < 300) return r.body;
    let message = r.body.trim();
    try {
      message = (JSON.parse(r.body) as { message?: string }).message ?? message;
    } catch {
      /* a plain-text answer is the message as it is */
    }
    throw new DockerApiError(r.status, message);
  };
  return {
    get: async <T>(path: string) => JSON.parse(await checked('GET', path)) as T,
    delete: async (path: string) => {
      await checked('DELETE', path);
    },
    close: () => agent.destroy(),
  };
}
