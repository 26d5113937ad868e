import type { Command } from 'commander';

import { compareConfigFiles, pairText, registerImportExportCommands } from './import-export.js';
import { engineFor, loadSettingsFile } from './lazy.js';

export function registerConfigCommands(program: Command): void {
  program
    .command('diagnose')
    .description('diagnose strongSwan logs, SA listings and configs (run `ipsec-lab diagnose --help` for its options)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[], _opts, cmd: Command) => {
      // The diagnosis engine loads only for the commands that diagnose.
      const { diagnoseCommand } = await import('./diagnose-command.js');
      process.exitCode = await diagnoseCommand(args, { lab: cmd.optsWithGlobals().lab as string });
    });

  program
    .command('explain')
    .description(
      'diagnose the running lab: its logs since the last change, counters around a short ping, both settings',
    )
    .option('--since <seconds>', 'look at the last N seconds of the logs instead')
    .option('--no-traffic', 'do not send a ping between the two snapshots')
    .option('--json', 'print exactly one JSON object')
    .action(async (opts, cmd: Command) => {
      const engine = await engineFor(cmd);
      try {
        await engine.ping();
        const { diagnoseLab } = await import('../engine/lab-diagnosis.js');
        const { human, toJson } = await import('./diagnose-command.js');
        const r = await diagnoseLab(engine, {
          sinceS: opts.since !== undefined ? Number(opts.since) : undefined,
          traffic: opts.traffic,
        });
        console.log(opts.json ? JSON.stringify(toJson(r)) : human(r));
      } finally {
        await engine.close();
      }
    });

  program
    .command('compare')
    .description(
      "compare the two gateways' settings: every pair that must match or mirror, and whether it does; " +
        "with --left/--right, two devices' own configs before anything runs, each mismatch with their lines",
    )
    .option('--settings <file>', 'lab settings JSON (default: the running lab)')
    .option('--left <file>', "the left device's own config (with --right; any format `import` reads)")
    .option('--right <file>', "the right device's own config")
    .option('--left-tunnel <name>', 'which tunnel of --left')
    .option('--right-tunnel <name>', 'which tunnel of --right')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) => {
      if (opts.left || opts.right) {
        if (!opts.left || !opts.right || opts.settings)
          throw new Error('compare: give both --left FILE and --right FILE (and no --settings)');
        return compareConfigFiles(opts);
      }
      const settings = opts.settings ? await loadSettingsFile(opts.settings) : await (await engineFor(cmd)).settings();
      const { compareGateways } = await import('../settings/compare.js');
      const pairs = compareGateways(settings);
      if (opts.json) console.log(JSON.stringify(pairs, null, 2));
      else for (const p of pairs) console.log(pairText(p));
      if (pairs.some((p) => !p.ok)) process.exitCode = 1;
    });

  registerImportExportCommands(program);
}
