import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LabService } from '../../lab/api/service.js';
import { LabEngine } from '../../lab/engine/lab-engine.js';
import { networkName } from '../../lab/lifecycle/labels.js';
import { defaultSettings } from '../../lab/settings/defaults.js';
import type { LabSettings } from '../../lab/settings/types.js';
import { skipWithoutDocker } from '../support/docker-available.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** A customer's addressing: LANs inside Docker's own pools. */
function customerSettings(): LabSettings {
  const s = defaultSettings();
  s.left.lan = '192.168.10.0/24';
  s.right.lan = '172.20.5.0/24';
  return s;
}

/**
 * A running lab on the customer's subnets: a live change of its selectors is checked against the
 * lab's own Docker network as `up` checks the settings (refused with the field and the overlap,
 * nothing changed), and `ipsec-lab faults --here` writes its texts in that lab's subnets and says so.
 */
describe.skipIf(skipWithoutDocker('a running lab on its own subnets'))('a running lab on its own subnets', () => {
  const name = `hc-subnets-${process.pid.toString(36)}`;
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'hc-subnets-'));
  const engine = LabEngine.connect(name);
  const svc = new LabService(engine, { pollMs: 500, configDir });
  let underlay = '';

  beforeAll(async () => {
    expect((await engine.up(customerSettings(), { timeoutMs: 30_000 })).status.up).toBe(true);
    const [net] = await engine.docker.listNetworks({ filters: { name: [networkName(name)] } });
    underlay = ((await engine.docker.getNetwork(net.Id).inspect()) as { IPAM: { Config: { Subnet: string }[] } }).IPAM
      .Config[0].Subnet;
    expect(underlay).toMatch(/^\d+\.\d+\.\d+\.0\/24$/);
  }, 120_000);
  afterAll(async () => {
    await svc.dispose();
    await engine.down();
    rmSync(configDir, { recursive: true, force: true });
  }, 60_000);

  const ikeSaIds = async () => {
    const s = await engine.status();
    return [s.sas.left?.ikeSas.map((i) => i.uniqueId), s.sas.right?.ikeSas.map((i) => i.uniqueId)];
  };

  it('refuses a selector that overlaps the lab network, naming the field and the overlap; nothing changes', async () => {
    const good = customerSettings();
    const saved = await svc.keeper.save(name, good);
    const savedText = readFileSync(saved.file, 'utf8');
    const before = await ikeSaIds();
    const [a, b] = underlay.split('.');
    const wide = `${a}.${b}.0.0/16`;
    const bad = customerSettings();
    bad.left.gateway.remoteTs = ['172.20.5.0/24', wide];
    const r = await svc.call('applySettings', [bad]);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid-settings');
    expect(r.error.message).toContain(`left.gateway.remoteTs[1]: ${wide} overlaps ${underlay}`);
    expect(r.error.message).toMatch(/own Docker network/);
    expect(r.error.message).toMatch(/stop the lab \(down\) and start it with these settings/);
    expect(r.error.issues?.map((i) => i.field)).toEqual(['left.gateway.remoteTs[1]']);
    // The engine itself refuses it, for every caller (faults and validate apply settings too).
    await expect(engine.applySettings(bad)).rejects.toMatchObject({
      code: 'invalid-settings',
      message: expect.stringContaining(`${wide} overlaps ${underlay}`),
    });
    // Nothing changed: the lab's settings, its SAs (no re-negotiation) and the saved settings.
    expect(await engine.settings()).toEqual(good);
    expect(await ikeSaIds()).toEqual(before);
    expect(readFileSync(saved.file, 'utf8')).toBe(savedText);
  });

  it('applies a selector change clear of the lab network', async () => {
    const next = customerSettings();
    next.left.gateway.remoteTs = ['172.20.5.0/25'];
    next.right.gateway.localTs = ['172.20.5.0/25'];
    const r = await svc.call('applySettings', [next]);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect((await engine.settings()).left.gateway.remoteTs).toEqual(['172.20.5.0/25']);
    await engine.waitForTunnel(30_000);
  }, 60_000);

  it('`faults --here` writes its texts in the running lab subnets and says which; `faults` needs no engine and says whose subnets it uses', async () => {
    const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
      run(process.execPath, [path.join(ROOT, 'bin/ipsec-lab.js'), 'faults', '--lab', name, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
    const text = (await cli(['--here'])).stdout;
    expect(text).toContain(
      `Addresses: lab "${name}" as it runs: LANs 192.168.10.0/24 (left) and 172.20.5.0/24 (right), WANs 198.51.100.0/24 and 203.0.113.0/24.`,
    );
    // overlapping-subnets names the left LAN and the /8 that holds it: the lab's, not the default lab's.
    expect(text).toMatch(/remote selector becomes 192\.0\.0\.0\/8 \(which holds its own LAN 192\.168\.10\.0\/24\)/);
    expect(text).not.toMatch(/10\.1\.0\.0\/24/);

    const json = JSON.parse((await cli(['--here', '--json'])).stdout) as {
      addressing: { lab: string; running: boolean; lans: { left: string; right: string } };
      faults: { fault: { id: string; change: string; symptoms: string[] } }[];
    };
    expect(json.addressing).toMatchObject({ lab: name, running: true, lans: { left: '192.168.10.0/24' } });
    const overlap = json.faults.find((f) => f.fault.id === 'overlapping-subnets')!;
    expect(overlap.fault.change).toContain('192.168.10.0/24');
    expect(JSON.stringify(json.faults)).not.toMatch(/10\.[12]\.0\.(0\/24|10)\b/);

    // Without --here no engine is asked (none reachable here): the default lab's subnets, saying so.
    const offline = (await cli([], { DOCKER_HOST: 'unix:///nonexistent/docker.sock' })).stdout;
    expect(offline).toMatch(/^Addresses: the default lab's: LANs 10\.1\.0\.0\/24 \(left\).*faults --here/m);
    expect(offline).toMatch(/psk-mismatch\s+phase1/);
  }, 60_000);
});
