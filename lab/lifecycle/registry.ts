import os from 'node:os';

import type Docker from 'dockerode';

import { type Role, ROLES } from '../topology/plan.js';
import { LABEL, type LabMode } from './labels.js';
import { dockerodeCalls, labFilter, removeAll } from './removal.js';
import { OWNER_PATH } from './state-paths.js';

/** A lab as found on the engine, from its labels alone. */
export interface FoundLab {
  name: string;
  mode: LabMode;
  ownerPid: number;
  ownerHost: string;
  created: string;
  datapath: string;
  containers: { id: string; role: Role; state: string; name: string }[];
  networks: { id: string; name: string }[];
  /** All five boxes exist and run. */
  complete: boolean;
  /** The process that made it is gone and the lab cannot be whole: a crashed run's leftovers. */
  orphaned: boolean;
}

function ownerAlive(pid: number, host: string): boolean {
  if (host !== os.hostname()) return true; // another machine's process: not ours to judge
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Every lab on the engine, grouped by name; with `only`, that one lab (Docker filters by its label,
 * and no other lab's owner is looked into).
 */
export async function findLabs(docker: Docker, only?: string): Promise<FoundLab[]> {
  const filters = only === undefined ? { label: [LABEL.lab] } : labFilter(only);
  const [containers, networks] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
  ]);
  const labs = new Map<string, FoundLab>();
  const get = (labels: Record<string, string>): FoundLab => {
    const name = labels[LABEL.lab];
    let lab = labs.get(name);
    if (!lab) {
      lab = {
        name,
        mode: (labels[LABEL.mode] as LabMode) ?? 'attached',
        ownerPid: Number(labels[LABEL.ownerPid] ?? 0),
        ownerHost: labels[LABEL.ownerHost] ?? '',
        created: labels[LABEL.created] ?? '',
        datapath: labels[LABEL.datapath] ?? '',
        containers: [],
        networks: [],
        complete: false,
        orphaned: false,
      };
      labs.set(name, lab);
    }
    return lab;
  };
  for (const c of containers) {
    get(c.Labels).containers.push({
      id: c.Id,
      role: c.Labels[LABEL.role] as Role,
      state: c.State,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
    });
    const lab = get(c.Labels);
    if (c.Labels[LABEL.datapath]) lab.datapath = c.Labels[LABEL.datapath];
  }
  for (const n of networks) get(n.Labels ?? {}).networks.push({ id: n.Id, name: n.Name });
  for (const lab of labs.values()) {
    lab.complete =
      ROLES.every((r) => lab.containers.some((c) => c.role === r && c.state === 'running')) && lab.networks.length > 0;
    let alive = lab.ownerPid > 0 && ownerAlive(lab.ownerPid, lab.ownerHost);
    // Only an attached lab whose owner is gone can have been adopted since; ask its router then.
    if (lab.complete && lab.mode === 'attached' && !alive) {
      await applyAdoption(docker, lab);
      alive = lab.ownerPid > 0 && ownerAlive(lab.ownerPid, lab.ownerHost);
    }
    // An attached lab dies with its owner; a detached one only counts as debris if its `up` never finished.
    lab.orphaned = !alive && (lab.mode === 'attached' || !lab.complete);
  }
  return [...labs.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Labels cannot change, so a lab that another process adopted records its new owner in its
 * router; that record wins over the labels.
 */
async function applyAdoption(docker: Docker, lab: FoundLab): Promise<void> {
  const router = lab.containers.find((c) => c.role === 'router');
  if (!router) return;
  try {
    const { execIn } = await import('../docker/exec.js');
    const r = await execIn(docker, router.id, ['cat', OWNER_PATH]);
    if (r.exitCode !== 0) return;
    const owner = JSON.parse(r.stdout) as { pid: number; host: string; mode: LabMode };
    lab.ownerPid = owner.pid;
    lab.ownerHost = owner.host;
    lab.mode = owner.mode;
  } catch {
    /* no adoption record */
  }
}

/** Removes every container and network of a lab; returns what was removed. */
export function removeLab(docker: Docker, lab: FoundLab): Promise<{ containers: number; networks: number }> {
  return removeAll(
    dockerodeCalls(docker),
    lab.containers.map((c) => c.id),
    lab.networks.map((n) => n.id),
  );
}

/** Removes the labs of crashed runs; returns their names. */
export async function removeOrphans(docker: Docker): Promise<string[]> {
  const orphans = (await findLabs(docker)).filter((l) => l.orphaned);
  for (const lab of orphans) await removeLab(docker, lab);
  return orphans.map((l) => l.name);
}
