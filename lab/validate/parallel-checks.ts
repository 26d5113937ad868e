/**
 * The checks of one template on parallel labs, where the engine has room. After establish, the
 * checks are independent of each other: each starts from the template's settings and puts them
 * back. So they run in groups, each group on a lab of its own, at the same time:
 * - the template's lab: traffic, then rekey (the longest: it waits for an IKE rekey);
 * - a second lab of the same template: peer restart, loss, latency, NAT;
 * - interop, which makes its own mixed-release lab anyway, from the start.
 * With room for fewer labs the groups merge, down to today's one lab for everything. Evidence and
 * causes come from the lab each check ran on (its lab name is on every cited line).
 */
import type Docker from 'dockerode';

import { LabEngine } from '../engine/lab-engine.js';
import { FaultService } from '../faults/fault-service.js';
import type { TemplateContext } from './check-run.js';
import { establishOrDiagnose } from './checks-tunnel.js';
import { LabRecorder } from './evidence.js';
import type { CheckId, CheckResult } from './types.js';

type LaterCheck = Exclude<CheckId, 'establish'>;

/** Which checks share a lab; the first group runs on the template's own lab. */
const GROUPS: LaterCheck[][] = [['traffic', 'rekey'], ['peer-restart', 'loss', 'latency', 'nat'], ['interop']];

/** What one lab of a validation may hold at most (five boxes at their memory limit), for the room test. */
const LAB_MEMORY = 5 * 256 * 1024 * 1024;

/**
 * Labs one template may have at a time on its engine: the labs of every template in flight share
 * the engine's CPUs (two labs per CPU: they idle through most checks) and half its memory.
 */
export async function labsPerTemplate(docker: Docker, templatesInFlight: number): Promise<number> {
  try {
    const info = (await docker.info()) as { NCPU?: number; MemTotal?: number };
    const byCpu = Math.floor((2 * (info.NCPU ?? 1)) / templatesInFlight);
    const byMemory = Math.floor((info.MemTotal ?? 0) / 2 / LAB_MEMORY / templatesInFlight);
    return Math.max(1, Math.min(GROUPS.length, byCpu, byMemory));
  } catch {
    return 1;
  }
}

/** The groups for `room` labs: the last groups merge into the first ones until they fit. */
export function groupsFor(ids: LaterCheck[], room: number): LaterCheck[][] {
  const groups = GROUPS.map((g) => g.filter((id) => ids.includes(id))).filter((g) => g.length);
  while (groups.length > Math.max(1, room)) {
    const last = groups.pop()!;
    groups[groups.length - 1].push(...last);
  }
  return groups;
}

interface GroupLab {
  name: string;
  /** The group's own context once its lab is up, or null when it did not come up. */
  ready: Promise<TemplateContext | null>;
  dispose(): Promise<void>;
}

/** Starts a group's own lab of the template now (it comes up while the template's lab establishes). */
function startGroupLab(ctx: TemplateContext, index: number, progress: (line: string) => void): GroupLab {
  const name = `${ctx.engine.name}-${'pq'[index - 1] ?? index}`;
  const engine = new LabEngine(name, ctx.engine.docker, ctx.engine.endpoint);
  const rec = new LabRecorder(engine);
  ctx.track(engine, true);
  const t0 = Date.now();
  const ready = establishOrDiagnose(engine, rec, ctx.baseline).then(
    (r) => {
      if (!r.status.up) return null;
      progress(`lab "${name}" up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return { ...ctx, engine, rec, faults: new FaultService(engine), secondLab: `${name}-i` };
    },
    (e: Error) => {
      progress(`lab "${name}" did not start: ${e.message}`);
      return null;
    },
  );
  let disposed: Promise<void> | undefined;
  return {
    name,
    ready,
    dispose: () =>
      (disposed ??= (async () => {
        await ready;
        rec.stop();
        await engine.down().catch((e: Error) => progress(`could not remove lab "${name}": ${e.message}`));
        ctx.track(engine, false);
      })()),
  };
}

export interface CheckLabs {
  /** Runs the checks, handing each result to `done` as it finishes. */
  run(
    run: (ctx: TemplateContext, id: LaterCheck) => Promise<CheckResult>,
    done: (r: CheckResult) => void,
  ): Promise<void>;
  /** Removes the labs started for the checks (always call it, also when establish failed). */
  dispose(): Promise<void>;
}

/**
 * Plans `ids` over `room` labs and starts the groups' own labs at once, so they come up while the
 * template's lab establishes. `run` then runs every group at the same time (CHECK_IDS order within
 * a group); a group whose lab did not come up runs on the template's lab after the others.
 */
export function startCheckLabs(
  ctx: TemplateContext,
  ids: LaterCheck[],
  room: number,
  progress: (line: string) => void,
): CheckLabs {
  const groups = groupsFor(ids, room);
  // interop alone needs no lab of the template's: it makes its own.
  const ownLab = (g: LaterCheck[]) => !(g.length === 1 && g[0] === 'interop');
  const labs = new Map<number, GroupLab>();
  groups.forEach((g, i) => {
    if (i > 0 && ownLab(g)) labs.set(i, startGroupLab(ctx, i, progress));
  });
  return {
    run: async (run, done) => {
      const leftover: LaterCheck[] = [];
      const group = async (g: LaterCheck[], i: number) => {
        const lab = labs.get(i);
        const own = lab ? await lab.ready : ctx;
        if (!own) {
          progress(`${g.join(', ')}: lab "${lab?.name}" did not come up; they run on the template's lab after`);
          leftover.push(...g);
          return;
        }
        for (const id of g) done(await run(own, id));
        await lab?.dispose();
      };
      await Promise.all(groups.map(group));
      for (const id of leftover) done(await run(ctx, id));
    },
    dispose: async () => {
      await Promise.all([...labs.values()].map((l) => l.dispose()));
    },
  };
}
