import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';

import { connectDocker } from '../../lab/docker/connection.js';
import { execIn } from '../../lab/docker/exec.js';
import { ensureImage } from '../../lab/image/image.js';
import { waitForWiring } from '../../lab/lifecycle/wiring.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab integration (box wiring)'))("a box's start waits for its links", () => {
  const { docker } = connectDocker();
  const made: Docker.Container[] = [];

  afterAll(async () => {
    await Promise.all(made.map((c) => c.remove({ force: true })));
  });

  async function box(name: string, links: string): Promise<Docker.Container> {
    const c = await docker.createContainer({
      name: testLabName(name),
      Image: await ensureImage(docker, 'trixie'),
      Env: [`LAB_LINKS=${links}`, 'LAB_ROUTES=default:10.1.0.1'],
      HostConfig: { CapDrop: ['ALL'], CapAdd: ['NET_ADMIN'] },
    });
    made.push(c);
    await c.start();
    return c;
  }

  it('resolves once lab-init has made the links, addressed to a peer by its underlay address', async () => {
    const c = await box('wired', 'lan:11:192.0.2.77:10.1.0.10/24:02-1a-b0-0b-00-01');
    await waitForWiring(c, 'host-left');
    const link = await execIn(docker, c.id, ['ip', '-d', '-o', 'link', 'show', 'lan']);
    expect(link.stdout).toContain('02:1a:b0:0b:00:01');
    expect(link.stdout).toMatch(/vxlan id 11 remote 192\.0\.2\.77/);
    const route = await execIn(docker, c.id, ['ip', 'route', 'show', 'default']);
    expect(route.stdout).toContain('via 10.1.0.1 dev lan');
  });

  it('fails naming the box and what lab-init printed when the wiring fails', async () => {
    const c = await box('unwired', 'lan:11:192.0.2.77:not-an-address:02-1a-b0-0b-00-01');
    const error = await waitForWiring(c, 'host-right').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'lab-start-failed' });
    expect((error as Error).message).toMatch(/^host-right did not wire its lab links \(it stopped\): .*not-an-address/);
  });
});
