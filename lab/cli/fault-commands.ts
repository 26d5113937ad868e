import { type Command, Option } from 'commander';

import { localizeAddresses } from '../api/localize.js';
import { terminalSafe } from '../common/terminal.js';
import type { LabEngine } from '../engine/lab-engine.js';
import { FAULTS, findFault, IMPOSSIBLE_CAUSES } from '../faults/catalogue.js';
import type { FaultService } from '../faults/fault-service.js';
import { type Direction, DIRECTIONS } from '../faults/impairment.js';
import type { FaultDefinition } from '../faults/types.js';
import { defaultSettings } from '../settings/defaults.js';
import type { LabSettings } from '../settings/types.js';
import { engineFor } from './lazy.js';

async function withFaults<T>(cmd: Command, run: (f: FaultService, e: LabEngine) => Promise<T>): Promise<T> {
  const engine = await engineFor(cmd);
  const { FaultService } = await import('../faults/fault-service.js');
  const faults = new FaultService(engine);
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

/** Whose addressing the catalogue's texts are in: the running lab's (`--here`), or the default lab's and why. */
interface Addressing {
  lab: string;
  running: boolean;
  settings: LabSettings;
  /** Why the default addressing is used. */
  why?: string;
}

/** The subnets the texts use, said once above the catalogue. */
function addressingText(a: Addressing): string {
  const s = a.settings;
  const nets = `LANs ${s.left.lan} (left) and ${s.right.lan} (right), WANs ${s.left.wan} and ${s.right.wan}`;
  return a.running
    ? `Addresses: lab "${a.lab}" as it runs: ${nets}.`
    : `Addresses: the default lab's: ${nets} (${a.why}).`;
}

/** A fault's texts in the lab's addressing (written for the default lab; lab/api/localize.ts moves them). */
function inAddressing(f: FaultDefinition, settings: LabSettings) {
  const { settings: _s, boxes: _b, unavailable: _u, evidence: _e, ...fault } = f;
  const local = (t: string) => localizeAddresses(t, settings);
  return {
    ...fault,
    change: local(fault.change),
    revert: local(fault.revert),
    symptoms: fault.symptoms.map(local),
    ...(fault.note ? { note: local(fault.note) } : {}),
  };
}

const addressingJson = ({ lab, running, why, settings }: Addressing) => ({
  lab,
  running,
  ...(why ? { why } : {}),
  lans: { left: settings.left.lan, right: settings.right.lan },
  wans: { left: settings.left.wan, right: settings.right.wan },
});

/**
 * The catalogue needs no lab and no engine (issue 12: it never connects to Docker), so its texts are
 * in the default lab's subnets; `--here` asks the running lab and writes them in its subnets.
 */
function printCatalogue(json: boolean, cmd: Command): void {
  const where: Addressing = {
    lab: cmd.optsWithGlobals().lab as string,
    running: false,
    settings: defaultSettings(),
    why: "`ipsec-lab faults --here` writes them in the running lab's subnets",
  };
  const faults = FAULTS.map((f) => inAddressing(f, where.settings));
  if (json) {
    console.log(
      JSON.stringify(
        {
          faults,
          impossible: IMPOSSIBLE_CAUSES,
          appliesHere: 'run with --here on a running lab',
          addressing: addressingJson(where),
        },
        null,
        2,
      ),
    );
    return;
  }
  console.log(terminalSafe(addressingText(where)));
  console.log(
    `\n${'fault'.padEnd(28)}${'family'.padEnd(11)}${'IKE'.padEnd(6)}${'applies here'.padEnd(14)}what it breaks`,
  );
  for (const f of faults)
    console.log(
      `  ${f.id.padEnd(26)}${f.family.padEnd(11)}${f.ikeVersions
        .map((v) => `v${v}`)
        .join(',')
        .padEnd(6)}${'needs a lab'.padEnd(14)}${f.title}\n${' '.repeat(59)}${f.change}`,
    );
  console.log('\n"applies here" depends on the running lab (its settings and kernel): `ipsec-lab faults --here`.');
  console.log('\nCauses a strongSwan lab cannot produce:');
  for (const c of IMPOSSIBLE_CAUSES) console.log(`  ${c.cause}: ${c.why}`);
}

export function registerFaultCommands(program: Command): void {
  program
    .command('faults')
    .description('list the fault catalogue: id, family, what it breaks; --here: which apply to the running lab')
    .option('--json', 'print as JSON')
    .option('--here', 'ask the running lab which faults apply to it and which are active (needs the lab)')
    .action(async (opts, cmd: Command) => {
      if (!opts.here) return printCatalogue(!!opts.json, cmd);
      return withFaults(cmd, async (f, engine) => {
        const [entries, settings] = await Promise.all([f.catalogue(), engine.settings()]);
        const where: Addressing = { lab: engine.name, running: true, settings };
        // The texts in this lab's subnets, as the app shows them.
        const local = entries.map((e) => ({ ...e, fault: inAddressing(findFault(e.fault.id)!, settings) }));
        if (opts.json) {
          console.log(
            JSON.stringify(
              { faults: local, impossible: f.impossibleCauses(), addressing: addressingJson(where) },
              null,
              2,
            ),
          );
          return;
        }
        console.log(terminalSafe(addressingText(where)));
        for (const e of local) {
          console.log(
            `${e.active ? '●' : ' '} ${e.fault.id.padEnd(26)} ${e.fault.family.padEnd(10)} ${e.fault.title}${e.unavailable ? `  [unavailable: ${e.unavailable}]` : ''}`,
          );
          console.log(`${' '.repeat(39)}${e.fault.change}`);
        }
        console.log('\nCauses a strongSwan lab cannot produce:');
        for (const c of f.impossibleCauses()) console.log(`  ${c.cause}: ${c.why}`);
      });
    });

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
