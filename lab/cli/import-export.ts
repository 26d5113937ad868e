import { readFile } from 'node:fs/promises';

import { type Command, Option } from 'commander';

import { writeFileAtomic } from '../common/safe-write.js';
import { terminalSafe } from '../common/terminal.js';
import type { PairImportResult } from '../importers/pair.js';
import type { ImportFormat, ImportResult } from '../importers/types.js';
import type { SettingsPair } from '../settings/compare.js';
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

/** One compared pair as text; with the configs' files, each device's lines behind it as file:line. */
export function pairText(p: SettingsPair, files?: Record<Side, string>): string {
  const rel = p.relation === 'mirror' ? '⇄' : p.relation === 'either' ? 'or' : '=';
  let out = `${p.ok ? '✔' : '✘'} ${p.left} ${rel} ${p.right}: ${JSON.stringify(p.leftValue)} / ${JSON.stringify(p.rightValue)}`;
  if (!p.ok) out += `\n    ${p.why}`;
  for (const a of p.advice ?? []) out += `\n    ⚠ weak crypto: ${a}`;
  if (files && (!p.ok || p.advice?.length))
    for (const l of p.lines ?? []) {
      const side = l.field.startsWith('right.') ? 'right' : 'left';
      out += `\n    ${side === 'left' ? 'left ' : 'right'} ${files[side]}:${l.line}  ${l.text.trim()}`;
    }
  return terminalSafe(out);
}

// The importers' SECRET_MASK, spelled here so the CLI loads no importer until a command runs.
const SECRET_MASK = '********';

/** A copy with every `psk` field masked (settings, gateways, both ends of a pair). */
function maskKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, k === 'psk' && typeof v === 'string' ? SECRET_MASK : maskKeys(v)]),
  );
}

interface PairOptions {
  left: string;
  right: string;
  leftFormat?: ImportFormat;
  rightFormat?: ImportFormat;
  leftTunnel?: string;
  rightTunnel?: string;
  revealSecrets?: boolean;
  secretsText?: string;
}

/** Both ends from their own files; an error names the file of the end that failed. */
async function importPairFiles(opts: PairOptions): Promise<PairImportResult> {
  const { importPair } = await import('../importers/index.js');
  const [lt, rt] = await Promise.all([readText(opts.left), readText(opts.right)]);
  const end = (text: string, format?: ImportFormat, entry?: string) => ({
    text,
    options: { format, entry, revealSecrets: opts.revealSecrets, secretsText: opts.secretsText },
  });
  try {
    return importPair(end(lt, opts.leftFormat, opts.leftTunnel), end(rt, opts.rightFormat, opts.rightTunnel));
  } catch (e) {
    // A two-file import names the side that failed; the user knows it by its file.
    const m = /^(left|right): /.exec((e as Error).message);
    if (m) (e as Error).message = (e as Error).message.slice(m[0].length);
    (e as Error).message = `${m?.[1] === 'right' ? opts.right : opts.left}: ${(e as Error).message}`;
    throw e;
  }
}

/**
 * `compare --left FILE --right FILE`: every pair the two devices' configs must agree on, before
 * anything runs, the mismatches with each device's own lines. Exit code 1 when any pair disagrees.
 */
export async function compareConfigFiles(opts: PairOptions & { json?: boolean }): Promise<void> {
  const { compareGateways } = await import('../settings/compare.js');
  const pair = await importPairFiles(opts);
  const pairs = compareGateways(pair.settings, pair.provenance);
  const files = { left: opts.left, right: opts.right };
  if (opts.json) console.log(JSON.stringify({ files, pairs }, null, 2));
  else for (const p of pairs) console.log(pairText(p, files));
  if (pairs.some((p) => !p.ok)) process.exitCode = 1;
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
      const { importConfig } = await import('../importers/index.js');
      const revealSecrets = !!opts.revealSecrets;
      const secretsText = opts.secrets ? await readText(opts.secrets) : undefined;
      const named = (f: string, e: unknown) => {
        (e as Error).message = `${f}: ${(e as Error).message}`;
        return e;
      };
      let settings: LabSettings;
      let json: unknown;
      let summary: string;
      if (opts.left || opts.right) {
        if (!opts.left || !opts.right || file)
          throw new Error('import: give both --left FILE and --right FILE (and no other file), or one FILE');
        const pair = await importPairFiles({ ...opts, revealSecrets, secretsText });
        report(opts.left, pair.left);
        report(opts.right, pair.right);
        // What the two devices would disagree on, before anything runs, in their own lines.
        const { compareGateways } = await import('../settings/compare.js');
        const bad = compareGateways(pair.settings, pair.provenance).filter((p) => !p.ok);
        const files = { left: opts.left as string, right: opts.right as string };
        if (bad.length) {
          console.error(`${bad.length} mismatch(es) between the two configs (before anything runs):`);
          for (const p of bad) console.error(pairText(p, files));
        } else console.error('the two configs agree on every setting they must share');
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
      // The file --out writes (owner-only) keeps the keys the lab needs; what is printed shows none.
      const printed = opts.json ? json : opts.out ? undefined : settings;
      if (printed !== undefined) {
        console.log(JSON.stringify(revealSecrets ? printed : maskKeys(printed), null, 2));
        if (!revealSecrets)
          console.error(
            'pre-shared keys are masked here: --out FILE writes them (owner-only), --reveal-secrets prints them',
          );
      }
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
