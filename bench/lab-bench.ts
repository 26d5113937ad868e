/**
 * `up` and `down` beside the engine's floor, measured in the same run on the same engine, taking
 * turns so a busy machine slows them alike:
 * - floor (up): the lab's own kind of network (internal bridge) and five containers of the lab image
 *   with its own entrypoint (tini, lab-init with no links, sleep), each created and started, all five
 *   at once, through the Docker API: what any five-box lab costs before it does anything;
 * - IKE time: from the initiator's "initiating IKE_SA" to the later of both gateways' "CHILD_SA ...
 *   established", by Docker's timestamps of charon's own log lines;
 * - `ipsec-lab up` wall: spawn of the CLI to its exit, which is once both CHILD_SAs are INSTALLED;
 * - floor (down): removing those five containers (force) and their network, all at once;
 * - `ipsec-lab down` wall.
 * Targets (issue #12): up <= 1.3x (floor + IKE time), down <= 1.3x the remove floor.
 *
 * `npm run bench -- lab` (runs: BENCH_LAB_RUNS, default 5); `npm run bench -- image` for a cold image build.
 */
import type Docker from 'dockerode';

import { ignoreRejection } from '../lab/common/ignore.js';
import { connectDocker, isLocalEngine } from '../lab/docker/connection.js';
import { buildImage, ensureImage } from '../lab/image/image.js';
import { containerName } from '../lab/lifecycle/labels.js';
import { cli, type Figure, freshCli, median, seconds, verdict } from './support.js';

export type { Figure } from './support.js';

const UP_TARGET = 1.3;
const DOWN_TARGET = 1.3;

/** Docker's multiplexed log stream (8-byte frame headers) as text. */
function demux(buf: Buffer): string {
  const parts: Buffer[] = [];
  for (let i = 0; i + 8 <= buf.length;) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size));
    i += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

/** When Docker received the first log line of a box matching `re` (ms since the epoch), or NaN. */
async function firstLine(docker: Docker, container: string, re: RegExp): Promise<number> {
  const raw = (await docker
    .getContainer(container)
    .logs({ stdout: true, stderr: true, timestamps: true, follow: false })) as unknown as Buffer;
  const line = demux(raw)
    .split('\n')
    .find((l) => re.test(l));
  return line ? Date.parse(line.slice(0, line.indexOf(' '))) : NaN;
}

/** The IKE time of a lab that just came up, from both charons' logs (s). */
async function ikeSeconds(docker: Docker, lab: string): Promise<number> {
  const left = containerName(lab, 'gw-left');
  const right = containerName(lab, 'gw-right');
  const start = Math.min(
    await firstLine(docker, left, /initiating (?:Main Mode |Aggressive Mode )?IKE_SA/),
    await firstLine(docker, right, /initiating (?:Main Mode |Aggressive Mode )?IKE_SA/).then((t) => t || Infinity),
  );
  const installed = Math.max(
    await firstLine(docker, left, /CHILD_SA \S+ established/),
    await firstLine(docker, right, /CHILD_SA \S+ established/),
  );
  const s = (installed - start) / 1000;
  if (!Number.isFinite(s) || s < 0) throw new Error(`lab ${lab}: no IKE start or CHILD_SA in the charon logs`);
  return s;
}

/** Five containers of the lab image on a network of the lab's kind: created+started at once, then removed. */
async function floor(docker: Docker, image: string, tag: string): Promise<{ up: number; down: number }> {
  const name = `ipsec-lab-floor-${tag}`;
  const t0 = process.hrtime.bigint();
  const net = await docker.createNetwork({ Name: name, Driver: 'bridge', Internal: true, CheckDuplicate: true });
  const boxes = await Promise.all(
    [0, 1, 2, 3, 4].map(async (i) => {
      const c = await docker.createContainer({
        name: `${name}-${i}`,
        Image: image,
        Labels: { 'ipsec-lab.bench': 'floor' },
        HostConfig: { NetworkMode: name },
      });
      await c.start();
      return c;
    }),
  );
  const up = Number(process.hrtime.bigint() - t0) / 1e9;
  // A box that exited at once (its lab-init failing without the lab's capabilities) is removed in a
  // few ms and would make a floor no lab can reach.
  for (const c of boxes)
    if (!(await c.inspect()).State.Running) throw new Error(`floor box ${c.id.slice(0, 12)} is not running`);
  const t1 = process.hrtime.bigint();
  await Promise.all(boxes.map((c) => c.remove({ force: true })));
  await net.remove();
  return { up, down: Number(process.hrtime.bigint() - t1) / 1e9 };
}

