import type Docker from 'dockerode';

import { LABEL } from './labels.js';

/**
 * What finding and removing one lab needs of an engine client: dockerode's (below), or the direct
 * one `down` uses (docker/direct-api.ts, see down.ts). Failures carry Docker's `statusCode`.
 */
export interface RemovalCalls {
  /** Ids of the containers labelled as this lab's, running or not. */
  labContainers(lab: string): Promise<string[]>;
  /** Ids of the networks labelled as this lab's. */
  labNetworks(lab: string): Promise<string[]>;
  /** Removes a container, killing it first (no stop grace), with its anonymous volumes. */
  removeContainer(id: string): Promise<void>;
  /** Resolves while the container exists; rejects with statusCode 404 once it is gone. */
  inspectContainer(id: string): Promise<unknown>;
  removeNetwork(id: string): Promise<void>;
}

const statusOf = (e: unknown) => (e as { statusCode?: number }).statusCode;

/** The filter of one lab's containers and networks (by their label), as Docker's list calls take it. */
export const labFilter = (lab: string) => ({ label: [`${LABEL.lab}=${lab}`] });

export function dockerodeCalls(docker: Docker): RemovalCalls {
  return {
    labContainers: async (lab) =>
      (await docker.listContainers({ all: true, filters: labFilter(lab) })).map((c) => c.Id),
    labNetworks: async (lab) => (await docker.listNetworks({ filters: labFilter(lab) })).map((n) => n.Id),
    removeContainer: (id) => docker.getContainer(id).remove({ force: true, v: true }),
    inspectContainer: (id) => docker.getContainer(id).inspect(),
    removeNetwork: (id) => docker.getNetwork(id).remove(),
  };
}

/**
 * Removes one container. Someone else removing it at the same moment (a second `down`, the app's
 * watcher and the CLI) is not a failure: Docker answers 409 "removal ... already in progress", and
 * the container is gone once that removal ends, which is waited for (the network needs it gone).
 */
async function removeContainer(calls: RemovalCalls, id: string): Promise<void> {
  try {
    await calls.removeContainer(id);
  } catch (e) {
    if (statusOf(e) === 404) return;
    if (statusOf(e) !== 409 || !/already in progress/i.test((e as Error).message ?? '')) throw e;
    for (let i = 0; i < 100; i++) {
      try {
        await calls.inspectContainer(id);
      } catch (gone) {
        if (statusOf(gone) === 404) return;
        throw gone;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw e;
  }
}

/** Removes the containers (all at once), then the networks they were on; returns what was removed. */
export async function removeAll(
  calls: RemovalCalls,
  containers: readonly string[],
  networks: readonly string[],
): Promise<{ containers: number; networks: number }> {
  await Promise.all(containers.map((id) => removeContainer(calls, id)));
  await Promise.all(
    networks.map((id) =>
      calls.removeNetwork(id).catch((e: unknown) => {
        if (statusOf(e) !== 404) throw e;
      }),
    ),
  );
  return { containers: containers.length, networks: networks.length };
}
