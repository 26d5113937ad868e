import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type Docker from 'dockerode';

import { LabError } from '../docker/errors.js';
import type { Release } from '../settings/types.js';

export type BaseImageProgress = {
  kind: 'base';
  release: Release;
  image: string;
  action: 'found' | 'pulling' | 'pulled' | 'pull-failed' | 'bootstrapping' | 'bootstrapped';
  detail?: string;
};

export const officialBase = (release: Release) => `debian:${release}-slim`;
/** The locally made base: named as ours, so it is never mistaken for Debian's official image. */
export const bootstrappedBase = (release: Release) => `ipsec-lab-base:${release}`;

export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

async function pull(docker: Docker, image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = err?.message ?? out?.find((o) => o.error)?.error;
      if (failed) reject(new Error(failed));
      else resolve();
    }),
  );
}

/** The Debian mirror this machine's apt already uses (the one that is reachable here). */
export function debianMirror(): string {
  const files = ['/etc/apt/sources.list'];
  try {
    for (const f of readdirSync('/etc/apt/sources.list.d')) files.push(path.join('/etc/apt/sources.list.d', f));
  } catch {
    /* no sources.list.d */
  }
  for (const f of files) {
    if (!existsSync(f)) continue;
    const text = readFileSync(f, 'utf8');
    const m = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s/m.exec(text);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

function run(cmd: string, args: string[], opts: { input?: NodeJS.ReadableStream } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [opts.input ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c) => (err = (err + c).slice(-2000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited ${code}: ${err.trim()}`))));
    if (opts.input) opts.input.pipe(child.stdin!);
  });
}

/**
 * The base image for a release: Debian's official slim image when it is there or can be pulled;
 * otherwise (no registry), on a local Linux engine as root, a minimal Debian made with debootstrap
 * from the machine's own mirror and imported into the engine.
 */
export async function ensureBaseImage(
  docker: Docker,
  release: Release,
  onProgress: (p: BaseImageProgress) => void,
  opts: { local: boolean },
): Promise<string> {
  const official = officialBase(release);
  const local = bootstrappedBase(release);
  for (const image of [official, local]) {
    if (await imageExists(docker, image)) {
      onProgress({ kind: 'base', release, image, action: 'found' });
      return image;
    }
  }
  onProgress({ kind: 'base', release, image: official, action: 'pulling' });
  try {
    await pull(docker, official);
    onProgress({ kind: 'base', release, image: official, action: 'pulled' });
    return official;
  } catch (e) {
    onProgress({ kind: 'base', release, image: official, action: 'pull-failed', detail: (e as Error).message });
  }
  const canBootstrap = opts.local && process.platform === 'linux' && process.getuid?.() === 0;
  if (!canBootstrap) {
    throw new LabError(
      'image-build-failed',
      `cannot pull ${official} and cannot make it locally`,
      `pull it where a registry is reachable (docker pull ${official}), or run ipsec-lab as root on the Linux machine of the engine with debootstrap installed`,
    );
  }
  const mirror = debianMirror();
  onProgress({
    kind: 'base',
    release,
    image: local,
    action: 'bootstrapping',
    detail: `no registry reachable: making a minimal Debian ${release} with debootstrap from ${mirror}`,
  });
  const root = mkdtempSync(path.join(os.tmpdir(), `ipsec-lab-${release}-`));
  try {
    await run('debootstrap', ['--variant=minbase', release, root, mirror]).catch((e: NodeJS.ErrnoException) => {
      throw new LabError(
        'image-build-failed',
        e.code === 'ENOENT' ? 'debootstrap is not installed' : `debootstrap failed: ${e.message}`,
        'apt-get install -y debootstrap',
      );
    });
    const tar = spawn('tar', ['-C', root, '-c', '.'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const [repo, tag] = local.split(':');
    await docker
      .importImage(tar.stdout as unknown as string, { repo, tag } as object)
      .then(
        (stream: NodeJS.ReadableStream) =>
          new Promise<void>((resolve, reject) =>
            docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
          ),
      );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  if (!(await imageExists(docker, local)))
    throw new LabError('image-build-failed', `importing the debootstrapped ${release} base into the engine failed`);
  onProgress({ kind: 'base', release, image: local, action: 'bootstrapped' });
  return local;
}
