import { readFile } from 'node:fs/promises';

import { type Command, Option } from 'commander';

import { writeFileAtomic } from '../common/safe-write.js';
import { terminalSafe } from '../common/terminal.js';
import { exportAsa } from '../exporters/asa.js';
import { exportSwanctl } from '../exporters/swanctl.js';
import { importConfig } from '../importers/index.js';
import { compareGateways } from '../settings/compare.js';
import { loadSettingsFile, saveSettingsFile } from '../settings/io.js';
import type { LabSettings, Side } from '../settings/types.js';
import { diagnoseCommand, human, toJson } from './diagnose-command.js';
import { engineFor } from './lazy.js';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
}

export function registerConfigCommands(program: Command): void {
  program
    .command('diagnose')
    .description('diagnose strongSwan logs, SA listings and configs (run `ipsec-lab diagnose --help` for its options)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[args...]')
    .action(async (args: string[], _opts, cmd: Command) => {
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
    .description("compare the two gateways' settings: every pair that must match or mirror, and whether it does")
    .option('--settings <file>', 'lab settings JSON (default: the running lab)')
    .option('--json', 'print as JSON')
    .action(async (opts, cmd: Command) => {
      const settings = opts.settings ? await loadSettingsFile(opts.settings) : await (await engineFor(cmd)).settings();
      const pairs = compareGateways(settings);
      if (opts.json) console.log(JSON.stringify(pairs, null, 2));
      else
        for (const p of pairs)
          console.log(
            `${p.ok ? '✔' : '✘'} ${p.left} ${p.relation === 'mirror' ? '⇄' : p.relation === 'either' ? 'or' : '='} ${p.right}: ${JSON.stringify(p.leftValue)} / ${JSON.stringify(p.rightValue)}${p.ok ? '' : `\n    ${p.why}`}${(p.advice ?? []).map((a) => `\n    ⚠ weak crypto: ${a}`).join('')}`,
          );
      if (pairs.some((p) => !p.ok)) process.exitCode = 1;
    });

  program
    .command('import')
    .description(
      "turn a customer's config (Cisco ASA CLI, swanctl.conf, ipsec.conf) into lab settings; the other gateway gets the mirror image",
    )
    .argument('<file>', 'the configuration file')
    .addOption(
      new Option('--side <side>', 'which lab gateway gets the imported config')
        .choices(['left', 'right'])
        .default('left'),
    )
    .addOption(
      new Option('--format <format>', 'input format (detected by default)').choices([
        'asa',
        'swanctl',
        'ipsec.conf',
        'settings-json',
      ]),
    )
    .option('--entry <name>', 'which tunnel: crypto map sequence number or connection name (default: the first)')
    .option('--secrets <file>', 'ipsec.secrets holding the PSK (ipsec.conf input)')
    .option('--out <file>', 'write the settings here (owner-only permissions) instead of stdout')
    .option('--json', 'print the whole import result (settings, unsupported lines, warnings) as JSON')
    .action(async (file: string, opts) => {
      const text = await readText(file);
      const secretsText = opts.secrets ? await readText(opts.secrets) : undefined;
      let result: ReturnType<typeof importConfig>;
      try {
        result = importConfig(text, { format: opts.format, side: opts.side as Side, entry: opts.entry, secretsText });
      } catch (e) {
        (e as Error).message = `${file}: ${(e as Error).message}`;
        throw e;
      }
      for (const u of result.unsupported)
        console.error(terminalSafe(`${file}:${u.line}: not imported: ${u.text.trim()} (${u.reason})`));
      for (const w of result.warnings) console.error(terminalSafe(`${file}:${w.line}: warning: ${w.message}`));
      if (opts.out) {
        await saveSettingsFile(opts.out, result.settings);
        console.error(
          `wrote ${opts.out} (${result.format}, tunnel ${result.entry} on the ${result.side} gateway; ${result.unsupported.length} line(s) not imported)`,
        );
      }
      if (opts.json) console.log(JSON.stringify(result, null, 2));
      else if (!opts.out) console.log(JSON.stringify(result.settings, null, 2));
    });

  program
    .command('export')
    .description("generate a gateway's config from lab settings: swanctl.conf, or Cisco ASA CLI (IKEv1/IKEv2)")
    .addOption(new Option('--side <side>', 'which gateway').choices(['left', 'right']).default('right'))
    .addOption(new Option('--format <format>', 'output format').choices(['swanctl', 'asa']).default('swanctl'))
    .option('--settings <file>', 'lab settings JSON (default: the running lab)')
    .option('--reveal-secrets', 'write the real pre-shared key instead of a mask')
    .option('--out <file>', 'write here (owner-only permissions) instead of stdout')
    .action(async (opts, cmd: Command) => {
      let settings: LabSettings;
      if (opts.settings) settings = await loadSettingsFile(opts.settings);
      else {
        const engine = await engineFor(cmd);
        settings = await engine.settings();
      }
      const side = opts.side as Side;
      const text =
        opts.format === 'asa'
          ? exportAsa(settings, side, { revealSecrets: !!opts.revealSecrets })
          : exportSwanctl(settings, side, { revealSecrets: !!opts.revealSecrets });
      if (opts.out) await writeFileAtomic(opts.out, text);
      else process.stdout.write(text);
    });
}
