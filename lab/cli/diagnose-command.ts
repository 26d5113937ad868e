/**
 * `ipsec-lab diagnose [--json] [--left FILE] [--right FILE] [--left-sas FILE] [--right-sas FILE]
 *  [--left-conf FILE] [--right-conf FILE] [--settings FILE] [--timeout S] [--reproduce] [FILE...]`
 *
 * Parses its own arguments (the CLI wiring only forwards argv). Files are streamed line by line; a
 * FILE is a strongSwan log in any shape, an SA listing, or Cisco ASA / Palo Alto output, recognised
 * by its content. `-` is standard input (`journalctl -u strongswan | ipsec-lab diagnose -`); a named
 * pipe is read like a file. Waiting for input is said on stderr after a second, and `--timeout S`
 * gives up when nothing arrives in time. Exit 0 when the diagnosis ran, 2 for usage errors, 1 for
 * unreadable input.
 */
import { constants } from 'node:fs';
import { access, open, readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';

import { ignoreRejection } from '../common/ignore.js';
import { terminalSafe } from '../common/terminal.js';
import { diagnose, type LogInput, type SasTextInput } from '../diagnosis/diagnose.js';
import type { DiagnosisResult, Finding } from '../diagnosis/findings.js';
import { FileChunks } from '../diagnosis/stream.js';
import type { LabSettings } from '../settings/types.js';
import { loadSettingsFile } from './lazy.js';

const USAGE =
  'usage: ipsec-lab diagnose [--json] [--left FILE] [--right FILE] [--left-sas FILE] [--right-sas FILE] [--left-conf FILE] [--right-conf FILE] [--settings FILE] [--timeout S] [--reproduce] [FILE...]\n  FILE: a strongSwan log (any shape), an SA listing (swanctl --list-sas, ipsec statusall), Cisco ASA or Palo Alto output; - for standard input\n  --timeout S: give up when an input (standard input, a named pipe) has sent nothing for S seconds\n  --reproduce: then apply the catalogue fault that gives the same cause to the lab (--lab NAME) and show the lab reaching the same diagnosis';

interface Args {
  json: boolean;
  logs: { file: string; side: LogInput['side'] }[];
  sas: { file: string; side: SasTextInput['side'] }[];
  conf: { file: string; side: 'left' | 'right' }[];
  settings?: string;
  reproduce: boolean;
  /** Seconds to wait for the first bytes of standard input or a named pipe; undefined: wait (and say so). */
  timeout?: number;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const a: Args = { json: false, logs: [], sas: [], conf: [], reproduce: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || (v.startsWith('--') && v !== '-')) throw new UsageError(`${arg} needs a file`);
      return v;
    };
    switch (arg) {
      case '--json':
        a.json = true;
        break;
      case '--left':
        a.logs.push({ file: value(), side: 'left' });
        break;
      case '--right':
        a.logs.push({ file: value(), side: 'right' });
        break;
      case '--left-sas':
        a.sas.push({ file: value(), side: 'left' });
        break;
      case '--right-sas':
        a.sas.push({ file: value(), side: 'right' });
        break;
      case '--left-conf':
        a.conf.push({ file: value(), side: 'left' });
        break;
      case '--right-conf':
        a.conf.push({ file: value(), side: 'right' });
        break;
      case '--settings':
        a.settings = value();
        break;
      case '--reproduce':
        a.reproduce = true;
        break;
      case '--timeout': {
        const v = argv[++i];
        const n = Number(v);
        if (v === undefined || !Number.isFinite(n) || n <= 0)
          throw new UsageError(`--timeout needs a number of seconds greater than 0, got ${v ?? 'nothing'}`);
        a.timeout = n;
        break;
      }
      case '-h':
      case '--help':
        throw new UsageError('');
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
        a.logs.push({ file: arg, side: 'unknown' });
    }
  }
  if (!a.logs.length && !a.sas.length && !a.conf.length && !a.settings)
    throw new UsageError('nothing to diagnose: give at least one log, SA listing or config (- for standard input)');
  if ([...a.logs, ...a.sas].filter((x) => x.file === STDIN).length > 1)
    throw new UsageError('standard input (-) can be given only once');
  if (a.conf.some((c) => c.file === STDIN) || a.settings === STDIN)
    throw new UsageError('configs and settings are read from files, not standard input');
  return a;
}

