/**
 * `down` of one lab by name, with as little as possible before the removals: the lab's containers
 * and networks found by their label (both lists at once), every container killed and removed at
 * once (no stop grace), then the networks. Over the engine's socket directly where it can
 * (docker/direct-api.ts), so the command never loads dockerode; an ssh:// engine through dockerode.
 */
import { connectDocker, resolveEndpoint } from '../docker/connection.js';
import { type DirectDockerApi, directDockerApi } from '../docker/direct-api.js';
import { scopedEngine } from '../docker/engine-scope.js';
import { dockerUnavailable } from '../docker/errors.js';
import { checkLabName } from './labels.js';
import { dockerodeCalls, labFilter, type RemovalCalls, removeAll } from './removal.js';

function directCalls(api: DirectDockerApi): RemovalCalls {
  const filters = (lab: string) => encodeURIComponent(JSON.stringify(labFilter(lab)));
  return {
    labContainers: async (lab) =>
      (await api.get<{ Id: string }[]>(`/containers/json?all=1&filters=${filters(lab)}`)).map((c) => c.Id),
    labNetworks: async (lab) => (await api.get<{ Id: string }[]>(`/networks?filters=${filters(lab)}`)).map((n) => n.Id),
    removeContainer: (id) => api.delete(`/containers/${encodeURIComponent(id)}?force=1&v=1`),
    inspectContainer: (id) => api.get(`/containers/${encodeURIComponent(id)}/json`),
    removeNetwork: (id) => api.delete(`/networks/${encodeURIComponent(id)}`),
  };
}

async function viaDockerode(): Promise<RemovalCalls> {
  const { docker, endpoint } = connectDocker();
  try {
    await docker.ping();
  } catch (e) {
    throw dockerUnavailable(e, endpoint.host);
  }
  return dockerodeCalls(docker);
}

/** Removes lab `name` (every container and network labelled as its own); zero counts when there is none. */
export async function downLab(name: string): Promise<{ containers: number; networks: number }> {
  checkLabName(name);
  const api = scopedEngine() ? undefined : directDockerApi(resolveEndpoint());
  const calls = api ? directCalls(api) : await viaDockerode();
  try {
    const [containers, networks] = await Promise.all([calls.labContainers(name), calls.labNetworks(name)]);
    return await removeAll(calls, containers, networks);
  } finally {
    api?.close();
  }
}
