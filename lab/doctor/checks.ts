import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { connectDocker } from '../docker/connection.js';
import { imageTag } from '../image/image.js';
import { probeKernel } from '../probe/kernel-features.js';
import type { Release } from '../settings/types.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One doctor finding: what was checked, what was found, and the exact fix when it is not ok. */
export interface Check {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

/** Can this process open an Electron window? Says why not, so `start` can fall back plainly. */
export function electronRuntime(): { ok: boolean; detail: string; binary?: string; fix?: string } {
  const require = createRequire(import.meta.url);
  let binary: string;
  try {
    binary = require('electron') as unknown as string;
  } catch {
    return {
      ok: false,
      detail: 'the electron package is not installed (its binary download failed or was skipped)',
      fix: "npm install electron (needs access to Electron's download server)",
    };
  }
  if (typeof binary !== 'string' || !existsSync(binary))
    return { ok: false, detail: 'the Electron binary is missing', fix: 'node node_modules/electron/install.js' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return {
      ok: false,
      binary,
      detail: 'no display (DISPLAY/WAYLAND_DISPLAY unset)',
      fix: 'run from a desktop session, or use the browser UI: ipsec-lab serve',
    };
  }
  return { ok: true, binary, detail: `Electron at ${binary}` };
}

function debianLike(): boolean {
  try {
    return /^(ID|ID_LIKE)=.*(debian|ubuntu)/m.test(readFileSync('/etc/os-release', 'utf8'));
  } catch {
    return false;
  }
}

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The fix for an engine that does not answer depends on where the endpoint came from. */
function engineFix(endpoint: { host: string; source: string }): string {
  // The user pointed somewhere else: installing a local engine would not help.
  if (endpoint.source === 'DOCKER_HOST')
    return `check DOCKER_HOST=${endpoint.host}: start the engine there, or unset DOCKER_HOST to use the local engine`;
  if (endpoint.source.startsWith('context '))
    return `check the Docker ${endpoint.source} (${endpoint.host}): start that engine, or \`docker context use default\``;
  const canFix = process.platform === 'linux' && process.getuid?.() === 0 && debianLike();
  if (canFix) return 'ipsec-lab doctor --fix (installs docker.io if needed and starts dockerd)';
  return has('dockerd')
    ? 'start the engine: sudo systemctl start docker (or: sudo dockerd &)'
    : 'install Docker Engine (Linux) or Docker Desktop (macOS/Windows), then start it';
}

export async function runChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const { docker, endpoint } = connectDocker();
  let engineOk = false;
  try {
    const v = await docker.version();
    engineOk = true;
    checks.push({
      id: 'docker',
      title: 'Docker engine',
      status: 'ok',
      detail: `Docker ${v.Version} (API ${v.ApiVersion}) at ${endpoint.host} (${endpoint.source})`,
    });
  } catch (e) {
    checks.push({
      id: 'docker',
      title: 'Docker engine',
      status: 'fail',
      detail: `no engine answers at ${endpoint.host} (${endpoint.source}): ${(e as Error).message}`,
      fix: engineFix(endpoint),
    });
  }
  if (engineOk) {
    for (const release of ['trixie', 'bookworm'] as Release[]) {
      const tag = imageTag(release);
      const present = await docker
        .getImage(tag)
        .inspect()
        .then(
          () => true,
          () => false,
        );
      checks.push({
        id: `image-${release}`,
        title: `Lab image (${release}: strongSwan ${release === 'trixie' ? '6.0' : '5.9'})`,
        status: present ? 'ok' : 'warn',
        detail: present ? `${tag} present` : `${tag} not built yet`,
        fix: present ? undefined : `built on first use; to build now: ipsec-lab build --release ${release}`,
      });
    }
    const trixie = imageTag('trixie');
    if (
      await docker
        .getImage(trixie)
        .inspect()
        .then(
          () => true,
          () => false,
        )
    ) {
      const f = await probeKernel(docker, trixie, { fresh: true });
      checks.push(
        f.kernelEsp
          ? {
              id: 'esp',
              title: 'IPsec datapath',
              status: 'ok',
              detail: 'kernel ESP available: charon uses kernel-netlink',
            }
          : f.tun
            ? {
                id: 'esp',
                title: 'IPsec datapath',
                status: 'warn',
                detail: `no kernel ESP (${f.details.kernelEsp}); charon uses strongSwan's userspace kernel-libipsec over TUN, which always encapsulates ESP in UDP 4500`,
                fix: 'nothing to do; a kernel with xfrm ESP (CONFIG_INET_ESP) gives the kernel datapath',
              }
            : {
                id: 'esp',
                title: 'IPsec datapath',
                status: 'fail',
                detail: 'neither kernel ESP nor /dev/net/tun',
                fix: 'use an engine whose kernel has CONFIG_INET_ESP or CONFIG_TUN',
              },
      );
      checks.push({
        id: 'tun',
        title: 'TUN device',
        status: f.tun ? 'ok' : 'warn',
        detail: f.tun ? '/dev/net/tun can be given to a container' : (f.details.tun ?? 'missing'),
      });
      checks.push(
        f.netem
          ? {
              id: 'netem',
              title: 'Link impairment (netem)',
              status: 'ok',
              detail: 'sch_netem available: delay, jitter, loss, duplication, reordering, corruption',
            }
          : {
              id: 'netem',
              title: 'Link impairment (netem)',
              status: 'warn',
              detail: `no sch_netem (${f.details.netem}): loss uses nftables random drop${f.tbf ? ', rate uses tbf' : ''}; delay, jitter, duplication, reordering and corruption are unavailable`,
              fix: 'a kernel with CONFIG_NET_SCH_NETEM (most distributions and Docker Desktop have it)',
            },
      );
      checks.push({
        id: 'vxlan',
        title: 'Lab links (VXLAN)',
        status: f.vxlan ? 'ok' : 'fail',
        detail: f.vxlan ? 'VXLAN links work' : (f.details.vxlan ?? 'missing'),
        fix: f.vxlan ? undefined : 'a kernel with CONFIG_VXLAN',
      });
      checks.push({
        id: 'nftables',
        title: 'Firewall/NAT (nftables)',
        status: f.nftables ? 'ok' : 'warn',
        detail: f.nftables ? 'nftables works' : (f.details.nftables ?? 'missing'),
      });
    } else {
      checks.push({
        id: 'kernel',
        title: 'Kernel features',
        status: 'warn',
        detail: 'not probed: the lab image is not built yet',
        fix: 'ipsec-lab build, then ipsec-lab doctor',
      });
    }
  }
  if (process.platform === 'linux' && !engineOk) {
    checks.push({
      id: 'debootstrap',
      title: 'debootstrap (base image without a registry)',
      status: has('debootstrap') ? 'ok' : 'warn',
      detail: has('debootstrap') ? 'installed' : 'not installed',
      fix: has('debootstrap') ? undefined : 'apt-get install -y debootstrap',
    });
  }
  const el = electronRuntime();
  checks.push({
    id: 'electron',
    title: 'Electron runtime',
    status: el.ok ? 'ok' : 'warn',
    detail: el.ok ? el.detail : `${el.detail}; \`npm start\` serves the UI to a browser instead`,
    fix: el.fix,
  });
  return checks;
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve) =>
    spawn(cmd, args, { stdio: 'inherit' })
      .on('close', (c) => resolve(c ?? 1))
      .on('error', () => resolve(127)),
  );
}

/** Debian/Ubuntu as root: install docker.io when dockerd is missing, start it, wait until it answers. */
export async function fixDockerEngine(log: (line: string) => void): Promise<boolean> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || !debianLike()) {
    log('doctor --fix installs the engine only on Debian/Ubuntu as root; install Docker yourself here');
    return false;
  }
  if (!has('dockerd')) {
    log('installing docker.io (apt-get)...');
    if ((await run('apt-get', ['update'])) !== 0 || (await run('apt-get', ['install', '-y', 'docker.io'])) !== 0)
      return false;
  }
  const { docker } = connectDocker();
  if (
    await docker.ping().then(
      () => true,
      () => false,
    )
  )
    return true;
  log('starting dockerd...');
  const child = spawn('sh', ['-c', 'setsid dockerd >/var/log/dockerd.log 2>&1 &'], { stdio: 'ignore', detached: true });
  child.unref();
  for (let i = 0; i < 60; i++) {
    await new Promise((r) => setTimeout(r, 500));
    if (
      await docker.ping().then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  log('dockerd did not answer within 30 s; see /var/log/dockerd.log');
  return false;
}
