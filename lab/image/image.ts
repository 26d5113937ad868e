import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type Docker from 'dockerode';
import tar from 'tar-stream';

import { ignoreRejection } from '../common/ignore.js';
import { packagePath } from '../common/package-root.js';
import { LabError } from '../docker/errors.js';
import type { Release } from '../settings/types.js';
import { type BaseImageProgress, ensureBaseImage, imageExists } from './base-image.js';

const here = (name: string) => packagePath('lab/image', name);
const CONTEXT_FILES = ['Dockerfile', 'lab-init.sh', 'lab-autoload.sh'] as const;

export const IMAGE_REPO = 'ipsec-lab';

export type ImageProgress =
  | BaseImageProgress
  | { kind: 'build'; release: Release; step: number; totalSteps: number; percent: number; line: string }
  | { kind: 'ready'; release: Release; tag: string; built: boolean };

function contextFiles(): Record<string, Buffer> {
  return Object.fromEntries(CONTEXT_FILES.map((f) => [f, readFileSync(here(f))]));
}

/** The image tag carries a hash of everything that goes into it: a change rebuilds, the rest is reused. */
export function imageTag(release: Release): string {
  const h = createHash('sha256');
  h.update(release);
  for (const [name, data] of Object.entries(contextFiles())) h.update(name).update(data);
  return `${IMAGE_REPO}:${release}-${h.digest('hex').slice(0, 12)}`;
}

function buildContext(): NodeJS.ReadableStream {
  // tar-stream packs are streamx streams: readable enough for dockerode, not typed as Node streams.
  const pack = tar.pack();
  for (const [name, data] of Object.entries(contextFiles()))
    pack.entry({ name, mode: name.endsWith('.sh') ? 0o755 : 0o644 }, data);
  pack.finalize();
  return pack as unknown as NodeJS.ReadableStream;
}

/** Builds (or reuses) the lab image of a release, reporting build steps as they happen. */
export async function ensureImage(
  docker: Docker,
  release: Release,
  onProgress: (p: ImageProgress) => void = () => {},
  opts: { local: boolean } = { local: true },
): Promise<string> {
  const tag = imageTag(release);
  if (await imageExists(docker, tag)) {
    onProgress({ kind: 'ready', release, tag, built: false });
    return tag;
  }
  await buildImage(docker, release, tag, onProgress, { ...opts, noCache: false });
  if (!(await imageExists(docker, tag)))
    throw new LabError('image-build-failed', `building ${tag} reported success but the image is missing`);
  await pruneOlderImages(docker, release, tag);
  onProgress({ kind: 'ready', release, tag, built: true });
  return tag;
}

/** Builds the lab image of a release under `tag` (noCache: every step again, for the benchmark). */
export async function buildImage(
  docker: Docker,
  release: Release,
  tag: string,
  onProgress: (p: ImageProgress) => void,
  opts: { local: boolean; noCache: boolean },
): Promise<void> {
  const base = await ensureBaseImage(docker, release, onProgress, opts);
  const stream = await docker.buildImage(buildContext(), {
    t: tag,
    buildargs: { BASE: base },
    labels: { 'ipsec-lab.image': release },
    rm: true,
    forcerm: true,
    nocache: opts.noCache,
  });
  const tail: string[] = [];
  await new Promise<void>((resolve, reject) => {
    let step = 0;
    let total = 1;
    docker.modem.followProgress(
      stream,
      (err: Error | null, output: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        const failed = err?.message ?? output?.find((o) => o.error)?.error;
        if (failed)
          reject(new LabError('image-build-failed', `building ${tag} failed: ${failed}`, tail.slice(-5).join('\n')));
        else resolve();
      },
      (event: { stream?: string; error?: string; status?: string }) => {
        const text = (event.stream ?? event.status ?? '').trimEnd();
        if (!text) return;
        tail.push(text);
        if (tail.length > 20) tail.shift();
        const m = /^Step (\d+)\/(\d+)/.exec(text);
        if (m) {
          step = Number(m[1]);
          total = Number(m[2]);
        }
        onProgress({
          kind: 'build',
          release,
          step,
          totalSteps: total,
          percent: Math.round((100 * Math.max(0, step - 1)) / total),
          line: text,
        });
      },
    );
  });
}

/** Earlier builds of a release (other input hashes) are dead weight once a new one exists. */
async function pruneOlderImages(docker: Docker, release: Release, keep: string): Promise<void> {
  const images = await docker.listImages({ filters: { label: [`ipsec-lab.image=${release}`] } });
  for (const img of images) {
    const tags = (img.RepoTags ?? []).filter((t) => t.startsWith(`${IMAGE_REPO}:${release}-`));
    if (!tags.length || tags.includes(keep)) continue;
    // An image a running lab still uses is refused by the engine: it stays until that lab is gone.
    await docker.getImage(img.Id).remove().catch(ignoreRejection('an old image still used by a container stays'));
  }
}
