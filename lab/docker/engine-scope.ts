import { AsyncLocalStorage } from 'node:async_hooks';

import type Docker from 'dockerode';

/** Where a Docker engine is, in Docker's own terms (DOCKER_HOST, a context, a URL given for it). */
export interface EngineEndpoint {
  host: string;
  source: 'DOCKER_HOST' | `context ${string}` | 'default' | `--engine ${string}`;
}

export interface EngineConnection {
  docker: Docker;
  endpoint: EngineEndpoint;
}

const scope = new AsyncLocalStorage<EngineConnection>();

/**
 * Runs `fn` with `engine` as the Docker engine for everything it starts, however deep: a template
 * validated on one engine of several (`validate --engine A --engine B`) makes all its labs there,
 * its second (interop) lab included, without every layer passing the engine down.
 */
export function onEngine<T>(engine: EngineConnection, fn: () => Promise<T>): Promise<T> {
  return scope.run(engine, fn);
}

/** The engine of the work running now, when it runs on one picked for it (see onEngine). */
export function scopedEngine(): EngineConnection | undefined {
  return scope.getStore();
}
