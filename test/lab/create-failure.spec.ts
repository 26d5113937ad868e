/**
 * A lab whose start fails part way leaves nothing behind, and says what failed: here the right
 * gateway's box cannot be created (its image does not exist) while the left gateway and the router
 * are made and started; the LAN hosts, which start after the IKE path, are then never started.
 */
import { describe, expect, it } from 'vitest';

import { connectDocker } from '../../lab/docker/connection.js';
import { ensureImage } from '../../lab/image/image.js';
import { createLab } from '../../lab/lifecycle/create.js';
import { findLabs } from '../../lab/lifecycle/registry.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab integration (failed create)'))('a failed create', () => {
  it('removes every box and network it made, and reports the failure itself', async () => {
    const { docker } = connectDocker();
    const name = testLabName('badcreate');
    const settings = defaultSettings();
    settings.right.gateway.release = 'bookworm';
    const trixie = await ensureImage(docker, 'trixie');
    const started: string[] = [];
    const error = await createLab(docker, settings, {
      name,
      mode: 'detached',
      datapath: 'libipsec',
      images: { trixie, bookworm: 'ipsec-lab-missing:never-built' },
      onStarted: (role) => started.push(role),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/ipsec-lab-missing:never-built/);
    // The left gateway and the router did start before the failure was reported.
    expect(started).toEqual(expect.arrayContaining(['gw-left', 'router']));
    expect(started).not.toContain('host-left');
    expect(await findLabs(docker, name)).toEqual([]);
  }, 60_000);
});