/** Removes what a failed run may have left (floor boxes, a bench lab). */
async function sweep(docker: Docker, lab: string): Promise<void> {
  for (const c of await docker.listContainers({ all: true, filters: { label: ['ipsec-lab.bench'] } }))
    await docker.getContainer(c.Id).remove({ force: true }).catch(ignoreRejection('already gone'));
  for (const n of await docker.listNetworks({ filters: { name: ['ipsec-lab-floor-'] } }))
    await docker.getNetwork(n.Id).remove().catch(ignoreRejection('already gone'));
  await cli(['--lab', lab, 'down']);
}

export async function benchLab(runs = Number(process.env.BENCH_LAB_RUNS ?? 5)): Promise<Figure[]> {
  const { docker } = connectDocker();
  const image = await ensureImage(docker, 'trixie');
  await freshCli();
  const floorsUp: number[] = [];
  const floorsDown: number[] = [];
  const ups: number[] = [];
  const ikes: number[] = [];
  const downs: number[] = [];
  const creates: number[] = [];
  const idle: number[] = [];
  for (let i = 0; i < runs; i++) {
    const lab = `bench-${process.pid.toString(36)}-${i}`;
    try {
      // What the CLI costs before any lab work: start, load the engine, one lookup (no such lab).
      const none = await cli(['--lab', `${lab}-none`, 'down']);
      if (!none.rebuilt) idle.push(none.seconds);
      const f = await floor(docker, image, `${process.pid.toString(36)}-${i}`);
      floorsUp.push(f.up);
      floorsDown.push(f.down);
      // A run during which the CLI rebuilt itself (someone edited lab/) timed a build: once more.
      for (let attempt = 0; ; attempt++) {
        const up = await cli(['--lab', lab, 'up', '--json']);
        if (up.code !== 0) throw new Error(`ipsec-lab up exited ${up.code}: ${up.stderr.trim().split('\n').pop()}`);
        const ike = await ikeSeconds(docker, lab);
        const down = await cli(['--lab', lab, 'down']);
        if (down.code !== 0) throw new Error(`ipsec-lab down exited ${down.code}: ${down.stderr.trim()}`);
        if ((up.rebuilt || down.rebuilt) && attempt < 2) continue;
        ups.push(up.seconds);
        ikes.push(ike);
        downs.push(down.seconds);
        creates.push((JSON.parse(up.stdout) as { ms: { create: number } }).ms.create / 1000);
        break;
      }
    } finally {
      await sweep(docker, lab);
    }
  }
  const fUp = median(floorsUp);
  const fDown = median(floorsDown);
  const ike = median(ikes);
  // Each run's own ratio (its up against the floor measured beside it), then the median of those.
  const upRatio = median(ups.map((u, i) => u / (floorsUp[i] + ikes[i])));
  const downRatio = median(downs.map((d, i) => d / floorsDown[i]));
  return [
    {
      name: `lab floor: network + 5 lab boxes created+started at once (API)`,
      value: fUp,
      unit: 's',
      note: `median of ${runs}: ${seconds(floorsUp)}`,
    },
    {
      name: 'lab: IKE time (initiating IKE_SA to both CHILD_SAs established)',
      value: ike,
      unit: 's',
      note: `charon's log lines, Docker's timestamps: ${seconds(ikes)}`,
    },
    {
      name: 'lab: ipsec-lab up, warm (CLI start to both CHILD_SAs INSTALLED)',
      value: median(ups),
      unit: 's',
      note: `${seconds(ups)}; of which the engine's create step ${seconds(creates)}`,
    },
    {
      name: 'lab: up / (floor + IKE time)',
      value: upRatio,
      unit: 'x',
      note: verdict(upRatio, UP_TARGET),
    },
    {
      name: 'lab floor: remove the 5 boxes (force) + network (API)',
      value: fDown,
      unit: 's',
      note: `median of ${runs}: ${seconds(floorsDown)}`,
    },
    { name: 'lab: ipsec-lab down', value: median(downs), unit: 's', note: seconds(downs) },
    {
      name: 'lab: ipsec-lab down of no lab (CLI start + engine load + one lookup)',
      value: median(idle),
      unit: 's',
      note: `${seconds(idle)}: the part of up and down before any lab work`,
    },
    { name: 'lab: down / remove floor', value: downRatio, unit: 'x', note: verdict(downRatio, DOWN_TARGET) },
  ];
}

/** A cold image build: every step again from the base image (minutes; `npm run bench -- image`). */
export async function benchImage(): Promise<Figure[]> {
  const { docker, endpoint } = connectDocker();
  const tag = 'ipsec-lab-bench:cold';
  const t = Date.now();
  await buildImage(docker, 'trixie', tag, () => {}, { local: isLocalEngine(endpoint), noCache: true });
  const figure = { name: 'cold image build (trixie, no cache)', value: (Date.now() - t) / 1000, unit: 's' };
  await docker.getImage(tag).remove({ force: true }).catch(ignoreRejection('the image may not exist'));
  return [figure];
}
