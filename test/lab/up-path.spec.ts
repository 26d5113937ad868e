/**
 * How `up` gets the lab's files into the boxes without archive copies, and what must still hold:
 * each charon's strongswan.conf comes in the create call (no key in any box's environment), its
 * swanctl.conf with the key is written by the engine's first VICI session before the key is loaded,
 * the settings are written into the running router by an exec (root only), and a gateway that
 * restarts still reloads its config by itself (the start-scripts mark the first start).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ignoreRejection } from '../../lab/common/ignore.js';
import { execIn } from '../../lab/docker/exec.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { connectVici } from '../../lab/gateway/vici-link.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { Role } from '../../lab/topology/plan.js';
import { skipWithoutDocker } from '../support/docker-available.js';
import { testLabName } from '../support/lab-names.js';

describe.skipIf(skipWithoutDocker('lab integration (up path)'))('up: files in without archive copies', () => {
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

  const mtimeMs = async (role: Role, file: string) => {
    const r = await execIn(engine.docker, engine.container(role), ['stat', '-c', '%.3Y %a', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [seconds, mode] = r.stdout.trim().split(' ');
    return { ms: Number(seconds) * 1000, mode };
  };

  it('puts the settings into the running router, root only, whole', async () => {
    const info = await engine.docker.getContainer(engine.container('router')).inspect();
    // Written by an exec once the router runs (a copy before start would cost the engine more).
    const { ms, mode } = await mtimeMs('router', '/run/ipsec-lab/settings.json');
    expect(ms).toBeGreaterThanOrEqual(Date.parse(info.State.StartedAt) - 1);
    expect(mode).toBe('600');
    expect(await engine.settings()).toEqual(settings);
    // Swapped in whole: the file it was written to first is gone.
    const dir = await execIn(engine.docker, engine.container('router'), ['ls', '-a', '/run/ipsec-lab']);
    expect(dir.stdout.split('\n')).not.toContain('settings.json.new');
  });

  it("brings each charon's strongswan.conf in the create call, and no key in any box's environment", async () => {
    for (const side of ['left', 'right'] as const) {
      const role = side === 'left' ? 'gw-left' : 'gw-right';
      const env = (await engine.docker.getContainer(engine.container(role)).inspect()).Config.Env;
      const given = env.find((e) => e.startsWith('LAB_STRONGSWAN_CONF='))?.slice('LAB_STRONGSWAN_CONF='.length);
      expect(given, role).toMatch(/charon-systemd \{/);
      const r = await execIn(engine.docker, engine.container(role), ['cat', '/etc/strongswan.conf']);
      expect(r.stdout.trim()).toBe(given!.trim());
    }
    for (const role of ['host-left', 'gw-left', 'router', 'gw-right', 'host-right'] as const) {
      const info = await engine.docker.getContainer(engine.container(role)).inspect();
      expect(JSON.stringify(info.Config), role).not.toContain(settings.left.gateway.psk);
      expect(JSON.stringify(info.Config), role).not.toContain(settings.right.gateway.psk);
    }
  });

  it("writes each charon's swanctl.conf (root only) with its first VICI session, before the key is loaded", async () => {
    for (const side of ['left', 'right'] as const) {
      const role = side === 'left' ? 'gw-left' : 'gw-right';
      const { ms, mode } = await mtimeMs(role, '/etc/swanctl/swanctl.conf');
      expect(mode, role).toBe('600');
      const conf = await execIn(engine.docker, engine.container(role), ['cat', '/etc/swanctl/swanctl.conf']);
      expect(conf.stdout).toContain(settings[side].gateway.psk);
      // Docker's timestamp of charon's "loaded IKE shared key" line: a copy after the negotiation
      // (the fall-back when that session failed) would come later.
      const logs = (
        await engine.docker.getContainer(engine.container(role)).logs({ stdout: true, stderr: true, timestamps: true })
      ).toString('utf8');
      const loaded = /(\d{4}-\d\d-\d\dT[\d:.]+Z) [^\n]*loaded IKE shared key/.exec(logs);
      expect(loaded, role).not.toBeNull();
      expect(ms, role).toBeLessThanOrEqual(Date.parse(loaded![1]) + 1);
    }
  });

  it('writes files with a VICI session byte for byte (nothing in them is run), or says why it could not', async () => {
    const gw = engine.container('gw-left');
    // A key may hold anything a shell would act on.
    const content = 'secret = "a$(touch /tmp/ran)`touch /tmp/ran` \\"q\\" $HOME %s\n\tend\n';
    const client = await connectVici(engine.docker, gw, [{ path: '/tmp/written.conf', content }]);
    try {
      expect(typeof (await client.version()).version).toBe('string');
    } finally {
      await client.close();
    }
    const r = await execIn(engine.docker, gw, ['sh', '-c', 'cat /tmp/written.conf; stat -c %a /tmp/written.conf']);
    expect(r.stdout).toBe(`${content}600\n`);
    expect((await execIn(engine.docker, gw, ['test', '-e', '/tmp/ran'])).exitCode).not.toBe(0);
    await expect(connectVici(engine.docker, gw, [{ path: '/no/such/dir/f.conf', content }])).rejects.toThrow(
      /could not write \/no\/such\/dir\/f\.conf in ipsec-lab-\S+-gw-left: .*(nonexistent|No such file|cannot create)/i,
    );
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

  it('restarts the gateways on the strongswan.conf of changed timers, not on the one their box was created with', async () => {
    const conf = async () =>
      (await execIn(engine.docker, engine.container('gw-left'), ['cat', '/etc/strongswan.conf'])).stdout;
    expect(await conf()).toMatch(/retransmit_timeout = 1\.0/);
    const r = await engine.applySettings({ ...settings, realisticTimers: true });
    expect(r.changed).toEqual(['left', 'right']);
    // lab-init runs again at the restart: it must leave the engine's new file alone.
    expect(await conf()).not.toMatch(/retransmit_timeout/);
    await engine.renegotiate();
    const back = await engine.waitForTunnel(30_000);
    expect(back.up).toBe(true);
    expect(await conf()).not.toMatch(/retransmit_timeout/);
  });
});