const STDIN = '-';

/**
 * An input stream, once it has something to read (or has ended). Standard input and named pipes
 * may make the user wait: say so after a second, and give up after `timeout` seconds if given.
 */
async function openInput(file: string, timeout: number | undefined): Promise<Readable | FileChunks> {
  const label = file === STDIN ? 'standard input' : `the named pipe ${file}`;
  const waiting = (what: string) =>
    process.stderr.write(
      terminalSafe(
        `ipsec-lab diagnose: waiting for ${what} on ${label}${timeout ? ` (giving up after ${timeout} s)` : ' (Ctrl-C to stop, --timeout S to give up)'}\n`,
      ),
    );
  if (file === STDIN) {
    if (process.stdin.isTTY) process.stderr.write('ipsec-lab diagnose: reading standard input, end it with Ctrl-D\n');
    return untilReadable(process.stdin, timeout, () => waiting('input'), label);
  }
  // A file is read into reused buffers: a stream's fresh buffer per chunk costs more than the parsing.
  if (!(await stat(file)).isFIFO()) return new FileChunks(file);
  // Opening a named pipe blocks until a writer opens it: that wait is the one to report and bound.
  const notice = setTimeout(() => waiting('a writer'), 1000);
  try {
    const fh = await withTimeout(open(file, 'r'), timeout, label, () => unblockPipe(file));
    clearTimeout(notice);
    return untilReadable(fh.createReadStream(), timeout, () => waiting('input'), label);
  } finally {
    clearTimeout(notice);
  }
}

/** A reader still blocked in open() on a pipe is released by a writer opening and closing it. */
async function unblockPipe(file: string): Promise<void> {
  const w = await open(file, constants.O_WRONLY | constants.O_NONBLOCK).catch(
    ignoreRejection('no reader is waiting on the pipe any more: nothing to release'),
  );
  await w?.close();
}

function withTimeout<T>(
  p: Promise<T>,
  seconds: number | undefined,
  label: string,
  onTimeout: () => Promise<void>,
): Promise<T> {
  if (!seconds) return p;
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      reject(new InputTimeout(`nothing arrived on ${label} within ${seconds} s (--timeout)`));
      // The pending open still holds a thread: let it finish, and close what it opened.
      onTimeout()
        .then(() => p)
        .then((fh) => (fh as { close?: () => Promise<void> }).close?.())
        .catch(ignoreRejection('the open that timed out failed or closed on its own'));
    }, seconds * 1000);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}

class InputTimeout extends Error {}

/** Resolves with the stream once it is readable or ended, without consuming anything. */
function untilReadable(
  stream: Readable,
  timeout: number | undefined,
  notice: () => void,
  label: string,
): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const said = setTimeout(notice, 1000);
    const limit = timeout
      ? setTimeout(() => {
          done();
          stream.destroy();
          reject(new InputTimeout(`nothing arrived on ${label} within ${timeout} s (--timeout)`));
        }, timeout * 1000)
      : undefined;
    const done = () => {
      clearTimeout(said);
      if (limit) clearTimeout(limit);
      stream.off('readable', ready);
      stream.off('end', ready);
      stream.off('error', failed);
    };
    const ready = () => {
      done();
      resolve(stream);
    };
    const failed = (e: Error) => {
      done();
      reject(e);
    };
    stream.once('readable', ready);
    stream.once('end', ready);
    stream.once('error', failed);
  });
}

async function readable(file: string): Promise<void> {
  if (file === STDIN) return;
  await access(file, constants.R_OK);
  // A named pipe has no content to probe: reading it would take the writer's first bytes.
  if ((await stat(file)).isFIFO()) return;
  // A directory passes access(); reading it is what fails.
  const fh = await open(file, 'r');
  try {
    await fh.read(Buffer.alloc(1), 0, 1, 0);
  } finally {
    await fh.close();
  }
}

/**
 * Both gateways' swanctl.conf through the swanctl importer, as settings for the pre-flight check.
 * One file alone is not compared (the importer mirrors it, so it would always "match").
 */
