/**
 * Diagnosis throughput on a large generated log, side by side with grep over the same file
 * (issue #12: "on a 100 MB log within 3x of the single `grep -E` signature scan").
 *
 * The log is built from the lab's own recorded charon logs (test/fixtures/diagnosis): a long-running
 * lab where every couple of minutes a recorded gateway session (start-up, config load, negotiation,
 * healthy or one of the catalogue's faults, both IKE versions, strongSwan 5.9 and 6.0) is replayed
 * with fresh IKE_SA ids, and between sessions the steady state the recordings show after a tunnel
 * is up: ESP packets through libipsec's socket (three NET2 lines each), the lab's VICI counter
 * polls, and DPD exchanges on a long-lived IKE_SA with growing message IDs. The log ends with that
 * peer no longer answering. About 7% of the lines become events; the verdict is whichever of the
 * replayed faults ranks first (printed).
 *
 * The parser is the built CLI as users run it (`ipsec-lab diagnose --json FILE`, the dist/cli
 * bundle), timed from spawn to exit. Its honest peer is a signature scan: ONE `grep -E -c` whose
 * pattern is every literal the classifier's patterns start with (read from the patterns themselves
 * by regex-literals.ts, as the parser's prefilter reads them), i.e. what finding the interesting
 * lines costs a tool that does nothing else. Beside them: `grep -c` for a word and for every line,
 * and Node reading and splitting the same file with nothing done per line (the floor any JS parser
 * starts from). Memory (peak heap, what the finished diagnosis retains) comes from one in-process
 * run per size, as before. The file is written to os.tmpdir() and removed afterwards.
 *
 * Run alone: `npm run bench -- diagnosis` (sizes in MB: DIAG_BENCH_MB=100,400; runs per figure:
 * DIAG_BENCH_RUNS=3).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { CLASSIFIER_PATTERNS } from '../lab/diagnosis/events.js';
import { requiredLiterals } from '../lab/diagnosis/regex-literals.js';
import { cli, type Figure, freshCli } from './support.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const FIXTURES = here('../test/fixtures/diagnosis');
/** The issue's bar: the parser at most this many times slower than the `grep -E` signature scan. */
const TARGET_RATIO = 3;
/** What `grep -c` looks for: a word a user greps a charon log for (fixed string, like most greps). */
const GREP_WORD = 'retransmit';

// ---------------------------------------------------------------------------------------------
// The generated log

/** The recorder's timestamp ("Nov 22 11:04:31.792 "): the generator writes its own clock instead. */
const RECORDED_TIME = /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d\.\d{3} /;
/** A line the generator writes without a timestamp (the recordings have a few, from a shell). */
const UNSTAMPED = '\u0000';

/** Every recorded gateway session (one side's log of one scenario), lines without timestamps. */
function recordedSessions(): string[][] {
  const out: string[][] = [];
  for (const scenario of readdirSync(FIXTURES).sort()) {
    for (const side of ['left', 'right']) {
      const file = path.join(FIXTURES, scenario, `${side}.log`);
      if (!existsSync(file)) continue;
      const lines = readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (RECORDED_TIME.test(l) ? l.replace(RECORDED_TIME, '') : UNSTAMPED + l));
      out.push(lines);
    }
  }
  if (!out.length) throw new Error(`no recorded logs under ${FIXTURES}`);
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** charon's file log timestamp ("Nov 22 11:04:31.792 ") for a time in ms. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} `;
}

const thread = (i: number) => pad(1 + (i % 16));
const LEFT = '172.31.250.10';
const RIGHT = '172.31.251.10';

/** One ESP packet each way through libipsec's socket, as the recordings show them (NET2). */
function espLines(i: number): string[] {
  return [
    `${thread(i)}[NET2] received packet: from ${RIGHT}[4500] to ${LEFT}[4500]`,
    `${thread(i)}[NET2] waiting for data on sockets`,
    `${thread(i + 1)}[NET2] sending packet: from ${LEFT}[4500] to ${RIGHT}[4500]`,
  ];
}

