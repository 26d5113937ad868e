import { readFile } from 'node:fs/promises';

import { type Command, Option } from 'commander';

import { writeFileAtomic } from '../common/safe-write.js';
import { terminalSafe } from '../common/terminal.js';
import type { ImportFormat, ImportResult } from '../importers/types.js';
import type { LabSettings, Side } from '../settings/types.js';
import { engineFor, loadSettingsFile } from './lazy.js';

const FORMATS: ImportFormat[] = ['asa', 'paloalto', 'swanctl', 'ipsec.conf', 'settings-json'];

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, {
      cause: e,
    });
  }
}

/** Everything an import has to say besides the settings, on stderr, each note with its file and line. */
function report(file: string, r: ImportResult): void {
  const at = (line: number) => (line > 0 ? `${file}:${line}` : file);
  const say = (text: string) => console.error(terminalSafe(text));
  if (r.tunnels.length > 1) {
    const list = r.tunnels.map((t) => `${t.name} (peer ${t.peer || '?'})${t.selected ? ' [imported]' : ''}`);
    say(`${file}: ${r.tunnels.length} tunnels: ${list.join(', ')}; choose with --tunnel NAME|PEER|SEQ`);
  }
  for (const p of r.placeholders) say(`${at(p.line)}: placeholder ${p.text} (${p.field}) replaced by ${p.replacement}`);
  for (const u of r.unsupported) say(`${at(u.line)}: not imported: ${u.text.trim()} (${u.reason})`);
  for (const w of r.warnings) say(`${at(w.line)}: warning: ${w.message}`);
}

export function registerImportExportCommands(program: Command): void {
  program
    .command('import')
    .description(
      "turn a customer's config (Cisco ASA CLI, Palo Alto set commands or XML, swanctl.conf, ipsec.conf) into lab settings: " +
        'one file (the other gateway gets the mirror image), or both ends from their own configs with --left and --right',
    )
    .argument('[file]', 'the configuration file (or use --left and --right)')
    .option('--left <file>', "the left gateway's own configuration (with --right: both ends, no mirror)")
    .option('--right <file>', "the right gateway's own configuration")
    .addOption(
      new Option('--side <side>', 'which lab gateway gets the imported config (one file)')
        .choices(['left', 'right'])
        .default('left'),
    )
    .addOption(new Option('--format <format>', 'input format (detected by default)').choices(FORMATS))
    .addOption(new Option('--left-format <format>', 'format of --left (detected by default)').choices(FORMATS))
    .addOption(new Option('--right-format <format>', 'format of --right (detected by default)').choices(FORMATS))
    .option(
      '--tunnel <name>',
      'which tunnel: its name, crypto map sequence, tunnel interface or peer (default: the first)',
    )
    .option('--entry <name>', 'same as --tunnel')
    .option('--left-tunnel <name>', 'which tunnel of --left')
    .option('--right-tunnel <name>', 'which tunnel of --right')
    .option('--secrets <file>', 'ipsec.secrets holding the PSK (ipsec.conf input)')
    .option('--reveal-secrets', 'show the keys of the other tunnels in the notes instead of a mask')
    .option('--out <file>', 'write the settings here (owner-only permissions) instead of stdout')
    .option(
      '--json',
      'print the whole import result (settings, tunnels, placeholders, lines not imported, provenance) as JSON',
    )
    .action(async (file: string | undefined, opts) => {
      const { importConfig, importPair } = await import('../importers/index.js');
      const revealSecrets = !!opts.revealSecrets;
      const secretsText = opts.secrets ? await readText(opts.secrets) : undefined;
      const named = (f: string, e: unknown) => {
        (e as Error).message = `${f}: ${(e as Error).message}`;
        return e;
      };
      // A two-file import names the side that failed; the user knows it by its file.
      const bySide = (e: unknown) => {
        const m = /^(left|right): /.exec((e as Error).message);
        if (m) (e as Error).message = (e as Error).message.slice(m[0].length);
        return named(m?.[1] === 'right' ? opts.right : opts.left, e);
      };
      let settings: LabSettings;
      let json: unknown;
      let summary: string;
      if (opts.left || opts.right) {
        if (!opts.left || !opts.right || file)
          throw new Error('import: give both --left FILE and --right FILE (and no other file), or one FILE');
        const [lt, rt] = await Promise.all([readText(opts.left), readText(opts.right)]);
        const side = (f: string, text: string, format?: ImportFormat, entry?: string) => ({
          text,
          options: { format, entry, revealSecrets, secretsText },
          file: f,
        });
        const l = side(opts.left, lt, opts.leftFormat, opts.leftTunnel);
        const r = side(opts.right, rt, opts.rightFormat, opts.rightTunnel);
        let pair: ReturnType<typeof importPair>;
        try {
          pair = importPair(l, r);
        } catch (e) {
          throw bySide(e);
        }
        report(opts.left, pair.left);
        report(opts.right, pair.right);
        settings = pair.settings;
        json = { settings: pair.settings, left: pair.left, right: pair.right, provenance: pair.provenance };
        summary = `left: ${pair.left.format} tunnel ${pair.left.entry}; right: ${pair.right.format} tunnel ${pair.right.entry}`;
      } else {
        if (!file) throw new Error('import: give a configuration FILE, or --left FILE and --right FILE');
        const text = await readText(file);
        let result: ImportResult;
        try {
          result = importConfig(text, {
            format: opts.format,
            side: opts.side as Side,
            entry: opts.tunnel ?? opts.entry,
            revealSecrets,
            secretsText,
          });
        } catch (e) {
          throw named(file, e);
        }
        report(file, result);
        settings = result.settings;
        json = result;
        summary = `${result.format}, tunnel ${result.entry} on the ${result.side} gateway; ${result.unsupported.length} line(s) not imported`;
      }
      if (opts.out) {
        const { saveSettingsFile } = await import('../settings/io.js');
        await saveSettingsFile(opts.out, settings);
        console.error(`wrote ${opts.out} (${summary})`);
      }
      if (opts.json) console.log(JSON.stringify(json, null, 2));
      else if (!opts.out) console.log(JSON.stringify(settings, null, 2));
    });

  program
    .command('export')
    .description("generate a gateway's config from lab settings: swanctl.conf, Cisco ASA CLI or Palo Alto set commands")
    .addOption(new Option('--side <side>', 'which gateway').choices(['left', 'right']).default('right'))
    .addOption(
      new Option('--format <format>', 'output format').choices(['swanctl', 'asa', 'paloalto']).default('swanctl'),
    )
    .option('--settings <file>', 'lab settings JSON (default: the running lab)')
    .option('--reveal-secrets', 'write the real pre-shared key instead of a mask')
    .option('--out <file>', 'write here (owner-only permissions) instead of stdout')
    .action(async (opts, cmd: Command) => {
      const settings: LabSettings = opts.settings
        ? await loadSettingsFile(opts.settings)
        : await (await engineFor(cmd)).settings();
      const side = opts.side as Side;
      const options = { revealSecrets: !!opts.revealSecrets };
      let text: string;
      if (opts.format === 'asa') text = (await import('../exporters/asa.js')).exportAsa(settings, side, options);
      else if (opts.format === 'paloalto')
        text = (await import('../exporters/paloalto.js')).exportPaloAlto(settings, side, options);
      else text = (await import('../exporters/swanctl.js')).exportSwanctl(settings, side, options);
      if (opts.out) await writeFileAtomic(opts.out, text);
      else process.stdout.write(text);
    });
}