async function importConf(files: Args['conf'], notes: string[]): Promise<{ settings?: LabSettings; extra: Finding[] }> {
  if (!files.length) return { extra: [] };
  const left = files.find((f) => f.side === 'left');
  const right = files.find((f) => f.side === 'right');
  if (!left || !right) {
    notes.push('Only one swanctl.conf given: the pre-flight comparison needs both --left-conf and --right-conf.');
    return { extra: [] };
  }
  // Loaded only for configs: the importers validate settings with zod, a good part of the start-up.
  const { importSwanctl } = await import('../importers/swanctl.js');
  const { trafficSelectors } = await import('../settings/addresses.js');
  const L = importSwanctl(await readFile(left.file, 'utf8'), { side: 'left' });
  const R = importSwanctl(await readFile(right.file, 'utf8'), { side: 'right' });
  for (const [f, r] of [
    [left, L],
    [right, R],
  ] as const) {
    if (r.unsupported.length)
      notes.push(
        `${f.file}: ${r.unsupported.length} line(s) not used by the comparison (e.g. line ${r.unsupported[0].line}: ${r.unsupported[0].reason}).`,
      );
  }
  const settings: LabSettings = {
    schema: 1,
    left: structuredClone(L.settings.left),
    right: structuredClone(R.settings.right),
    realisticTimers: false,
  };
  // Each import fills the peer's LAN from its own remote selector; pin the selectors each file states.
  const lts = trafficSelectors(L.settings, 'left');
  const rts = trafficSelectors(R.settings, 'right');
  Object.assign(settings.left.gateway, { localTs: lts.local, remoteTs: lts.remote });
  Object.assign(settings.right.gateway, { localTs: rts.local, remoteTs: rts.remote });
  // The settings' WAN subnets are synthetic for imported files: compare the addresses the files state.
  const extra: Finding[] = [];
  for (const [me, peer, meFile, peerFile, side] of [
    [L, R, left.file, right.file, 'left'],
    [R, L, right.file, left.file, 'right'],
  ] as const) {
    if (
      me.peerAddress &&
      peer.localAddress &&
      me.peerAddress !== peer.localAddress &&
      !/%any|0\.0\.0\.0/.test(me.peerAddress)
    ) {
      extra.push({
        cause: 'peer-address-mismatch',
        phase: 'config',
        confidence: 0.85,
        side,
        summary: `${side} sends IKE to ${me.peerAddress}, but the other gateway's local address is ${peer.localAddress}.`,
        evidence: [
          { source: meFile, line: 0, text: `remote_addrs = ${me.peerAddress}` },
          { source: peerFile, line: 0, text: `local_addrs = ${peer.localAddress}` },
        ],
        fix: ["Set remote_addrs to the peer's address (after NAT) and the peer's remote_addrs to this gateway's."],
        vendor: {},
      });
    }
  }
  return { settings, extra };
}

