/**
 * A running lab keeps the Docker network `up` chose for it (its underlay: every box's eth0, see
 * lab/topology/underlay.ts). `up` picks one clear of every subnet the settings use; a live change
 * (new selectors, a peer address) must stay clear of it too, or the boxes would send that traffic
 * into Docker's network instead of through the tunnel. Refused before anything changes, naming the
 * field, the overlap and what to do.
 */
import type Docker from 'dockerode';

import type { FoundLab } from '../lifecycle/registry.js';
import { underlayOverlaps } from '../topology/underlay.js';
import type { LabSettings } from './types.js';
import { SettingsError, type SettingsIssue } from './validate.js';

/** Every field of `next` that overlaps the running lab's underlay subnet, with what to do about it. */
export function liveUnderlayIssues(next: LabSettings, underlay: string): SettingsIssue[] {
  return underlayOverlaps(next, underlay).map((u) => ({
    field: u.field,
    message:
      `${u.cidr} overlaps ${underlay}, the running lab's own Docker network (every box's eth0, chosen at up): ` +
      `traffic to it would leave through Docker's network, not the tunnel. Use a subnet clear of ${underlay}, ` +
      'or stop the lab (down) and start it with these settings (up then picks another network)',
  }));
}

/** Throws invalid-settings when `next` cannot run on a lab whose underlay is `underlay`. */
export function checkLiveUnderlay(next: LabSettings, underlay: string | undefined): void {
  if (!underlay) return;
  const issues = liveUnderlayIssues(next, underlay);
  if (issues.length) throw new SettingsError(issues, 'not applied to the running lab');
}

/** The subnet of a running lab's Docker network, as the engine holds it (undefined when none is set). */
export async function runningUnderlay(docker: Docker, lab: FoundLab | undefined): Promise<string | undefined> {
  for (const n of lab?.networks ?? []) {
    const info = (await docker.getNetwork(n.id).inspect()) as { IPAM?: { Config?: { Subnet?: string }[] } };
    const subnet = info.IPAM?.Config?.find((c) => c.Subnet)?.Subnet;
    if (subnet) return subnet;
  }
  return undefined;
}
