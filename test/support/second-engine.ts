/**
 * A second Docker engine on this machine, started by a test and stopped by it: its own socket, data
 * root, exec root, pidfile and containerd, no default bridge and no iptables rules (the first
 * engine owns the host's Docker chains), so it disturbs nothing the first engine runs. It runs
 * under its own program name, so tools that look for "dockerd" (pidof) still find only the first.
 *
 * Two engines on one host share what two fleet hosts never do, and the test sorts that out:
 * - addresses: each engine's labs pick the first free /24 among its own networks, so both would
 *   pick the same underlay, and the host's connection tracking (bridged traffic passes netfilter)
 *   would mix two labs' identical VXLAN flows. The second engine holds 198.18.0.0/15 with an empty
 *   network, so its labs take 100.64.0.0/10 and the first engine's keep 198.19.x;
 * - the FORWARD chain: the first engine drops bridged traffic of bridges it does not know, so one
 *   rule in DOCKER-USER (the chain Docker leaves to users) passes the second engine's underlay.
 */
import { type ChildProcess, execSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

import type Docker from 'dockerode';

import { ignoreRejection } from '../../lab/common/ignore.js';
import { loadDockerode } from '../../lab/docker/dockerode.js';

export interface SecondEngine {
  url: string;
  docker: Docker;
  log: string;
  stop(): Promise<void>;
}

/** Where the second engine's labs live (see above), and the rule that lets their bridged traffic pass. */
const HELD = '198.18.0.0/15';
const SECOND_UNDERLAY = '100.64.0.0/10';
const PASS_RULE = ['DOCKER-USER', '-s', SECOND_UNDERLAY, '-d', SECOND_UNDERLAY, '-j', 'ACCEPT'];

/** Why a second engine cannot be started here (null when it can). */
export function secondEngineUnavailable(): string | null {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root to start a dockerd';
  try {
    execSync('command -v dockerd', { stdio: 'ignore', shell: '/bin/sh' });
  } catch {
    return 'no dockerd binary';
  }
  try {
    execSync('iptables -S DOCKER-USER', { stdio: 'ignore' });
  } catch {
    return "no iptables DOCKER-USER chain (the first engine's firewall) to pass the second engine's lab traffic";
  }
  return null;
}

async function until(what: string, ms: number, ok: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await ok().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`second engine: ${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function startSecondEngine(): Promise<SecondEngine> {
  // Short: unix socket paths under it must stay within 108 bytes.
  const dir = mkdtempSync('/tmp/ipl-e2-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const program = path.join(bin, 'dockerd-lab2');
  symlinkSync(execSync('command -v dockerd', { encoding: 'utf8', shell: '/bin/sh' }).trim(), program);
  // Its own (empty) daemon.json: the machine's /etc/docker/daemon.json may name hosts or a bridge.
  writeFileSync(path.join(dir, 'daemon.json'), '{}\n');
  const log = path.join(dir, 'dockerd.log');
  const socket = path.join(dir, 'docker.sock');
  const out = openSync(log, 'a');
  const proc: ChildProcess = spawn(
    program,
    [
      '--config-file',
      path.join(dir, 'daemon.json'),
      '--host',
      `unix://${socket}`,
      '--data-root',
      path.join(dir, 'data'),
      '--exec-root',
      path.join(dir, 'exec'),
      '--pidfile',
      path.join(dir, 'docker.pid'),
      '--bridge',
      'none',
      '--iptables=false',
      '--ip-masq=false',
      '--userland-proxy=false',
    ],
    { stdio: ['ignore', out, out] },
  );
  let exited = false;
  proc.on('exit', () => (exited = true));
  const url = `unix://${socket}`;
  const docker = new (loadDockerode())({ socketPath: socket });
  let ruled = false;
  const stop = async () => {
    if (ruled) execSync(`iptables -D ${PASS_RULE.join(' ')}`);
    ruled = false;
    // A stopping dockerd leaves its bridges on the host: remove its networks first, then any bridge left.
    let bridges: string[] = [];
    if (!exited) {
      const nets = await docker.listNetworks().catch(() => []);
      bridges = nets.filter((n) => n.Driver === 'bridge').map((n) => `br-${n.Id.slice(0, 12)}`);
      for (const n of nets.filter((x) => x.Driver === 'bridge'))
        await docker
          .getNetwork(n.Id)
          .remove()
          .catch(ignoreRejection('a lab network still in use is removed with its engine'));
    }
    if (!exited) {
      proc.kill('SIGTERM');
      await until('to stop', 30_000, async () => exited);
    }
    // Anything it left mounted (a shutdown cut short) would keep the data root busy.
    try {
      execSync(`grep -o ' ${dir}[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount -l`, { shell: '/bin/sh' });
    } catch {
      /* nothing mounted */
    }
    for (const b of bridges) if (existsSync(`/sys/class/net/${b}`)) execSync(`ip link del ${b}`);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until('answering on its socket', 60_000, async () => {
      if (exited) throw new Error(`dockerd exited: ${readFileSync(log, 'utf8').slice(-2000)}`);
      return existsSync(socket) && (await docker.ping()).toString() === 'OK';
    });
    await docker.createNetwork({
      Name: 'ipl-e2-hold',
      Driver: 'bridge',
      Internal: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: HELD }] },
    });
    execSync(`iptables -I ${PASS_RULE.join(' ')}`);
    ruled = true;
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, docker, log, stop };
}

/** Copies an image from one engine to the other (docker save | docker load, through the API). */
export async function copyImage(from: Docker, to: Docker, tag: string): Promise<void> {
  const tarball = await from.getImage(tag).get();
  const progress = await to.loadImage(tarball as unknown as NodeJS.ReadableStream, { quiet: true });
  await new Promise<void>((resolve, reject) =>
    to.modem.followProgress(progress, (err: Error | null) => (err ? reject(err) : resolve())),
  );
  await to.getImage(tag).inspect();
}
