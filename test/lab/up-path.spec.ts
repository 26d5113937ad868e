/**
 * What `up` no longer does after the boxes run, and what must still hold: the settings and both
 * charons' configs are in the boxes before they start (nothing is written into a running box), a
 * gateway that restarts still reloads its config by itself (the start-scripts mark the first
 * start).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ignoreRejection } from '../../lab/common/ignore.js';
import { execIn } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab integration (up path)'))('up: everything before start, nothing after', () => {
  const engine = LabEngine.connect(testLabName('uppath'));
  const settings = defaultSettings();

  beforeAll(async () => {
    const r = await engine.up(settings, { timeoutMs: 30_000 });
    expect(r.reason).toBeUndefined();
    expect(r.status.up).toBe(true);
  });

  afterAll(async () => {
    await engine.down().catch(ignoreRejection('the lab may be gone already'));
  });

  it('writes no file into a running box: every file the lab needs predates its box start', async () => {
    for (const [role, file] of [
      ['router', '/run/ipsec-lab/settings.json'],
      ['gw-left', '/etc/swanctl/swanctl.conf'],
      ['gw-right', '/etc/strongswan.conf'],
    ] as const) {
      const info = await engine.docker.getContainer(engine.container(role)).inspect();
      const started = Date.parse(info.State.StartedAt);
      const r = await execIn(engine.docker, engine.container(role), ['stat', '-c', '%.3Y', file]);
      expect(r.exitCode, r.stderr).toBe(0);
      const modified = Number(r.stdout.trim()) * 1000;
      // Written by the engine before `start` (tar mtimes are the write time, to the second).
      expect(modified, `${role}:${file}`).toBeLessThanOrEqual(started + 1);
    }
    expect(await engine.settings()).toEqual(settings);
  });

  it('marks the first charon start by itself (no write after loading), so a restart reloads the config', async () => {
    const marker = await execIn(engine.docker, engine.container('gw-right'), [
      'test',
      '-f',
      '/etc/swanctl/lab-autoload',
    ]);
    expect(marker.exitCode).toBe(0);
    const logs = (
      await engine.docker.getContainer(engine.container('gw-right')).logs({ stdout: true, stderr: true })
    ).toString('utf8');
    expect(logs).toMatch(/executing start script 'autoload'[\s\S]*executing start script 'arm'/);
    // The first start loaded nothing by itself: the key was loaded once, by the engine over VICI.
    // (Not necessarily after the 'arm' line: charon answers VICI while its start scripts still run,
    // and a busy machine may take a while to spawn them: seen failing as `expected 3105 > 3219`.)
    expect(logs.split('loaded IKE shared key').length - 1).toBe(1);

    const box = engine.docker.getContainer(engine.container('gw-right'));
    await box.kill();
    await box.wait().catch(ignoreRejection('a killed box may be gone before wait answers'));
    await box.start();
    engine.forgetViciOf('right');
    // gw-left starts afresh (instead of waiting for its DPD); gw-right answers on the config it reloaded by itself.
    await engine.renegotiate();
    const back = await engine.waitForTunnel(30_000);
    expect(back.tunnel.right).toEqual({ ike: 'ESTABLISHED', child: 'INSTALLED' });
    const conns = await (await engine.viciOf('right')).listConns();
    expect(conns.some((c) => 'lab' in c)).toBe(true);
    const after = (await box.logs({ stdout: true, stderr: true, since: 0 })).toString('utf8');
    expect(after.split("executing start script 'autoload'").length - 1).toBe(2);
  });
});