/** The lab's counter poll over VICI. */
function viciPoll(client: number, i: number): string[] {
  return [
    `${thread(i)}[CFG2] vici client ${client} connected`,
    `${thread(i + 1)}[CFG2] vici client ${client} registered for: list-sa`,
    `${thread(i + 2)}[CFG2] vici client ${client} requests: list-sas`,
    `${thread(i + 3)}[CFG2] vici client ${client} disconnected`,
  ];
}

/** A DPD exchange on an established IKEv2 SA (recorded in dpd-peer-dead-v2-trixie/right.log). */
function dpdExchange(ike: number, mid: number, i: number, answered: boolean): string[] {
  const t = `<lab|${ike}>`;
  const sent = [
    `${thread(i)}[IKE1] ${t} sending DPD request`,
    `${thread(i)}[IKE2] ${t} queueing IKE_DPD task`,
    `${thread(i)}[IKE2] ${t} activating new tasks`,
    `${thread(i)}[IKE2] ${t}   activating IKE_DPD task`,
    `${thread(i)}[ENC1] ${t} generating INFORMATIONAL request ${mid} [ ]`,
    `${thread(i)}[NET1] ${t} sending packet: from ${LEFT}[4500] to ${RIGHT}[4500] (80 bytes)`,
    `03[NET2] sending packet: from ${LEFT}[4500] to ${RIGHT}[4500]`,
  ];
  if (!answered) return sent;
  return [
    ...sent,
    `04[NET2] received packet: from ${RIGHT}[4500] to ${LEFT}[4500]`,
    `04[NET2] waiting for data on sockets`,
    `${thread(i + 1)}[NET1] ${t} received packet: from ${RIGHT}[4500] to ${LEFT}[4500] (80 bytes)`,
    `${thread(i + 1)}[ENC1] ${t} parsed INFORMATIONAL response ${mid} [ ]`,
    `${thread(i + 1)}[IKE2] ${t} activating new tasks`,
    `${thread(i + 1)}[IKE2] ${t} nothing to initiate`,
  ];
}

/** A recorded session with its IKE_SA unique ids moved up by `offset` (charon's ids only grow). */
function renumber(lines: string[], offset: number): string[] {
  return lines.map((l) =>
    l
      .replace(
        /<(?:([^|<>]*)\|)?(\d+)>/,
        (_m, name: string | undefined, id: string) => `<${name !== undefined ? `${name}|` : ''}${Number(id) + offset}>`,
      )
      .replace(/IKE_SA (\S+?)\[(\d+)\]/, (_m, name: string, id: string) => `IKE_SA ${name}[${Number(id) + offset}]`),
  );
}

export interface LogMix {
  bytes: number;
  lines: number;
  sessions: number;
  sessionLines: number;
}

/**
 * Writes a log of at least `targetBytes`: per simulated second one ESP packet each way, a VICI poll
 * every 8 s, a DPD exchange every 30 s, a recorded session every 120 s; then the peer dies.
 */
