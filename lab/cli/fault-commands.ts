import { type Command, Option } from 'commander';

import { LabEngine } from '../engine/lab-engine.js';
import { FaultService } from '../faults/fault-service.js';
import { type Direction, DIRECTIONS } from '../faults/impairment.js';

function faultsFor(cmd: Command): { engine: LabEngine; faults: FaultService } {
  const engine = LabEngine.connect(cmd.optsWithGlobals().lab as string);
  return { engine, faults: new FaultService(engine) };
}

async function withFaults<T>(cmd: Command, run: (f: FaultService, e: LabEngine) => Promise<T>): Promise<T> {
  const { engine, faults } = faultsFor(cmd);
  try {
    await engine.ping();
    if (!(await engine.find()))
      throw new (await import('../docker/errors.js')).LabError(
        'lab-not-found',
        `no lab "${engine.name}" is running`,
        'start one with `ipsec-lab up`',
      );
    return await run(faults, engine);
  } finally {
    await engine.close();
  }
}

const num = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name}: expected a number, got "${v}"`);
  return n;
};

export function registerFaultCommands(program: Command): void {
  program
    .command('faults')
    .description('list the fault catalogue: id, family, what it changes, and whether it applies here')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) =>
      withFaults(cmd, async (f) => {
        const entries = await f.catalogue();
        if (opts.json) {
          console.log(JSON.stringify({ faults: entries, impossible: f.impossibleCauses() }, null, 2));
          return;
        }
        for (const e of entries) {
          console.log(
            `${e.active ? '●' : ' '} ${e.fault.id.padEnd(26)} ${e.fault.family.padEnd(10)} ${e.fault.title}${e.unavailable ? `  [unavailable: ${e.unavailable}]` : ''}`,
          );
        }
        console.log('\nCauses a strongSwan lab cannot produce:');
        for (const c of f.impossibleCauses()) console.log(`  ${c.cause}: ${c.why}`);
      }),
    );

  program
    .command('break')
    .description('apply one or more faults to the running lab (see `ipsec-lab faults`)')
    .argument('<fault...>', 'fault ids')
    .action(async (ids: string[], _opts, cmd: Command) =>
      withFaults(cmd, async (f) => {
        const r = await f.apply(ids);
        console.log(`applied: ${r.applied.join(', ')}`);
        for (const n of r.notes) console.log(`note: ${n}`);
      }),
    );

  program
    .command('fix')
    .description('revert the named faults, or every fault and impairment when none is named')
    .argument('[fault...]', 'fault ids')
    .action(async (ids: string[], _opts, cmd: Command) =>
      withFaults(cmd, async (f) => {
        const r = await f.revert(ids);
        console.log(
          r.reverted.length ? `reverted: ${r.reverted.join(', ')}` : 'nothing was applied; impairments cleared',
        );
      }),
    );

  program
    .command('impair')
    .description('impair the link between the gateways, per direction (several impairments at once)')
    .addOption(new Option('--direction <dir>', 'which way').choices([...DIRECTIONS, 'both']).default('both'))
    .option('--loss <percent>', 'random loss', num('--loss'))
    .option('--delay <ms>', 'added delay (needs netem)', num('--delay'))
    .option('--jitter <ms>', 'delay variation (needs netem)', num('--jitter'))
    .option('--duplicate <percent>', 'duplication (needs netem)', num('--duplicate'))
    .option('--reorder <percent>', 'reordering (needs netem and a delay)', num('--reorder'))
    .option('--corrupt <percent>', 'corruption (needs netem)', num('--corrupt'))
    .option('--rate <kbit>', 'rate limit in kbit/s', num('--rate'))
    .option('--down', 'take the link down')
    .option('--flap <seconds>', 'flap the link: down and up, each half of this period', num('--flap'))
    .option('--clear', 'remove every impairment of the direction first')
    .option('--show', 'only show the current impairments')
    .option('--json', 'print the impairments as JSON')
    .action(async (opts, cmd: Command) =>
      withFaults(cmd, async (f) => {
        let impairments = (await f.state()).impairments;
        if (!opts.show) {
          const change: Record<string, unknown> = {};
          const map: Record<string, string> = {
            loss: 'lossPercent',
            delay: 'delayMs',
            jitter: 'jitterMs',
            duplicate: 'duplicatePercent',
            reorder: 'reorderPercent',
            corrupt: 'corruptPercent',
            rate: 'rateKbit',
            flap: 'flapPeriodS',
          };
          for (const [opt, key] of Object.entries(map)) if (opts[opt] !== undefined) change[key] = opts[opt];
          if (opts.down) change.down = true;
          const dirs: Direction[] = opts.direction === 'both' ? [...DIRECTIONS] : [opts.direction];
          impairments = (await f.impair(Object.fromEntries(dirs.map((d) => [d, change])), { replace: !!opts.clear }))
            .impairments;
        }
        if (opts.json) console.log(JSON.stringify(impairments, null, 2));
        else
          for (const d of DIRECTIONS)
            console.log(
              `${d}: ${
                Object.entries(impairments[d])
                  .map(([k, v]) => `${k}=${v}`)
                  .join(' ') || 'none'
              }`,
            );
      }),
    );
}
