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

/**
 * Runs `ids` (in CHECK_IDS order within a group) over `room` labs and hands each result to
 * `done` as it finishes. The template's lab (ctx) is up; a group that needs a lab of its own
 * starts it first, and if that lab does not come up its checks run on the template's lab after.
 */
export async function runCheckGroups(
  ctx: TemplateContext,
  ids: LaterCheck[],
  room: number,
  run: (ctx: TemplateContext, id: LaterCheck) => Promise<CheckResult>,
  done: (result: CheckResult) => void,
  progress: (line: string) => void,
): Promise<void> {
  const groups = groupsFor(ids, room);
  const leftover: LaterCheck[] = [];
  const onOwnLab = async (group: LaterCheck[], index: number) => {
    // interop alone needs no lab of the template's: it makes its own.
    if (group.length === 1 && group[0] === 'interop') {
      done(await run(ctx, 'interop'));
      return;
    }
    const name = `${ctx.engine.name}-${'pq'[index - 1] ?? index}`;
    const engine = new LabEngine(name, ctx.engine.docker, ctx.engine.endpoint);
    const rec = new LabRecorder(engine);
    ctx.track(engine, true);
    try {
      const t0 = Date.now();
      const r = await establishOrDiagnose(engine, rec, ctx.baseline);
      if (!r.status.up) {
        progress(`lab "${name}" for ${group.join(', ')} did not come up: they run on the template's lab after`);
        leftover.push(...group);
        return;
      }
      progress(`lab "${name}" up in ${((Date.now() - t0) / 1000).toFixed(1)} s for ${group.join(', ')}`);
      const own: TemplateContext = { ...ctx, engine, rec, faults: new FaultService(engine), secondLab: `${name}-i` };
      for (const id of group) done(await run(own, id));
    } finally {
      rec.stop();
      await engine.down().catch((e: Error) => progress(`could not remove lab "${name}": ${e.message}`));
      ctx.track(engine, false);
    }
  };
  await Promise.all([
    (async () => {
      for (const id of groups[0] ?? []) done(await run(ctx, id));
    })(),
    ...groups.slice(1).map((g, i) => onOwnLab(g, i + 1)),
  ]);
  for (const id of leftover) done(await run(ctx, id));
}
