import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { execIn } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import { LABEL } from '../../lab/lifecycle/labels.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { type Role, ROLE_CAPABILITIES, ROLES } from '../../lab/topology/plan.js';
import { waitFor } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const PSK = 'correct-horse-battery-staple-42';

/** Linux capability numbers (include/uapi/linux/capability.h) of the ones a role may keep. */
const CAP_NUMBER: Record<string, number> = { NET_BIND_SERVICE: 10, NET_ADMIN: 12, NET_RAW: 13 };
const capMask = (caps: readonly string[]) =>
  caps.reduce((m, c) => {
    if (!Object.hasOwn(CAP_NUMBER, c)) throw new Error(`no capability number for ${c}: add it to CAP_NUMBER`);
    return m | (1n << BigInt(CAP_NUMBER[c]));
  }, 0n);

describe.skipIf(skipWithoutDocker('security (isolation and secrets)'))('isolation and secrets', () => {
  const engine = LabEngine.connect(testLabName('sec'));
  const logText: string[] = [];

  beforeAll(async () => {
    const s = defaultSettings();
    s.left.gateway.psk = PSK;
    s.right.gateway.psk = PSK;
    expect((await engine.up(s, { timeoutMs: 30_000 })).status.up).toBe(true);
    engine.onLog((r) => logText.push(r.raw));
    await engine.watch({ intervalMs: 500 });
  });
  afterAll(async () => {
    await engine.down();
  });

  it('boxes run unprivileged with only the capabilities their role needs, limited, on an internal network, no ports', async () => {
    const lab = (await engine.find())!;
    const capName = (c: string) => c.toUpperCase().replace(/^CAP_/, '');
    expect(lab.containers.map((c) => c.role).sort()).toEqual([...ROLES].sort());
    for (const c of lab.containers) {
      const role = c.role as Role;
      const info = await engine.docker.getContainer(c.id).inspect();
      const host = info.HostConfig;
      expect(host.Privileged, c.name).toBe(false);
      // Docker's default set (CHOWN, DAC_OVERRIDE, SETUID, KILL, MKNOD...) is dropped as a whole.
      expect(host.CapDrop?.map(capName), c.name).toEqual(['ALL']);
      expect(host.CapAdd?.map(capName).sort(), c.name).toEqual([...ROLE_CAPABILITIES[role]].sort());
      expect(ROLE_CAPABILITIES[role], c.name).not.toContain('SYS_ADMIN');
      expect(host.SecurityOpt, c.name).toContain('no-new-privileges');
      expect(host.Memory, c.name).toBeGreaterThan(0);
      // No swap beyond the memory limit.
      expect(host.MemorySwap, c.name).toBe(host.Memory);
      expect(host.CpuShares, c.name).toBeGreaterThan(0);
      expect(host.CpuShares, c.name).toBeLessThan(1024);
      expect(host.NanoCpus, c.name).toBeGreaterThan(0);
      expect(host.PidsLimit, c.name).toBeGreaterThan(0);
      for (const d of host.Devices ?? []) {
        expect(d.PathOnHost, c.name).toBe('/dev/net/tun');
        // Read and write the TUN node; never mknod.
        expect(d.CgroupPermissions, c.name).toBe('rw');
      }
      if (role.startsWith('gw-') && info.Config.Labels?.[LABEL.datapath] === 'libipsec')
        expect(host.Devices?.length, c.name).toBe(1);
      expect(host.PortBindings ?? {}, c.name).toEqual({});
      expect(Object.keys(info.NetworkSettings.Ports ?? {}), c.name).toEqual([]);
      expect(host.NetworkMode, c.name).toBe(lab.networks[0].name);
      // The key is in no label and no environment variable of any box.
      expect(JSON.stringify(info.Config.Labels) + JSON.stringify(info.Config.Env), c.name).not.toContain(PSK);

      // What the kernel says of the box's main process, not only what Docker was asked.
      const status = await execIn(engine.docker, c.name, ['cat', '/proc/1/status']);
      const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status.stdout)?.[1];
      expect(BigInt(`0x${field('CapBnd')}`), c.name).toBe(capMask(ROLE_CAPABILITIES[role]));
      expect(BigInt(`0x${field('CapEff')}`) & ~capMask(ROLE_CAPABILITIES[role]), c.name).toBe(0n);
      expect(field('NoNewPrivs'), c.name).toBe('1');
    }
    const net = await engine.docker.getNetwork(lab.networks[0].id).inspect();
    expect(net.Internal).toBe(true);
  });

  it('charon runs with the reduced capabilities: nothing it asks for is refused', async () => {
    for (const role of ['gw-left', 'gw-right'] as const) {
      // The whole output since the box started: charon's startup is where a missing capability shows.
      const out = String(await engine.docker.getContainer(engine.container(role)).logs({ stdout: true, stderr: true }));
      expect(out, role).toMatch(/dropped capabilities, running as uid 0/);
      expect(
        out
          .split('\n')
          .filter((l) =>
            /requires CAP_|unable to (keep|set) capabilit|capability dropping failed|permission denied|not permitted/i.test(
              l,
            ),
          ),
        role,
      ).toEqual([]);
    }
  });

  it('a box cannot do what its dropped capabilities guarded', async () => {
    // CAP_MKNOD is gone (and the TUN node's cgroup rule has no m): no device nodes.
    const mknod = await execIn(engine.docker, engine.container('gw-left'), ['mknod', '/tmp/tun2', 'c', '10', '200']);
    expect(mknod.exitCode).not.toBe(0);
    // CAP_CHOWN and CAP_DAC_OVERRIDE are gone: root cannot give a file away, nor read one it may not.
    const chown = await execIn(engine.docker, engine.container('router'), [
      'sh',
      '-c',
      'touch /tmp/x && chown 65534 /tmp/x',
    ]);
    expect(chown.exitCode).not.toBe(0);
    // CAP_SETUID is gone: no changing to another user.
    const setpriv = await execIn(engine.docker, engine.container('host-left'), ['setpriv', '--reuid=65534', 'true']);
    expect(setpriv.exitCode).not.toBe(0);
  });

  it('nothing in a lab box reaches beyond the lab', async () => {
    const r = await execIn(engine.docker, engine.container('gw-left'), ['ping', '-c', '1', '-W', '1', '192.0.2.1']);
    expect(r.exitCode).not.toBe(0);
    const routes = await execIn(engine.docker, engine.container('router'), ['ip', 'route']);
    expect(routes.stdout).not.toMatch(/^default/m);
  });

  it('the pre-shared key never appears in charon logs, status, the settings comparison or exports', async () => {
    const faults = new FaultService(engine);
    await faults.apply(['psk-mismatch']);
    await waitFor(() => logText.some((l) => /MAC mismatched/.test(l)), 15_000, 'the PSK failure in the logs');
    await faults.revert();
    expect(logText.join('\n')).not.toContain(PSK);
    expect(JSON.stringify(await engine.status())).not.toContain(PSK);
    const { compareGateways } = await import('../../lab/settings/compare.js');
    expect(JSON.stringify(compareGateways(await engine.settings()))).not.toContain(PSK);
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/ipsec-lab.js', '--lab', engine.name, ...args], { encoding: 'utf8' });
    for (const args of [
      ['status', '--json'],
      ['export', '--side', 'left'],
      ['export', '--format', 'asa', '--side', 'right'],
      ['compare', '--json'],
      ['logs'],
    ]) {
      const r = cli(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout + r.stderr, args.join(' ')).not.toContain(PSK);
    }
    expect(cli('export', '--side', 'left', '--reveal-secrets').stdout).toContain(PSK);
  }, 120_000);
});