export async function generateLog(file: string, targetBytes: number): Promise<LogMix> {
  const sessions = recordedSessions();
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  const mix: LogMix = { bytes: 0, lines: 0, sessions: 0, sessionLines: 0 };
  let clock = Date.UTC(2025, 10, 22, 11, 0, 0);
  let batch: string[] = [];
  const write = async (lines: string[], spacingMs: number) => {
    for (const l of lines) {
      const text = (l.startsWith(UNSTAMPED) ? l.slice(1) : stamp(clock) + l) + '\n';
      clock += spacingMs;
      batch.push(text);
      mix.bytes += Buffer.byteLength(text);
      mix.lines++;
    }
    if (batch.length >= 4096) {
      const chunk = batch.join('');
      batch = [];
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
  };
  const LONG_LIVED = 1; // the tunnel that stays up; sessions get ids from 2 on
  let nextId = 2;
  let mid = 0;
  let vici = 1;
  for (let second = 0; mix.bytes < targetBytes; second++) {
    if (second % 120 === 0) {
      const s = sessions[mix.sessions % sessions.length];
      const maxId = Math.max(1, ...s.map((l) => Number(/<(?:[^|<>]*\|)?(\d+)>/.exec(l)?.[1] ?? 0)));
      await write(renumber(s, nextId - 1), 1);
      nextId += maxId;
      mix.sessions++;
      mix.sessionLines += s.length;
    }
    await write(espLines(second), 100);
    if (second % 8 === 0) await write(viciPoll(vici++, second), 1);
    if (second % 30 === 0) await write(dpdExchange(LONG_LIVED, mid++, second, true), 1);
    clock += 500;
  }
  // The end: the long-lived tunnel's peer stops answering DPD (dpd-peer-dead).
  await write(dpdExchange(LONG_LIVED, mid, 0, false), 1);
  for (let r = 1; r <= 3; r++) {
    clock += 4000;
    await write(
      [
        `${thread(r)}[IKE1] <lab|${LONG_LIVED}> retransmit ${r} of request with message ID ${mid}`,
        `${thread(r)}[NET1] <lab|${LONG_LIVED}> sending packet: from ${LEFT}[4500] to ${RIGHT}[4500] (80 bytes)`,
      ],
      1,
    );
  }
  await write(
    [
      `07[IKE1] <lab|${LONG_LIVED}> giving up after 3 retransmits`,
      `07[IKE1] <lab|${LONG_LIVED}> restarting CHILD_SA net`,
    ],
    1,
  );
  if (batch.length) out.write(batch.join(''));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  // On disk before anything is measured: the kernel writing the fresh file back meanwhile (some
  // 100 MB, seconds on a slow disk) slowed whichever tool ran then, the parser more than grep.
  const fh = await open(file, 'r+');
  await fh.sync().finally(() => fh.close());
  return mix;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface ParseRun {
  lines: number;
  seconds: number;
  cpuSeconds: number;
  verdict: string;
  maxRssMb: number;
  peakHeapMb: number;
  /** Heap after a full GC with the diagnosis still alive. */
  retainedMb: number;
}

/**
 * The measured child. `parse`: exactly what `ipsec-lab diagnose FILE` runs on a log (the CLI reads
 * a file with FileChunks), timed from the first read to the ranked findings. `floor`: the same read
 * and line split with nothing done per line: what Node costs before any parsing.
 */
async function child(mode: string, file: string): Promise<void> {
  const { feedLog, LiveDiagnosis } = await import('../lab/diagnosis/diagnose.js');
  const { FileChunks, forEachLineRange } = await import('../lab/diagnosis/stream.js');
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  let lines = 0;
  let verdict = '';
  let live: InstanceType<typeof LiveDiagnosis> | undefined;
  if (mode === 'parse') {
    // diagnose()'s own steps, so the diagnosis can be kept to weigh what it holds afterwards.
    live = new LiveDiagnosis();
    await feedLog(live, { source: file, side: 'unknown', lines: new FileChunks(file) });
    const result = live.result();
    lines = result.stats.lines;
    verdict = result.verdict;
  } else {
    await forEachLineRange(new FileChunks(file), () => void lines++);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  clearInterval(timer);
  sample();
  // What the diagnosis keeps once the file is read (run with --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const retainedMb = process.memoryUsage().heapUsed / 2 ** 20;
  if (live) live.findings(); // keeps the diagnosis alive through the GC above
  const run: ParseRun = {
    lines,
    seconds,
    verdict,
    retainedMb,
    cpuSeconds: (used.user + used.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(run) + '\n');
}

async function runChild(mode: 'parse' | 'floor', file: string): Promise<ParseRun> {
  const proc = spawn(
    process.execPath,
    ['--expose-gc', here('../bin/run-ts.js'), here('./diagnosis-throughput.ts'), `--${mode}`, file],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => proc.on('close', r));
  if (code !== 0) throw new Error(`${mode} child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as ParseRun;
}

/** `grep -c [-F|-E] PATTERN FILE`, timed from spawn to exit. */
function grep(pattern: string, file: string, mode: '-F' | '-E' = '-F'): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', mode, '-e', pattern, file], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C' },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw new Error(`grep: ${r.error.message}`);
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep exited with ${r.status}: ${r.stderr}`);
  return { seconds, count: Number(r.stdout.trim()) };
}

/**
 * The signature scan's pattern: every literal a classifier pattern starts with (its required
 * prefixes, as regex-literals.ts reads them from the pattern), as one POSIX extended alternation.
 */
export function signaturePattern(): { pattern: string; literals: number; patterns: number } {
  const literals = new Set<string>();
  let patterns = 0;
  for (const list of CLASSIFIER_PATTERNS.values())
    for (const p of list) {
      patterns++;
      const req = requiredLiterals(p.re);
      if (!req) throw new Error(`classifier pattern /${p.re.source}/ has no literal a scan could look for`);
      for (const prefix of req.prefixes) literals.add(prefix);
    }
  const ere = (lit: string) => lit.replace(/[.[\]()*+?{}|^$\\]/g, '\\$&');
  return { pattern: [...literals].map(ere).join('|'), literals: literals.size, patterns };
}

interface CliParse {
  seconds: number;
  lines: number;
  verdict: string;
}

/** `ipsec-lab diagnose --json FILE` through the built CLI, timed from spawn to exit. */
async function parseWithCli(file: string): Promise<CliParse> {
  for (let attempt = 0; ; attempt++) {
    const run = await cli(['diagnose', '--json', file]);
    if (!run.stdout.trim()) throw new Error(`diagnose exited ${run.code} with no report: ${run.stderr.trim()}`);
    // A run during which the CLI rebuilt itself (someone edited lab/) timed a build: once more.
    if (run.rebuilt && attempt < 2) continue;
    const out = JSON.parse(run.stdout) as { verdict: string; stats: { lines: number } };
    return { seconds: run.seconds, lines: out.stats.lines, verdict: out.verdict };
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const byWall = (runs: ParseRun[]) => [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en');

export async function benchDiagnosisThroughput(): Promise<Figure[]> {
  const sizesMb = (process.env.DIAG_BENCH_MB ?? '100,400')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const runs = Math.max(1, Number(process.env.DIAG_BENCH_RUNS ?? 3));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-diag-bench-'));
  const figures: Figure[] = [];
  const heaps: { mb: number; heap: number; sessions: number }[] = [];
  const signature = signaturePattern();
  await freshCli();
  try {
    for (const mb of sizesMb) {
      const file = path.join(dir, `charon-${mb}mb.log`);
      console.error(`bench: diagnosis: generating a ${mb} MB log in ${dir}...`);
      const mix = await generateLog(file, mb * 1e6);
      const mbytes = statSync(file).size / 1e6;
      // One grep first: the file is in the page cache for every measurement, as for a user who
      // just saved it. Then the tools take turns, so a busy machine slows them alike.
      grep(GREP_WORD, file);
      const parses: CliParse[] = [];
      const floors: ParseRun[] = [];
      const scans: number[] = [];
      const greps: number[] = [];
      const greps0: number[] = [];
      let matches = 0;
      let signatureLines = 0;
      for (let i = 0; i < runs; i++) {
        const sc = grep(signature.pattern, file, '-E');
        scans.push(sc.seconds);
        signatureLines = sc.count;
        parses.push(await parseWithCli(file));
        const g = grep(GREP_WORD, file);
        greps.push(g.seconds);
        matches = g.count;
        greps0.push(grep('', file).seconds);
        floors.push(await runChild('floor', file));
      }
      // Memory from one in-process run (peak heap, what the finished diagnosis retains).
      const mem = await runChild('parse', file);
      const p = [...parses].sort((a, b) => a.seconds - b.seconds)[Math.floor(parses.length / 2)];
      const floor = byWall(floors);
      const scan = median(scans);
      const g = median(greps);
      const g0 = median(greps0);
      if (p.lines !== mix.lines || floor.lines !== mix.lines)
        throw new Error(`read ${p.lines}/${floor.lines} lines, the generator wrote ${mix.lines}`);
      // Each run's parser against the scan that ran beside it, then the median of those ratios.
      const ratio = median(parses.map((x, i) => x.seconds / scans[i]));
      const tag = `diagnosis ${mb} MB`;
      figures.push(
        {
          name: `${tag}: parser (ipsec-lab diagnose, built CLI)`,
          value: mbytes / p.seconds,
          unit: 'MB/s',
          note: `${rate(p.lines, p.seconds)} lines/s; ${p.seconds.toFixed(2)} s wall from spawn; verdict ${p.verdict}`,
        },
        {
          name: `${tag}: grep -E signature scan`,
          value: mbytes / scan,
          unit: 'MB/s',
          note: `${scan.toFixed(2)} s; one pattern of the ${signature.literals} literals the ${signature.patterns} classifier patterns start with; ${signatureLines} matching lines`,
        },
        {
          name: `${tag}: parser / grep -E signature scan`,
          value: ratio,
          unit: 'x',
          note: `target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}`,
        },
        {
          name: `${tag}: grep -c ${GREP_WORD}`,
          value: mbytes / g,
          unit: 'MB/s',
          note: `${g.toFixed(2)} s; ${matches} matching lines; parser takes ${(p.seconds / g).toFixed(1)}x as long`,
        },
        {
          name: `${tag}: grep -c '' (every line)`,
          value: mbytes / g0,
          unit: 'MB/s',
          note: `${g0.toFixed(2)} s; parser takes ${(p.seconds / g0).toFixed(1)}x as long`,
        },
        {
          name: `${tag}: node read + line split only`,
          value: mbytes / floor.seconds,
          unit: 'MB/s',
          note: `${floor.seconds.toFixed(2)} s, ${(floor.seconds / scan).toFixed(1)}x the signature scan before parsing anything`,
        },
        {
          name: `${tag}: parser peak heap`,
          value: mem.peakHeapMb,
          unit: 'MB',
          note: `in-process run; ${mix.sessions} recorded sessions replayed (${((100 * mix.sessionLines) / mix.lines).toFixed(0)}% of ${mix.lines} lines)`,
        },
        {
          name: `${tag}: diagnosis state after GC`,
          value: mem.retainedMb,
          unit: 'MB',
          note: 'heap the finished diagnosis holds (full GC, diagnosis alive)',
        },
        { name: `${tag}: parser peak RSS`, value: mem.maxRssMb, unit: 'MB', note: 'in-process run, whole process' },
      );
      heaps.push({ mb, heap: mem.retainedMb, sessions: mix.sessions });
      rmSync(file, { force: true });
    }
    if (heaps.length > 1) {
      const [a, b] = [heaps[0], heaps[heaps.length - 1]];
      figures.push({
        name: `diagnosis memory ${b.mb} MB vs ${a.mb} MB: state after GC`,
        value: b.heap / a.heap,
        unit: 'x',
        note: `file ${(b.mb / a.mb).toFixed(0)}x; ${(((b.heap - a.heap) * 1024) / (b.sessions - a.sessions)).toFixed(1)} KB more per replayed session: the lines are not kept, and the correlator tracks at most 1000 IKE_SAs`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

const mode = process.argv[2];
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  (mode === '--parse' || mode === '--floor')
) {
  await child(mode.slice(2), process.argv[3]);
}