export async function diagnoseCommand(argv: string[], ctx: { lab?: string } = {}): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    const msg = (e as Error).message;
    process.stderr.write(msg ? `ipsec-lab diagnose: ${msg}\n${USAGE}\n` : `${USAGE}\n`);
    return msg ? 2 : 0;
  }
  for (const f of [...args.logs, ...args.sas, ...args.conf]
    .map((x) => x.file)
    .concat(args.settings ? [args.settings] : [])) {
    try {
      await readable(f);
    } catch (e) {
      process.stderr.write(
        `ipsec-lab diagnose: cannot read ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
      );
      return 1;
    }
  }
  const notes: string[] = [];
  let settings: LabSettings | undefined;
  let extra: Finding[] = [];
  try {
    if (args.settings) settings = await loadSettingsFile(args.settings);
    else ({ settings, extra } = await importConf(args.conf, notes));
  } catch (e) {
    process.stderr.write(terminalSafe(`ipsec-lab diagnose: ${String((e as Error).message).split('\n')[0]}\n`));
    return 1;
  }
  let result: DiagnosisResult;
  try {
    const logs: LogInput[] = [];
    const sasText: SasTextInput[] = [];
    const source = (file: string) => (file === STDIN ? 'stdin' : file);
    for (const l of args.logs)
      logs.push({ source: source(l.file), side: l.side, lines: await openInput(l.file, args.timeout) });
    for (const x of args.sas)
      sasText.push({ source: source(x.file), side: x.side, lines: await openInput(x.file, args.timeout) });
    result = await diagnose({
      logs,
      sasText,
      settings,
      extraFindings: extra,
      // Imported files have synthetic WAN subnets: their own address check replaces the settings one.
      skipCauses: args.settings ? [] : ['peer-address-mismatch'],
    });
  } catch (e) {
    process.stderr.write(
      terminalSafe(
        e instanceof InputTimeout
          ? `ipsec-lab diagnose: ${e.message}\n`
          : `ipsec-lab diagnose: cannot read input: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`,
      ),
    );
    return 1;
  }
  result.notes.push(...notes);
  if (!args.logs.some((l) => l.side === 'left') || !args.logs.some((l) => l.side === 'right')) {
    if (args.logs.length)
      result.notes.push(
        "Only one side's log (or logs without a side): the responder's log usually holds the reason; add it with --left/--right.",
      );
  }
  if (!args.reproduce) {
    process.stdout.write(terminalSafe(args.json ? JSON.stringify(toJson(result)) + '\n' : human(result)));
    return 0;
  }
  if (!args.json) process.stdout.write(terminalSafe(human(result)));
  const rep = await reproduceOnLab(result, settings, ctx.lab, !args.json);
  if (args.json)
    process.stdout.write(
      terminalSafe(JSON.stringify({ ...(toJson(result) as object), reproduction: rep.json }) + '\n'),
    );
  return rep.ok ? 0 : 1;
}

/** `--reproduce`: the customer's cause, shown on the lab. */
async function reproduceOnLab(
  result: DiagnosisResult,
  settings: LabSettings | undefined,
  lab: string | undefined,
  talk: boolean,
): Promise<{ ok: boolean; json: unknown }> {
  const { LabEngine } = await import('../engine/lab-engine.js');
  const { reproduce } = await import('../reproduce/reproduce.js');
  const engine = LabEngine.connect(lab);
  const say = (l: string) => talk && process.stdout.write(terminalSafe(`${l}\n`));
  try {
    say(`\nReproducing "${result.verdict}" on lab "${engine.name}":`);
    // Detached as after `up`: the CLI exits and the user goes on with the lab (an attached lab would be
    // an orphan that the next `up` on this engine removes).
    const r = await reproduce(engine, result, { settings, mode: 'detached', onProgress: (l) => say(`  ${l}`) });
    if (r.matched)
      say(
        `  ✔ the lab's own diagnosis reaches ${r.labVerdict}: the same symptoms are on the lab now.\n  Try the fix, or revert the fault: ${r.fixCommand}`,
      );
    else
      say(
        `  ✘ the lab's diagnosis says ${r.labVerdict}, not ${r.cause}: the customer's problem is not (only) the catalogue's ${r.fault.id}. Revert with: ${r.fixCommand}`,
      );
    for (const n of r.notes) say(`  note: ${n}`);
    if (r.alternatives.length)
      say(`  other faults with the same cause: ${r.alternatives.join(', ')} (ipsec-lab break ID)`);
    return {
      ok: r.matched,
      json: {
        fault: r.fault.id,
        lab: engine.name,
        labVerdict: r.labVerdict,
        matched: r.matched,
        alternatives: r.alternatives,
        fix: r.fixCommand,
      },
    };
  } catch (e) {
    process.stderr.write(terminalSafe(`ipsec-lab diagnose --reproduce: ${(e as Error).message}\n`));
    return { ok: false, json: { error: (e as Error).message } };
  } finally {
    await engine.close();
  }
}

