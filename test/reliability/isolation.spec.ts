import { spawnSync } from 'node:child_process';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LabEngine } from '../../lab/engine/lab-engine.js';
import { FaultService } from '../../lab/faults/fault-service.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { waitFor } from '../faults/harness.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

const PSK = 'correct-horse-battery-staple-42';

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

  it('boxes run unprivileged with only the capabilities they need, limited, on an internal network, no ports', async () => {
    const lab = (await engine.find())!;
    for (const c of lab.containers) {
      const info = await engine.docker.getContainer(c.id).inspect();
      expect(info.HostConfig.Privileged, c.name).toBe(false);
      expect(info.HostConfig.CapAdd?.sort(), c.name).toEqual(['NET_ADMIN', 'NET_RAW']);
      expect(info.HostConfig.Memory, c.name).toBeGreaterThan(0);
      expect(info.HostConfig.PidsLimit, c.name).toBeGreaterThan(0);
      expect(info.HostConfig.PortBindings ?? {}, c.name).toEqual({});
      expect(Object.keys(info.NetworkSettings.Ports ?? {}), c.name).toEqual([]);
      expect(info.HostConfig.NetworkMode, c.name).toBe(lab.networks[0].name);
      // The key is in no label and no environment variable of any box.
      expect(JSON.stringify(info.Config.Labels) + JSON.stringify(info.Config.Env), c.name).not.toContain(PSK);
    }
    const net = await engine.docker.getNetwork(lab.networks[0].id).inspect();
    expect(net.Internal).toBe(true);
  });

  it('nothing in a lab box reaches beyond the lab', async () => {
    const { execIn } = await import('../../lab/docker/exec.js');
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
  }, 60_000);
});
