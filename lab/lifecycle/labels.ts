import os from 'node:os';

import { LabError } from '../docker/errors.js';
import type { Role } from '../topology/plan.js';

/** Every container and network of a lab carries these labels; they are how a lab is found again. */
export const LABEL = {
  lab: 'ipsec-lab.lab',
  role: 'ipsec-lab.role',
  ownerPid: 'ipsec-lab.owner-pid',
  ownerHost: 'ipsec-lab.owner-host',
  /** detached: the lab outlives the process that made it (the CLI's `up`); attached: it does not. */
  mode: 'ipsec-lab.mode',
  created: 'ipsec-lab.created',
  datapath: 'ipsec-lab.datapath',
} as const;

export type LabMode = 'detached' | 'attached';

export function labLabels(lab: string, mode: LabMode, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [LABEL.lab]: lab,
    [LABEL.ownerPid]: String(process.pid),
    [LABEL.ownerHost]: os.hostname(),
    [LABEL.mode]: mode,
    [LABEL.created]: new Date().toISOString(),
    ...extra,
  };
}

/**
 * The lab a command works on when none is named: IPSEC_LAB_NAME, else "lab". Set but empty is not
 * "unset" (as for `--lab`, whose default this is too): `down` of `IPSEC_LAB_NAME=$UNSET_VAR` must
 * not remove the default lab, it is refused as a bad name.
 */
export const DEFAULT_LAB_NAME = 'lab';
export function defaultLabName(): string {
  return process.env.IPSEC_LAB_NAME ?? DEFAULT_LAB_NAME;
}

export const LAB_NAME_RE = /^[a-z0-9][a-z0-9-]{0,23}$/;

/** Refuses a lab name Docker's object names (and the lab's labels) cannot carry. */
export function checkLabName(name: string): void {
  if (!LAB_NAME_RE.test(name))
    throw new LabError(
      'invalid-settings',
      `lab name "${name}": expected lowercase letters, digits and "-", at most 24 characters`,
    );
}

export const networkName = (lab: string) => `ipsec-lab-${lab}`;
export const containerName = (lab: string, role: Role) => `ipsec-lab-${lab}-${role}`;