export function toJson(r: DiagnosisResult): unknown {
  return {
    verdict: r.verdict,
    findings: r.findings.map((f) => {
      const o: Record<string, unknown> = {
        cause: f.cause,
        phase: f.phase,
        confidence: f.confidence,
        side: f.side,
        summary: f.summary,
        evidence: f.evidence,
        fix: f.fix,
        vendor: f.vendor,
      };
      if (f.alternatives) o.alternatives = f.alternatives;
      if (f.decidingCheck) o.decidingCheck = f.decidingCheck;
      if (f.checked) o.checked = f.checked;
      return o;
    }),
    stats: r.stats,
    inputs: (r.inputs ?? []).map((i) => ({
      ...i,
      recognised: i.lines - i.unrecognised,
      summary: inputSummary(i),
    })),
    // Nothing in any input was read: the verdict is no analysis.
    unread: nothingRead(r),
    notes: r.notes,
  };
}

/** No input had a line that was read (blank lines aside): there is nothing the verdict could rest on. */
function nothingRead(r: DiagnosisResult): boolean {
  const inputs = r.inputs ?? [];
  return inputs.length > 0 && inputs.every((i) => Object.keys(i.read).length === 0);
}

/** "N of M lines not recognised; this looks like ..." for one input, or what was read. */
export function inputSummary(i: NonNullable<DiagnosisResult['inputs']>[number]): string {
  const kinds = Object.entries(i.read)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  const read = kinds ? `read ${kinds}` : 'nothing read';
  if (!i.unrecognised) return `${i.lines} line(s): ${read}.`;
  const first = i.firstUnrecognised
    ? ` (first: line ${i.firstUnrecognised.line}: ${clip(i.firstUnrecognised.text)})`
    : '';
  return `${i.unrecognised} of ${i.lines} line(s) not recognised; this looks like ${i.looksLike ?? 'something else'}${first}. ${capital(read)}.`;
}

const clip = (t: string) => (t.length > 100 ? `${t.slice(0, 97)}...` : t);
const capital = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

export function human(r: DiagnosisResult): string {
  const lines: string[] = [];
  const unread = nothingRead(r);
  // A verdict on input that was not read must not look like an analysis.
  lines.push(unread ? 'Verdict: none (nothing in the input was read)' : `Verdict: ${r.verdict}`);
  if (r.inputs?.length) for (const i of r.inputs) lines.push(`Input ${i.source}: ${inputSummary(i)}`);
  else lines.push(`Read ${r.stats.lines} line(s), ${r.stats.unparsed} not recognised.`);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  r.findings.forEach((f: Finding, i: number) => {
    lines.push('');
    lines.push(`${i + 1}. ${f.cause}  (${Math.round(f.confidence * 100)}%, phase ${f.phase}, side ${f.side})`);
    lines.push(`   ${f.summary}`);
    if (f.evidence.length) {
      lines.push('   Evidence:');
      for (const e of f.evidence) lines.push(`     ${e.source}${e.line ? `:${e.line}` : ''}: ${e.text}`);
    }
    if (f.alternatives?.length) lines.push(`   Cannot rule out: ${f.alternatives.join(', ')}`);
    if (f.decidingCheck) lines.push(`   Deciding check: ${f.decidingCheck}`);
    // The checks the lab ran itself (explain): each command with what it showed.
    if (f.checked?.length) {
      lines.push('   The lab checked:');
      for (const c of f.checked) lines.push(`     - ${c.ran}: ${c.saw}`);
    }
    if (f.fix.length) {
      lines.push('   Fix:');
      for (const x of f.fix) lines.push(`     - ${x}`);
    }
    // Vendor notes carry one line per topic (states, logs, check, fix).
    if (f.vendor.asa) lines.push('   Cisco ASA:', ...f.vendor.asa.split('\n').map((l) => `     ${l}`));
    if (f.vendor.paloAlto) lines.push('   Palo Alto:', ...f.vendor.paloAlto.split('\n').map((l) => `     ${l}`));
  });
  if (unread)
    lines.push(
      '',
      'No diagnosis: this tool reads strongSwan logs (any shape), SA listings (swanctl --list-sas, ipsec statusall) and Cisco ASA / Palo Alto IKE output (show crypto, debug crypto, syslog, ikemgr.log, the VPN system log).',
    );
  else if (!r.findings.length)
    lines.push('', 'No finding: what was read shows neither a fault nor an established tunnel.');
  return lines.join('\n') + '\n';
}
