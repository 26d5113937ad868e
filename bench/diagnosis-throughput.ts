/**
 * Diagnosis throughput on a large generated log, side by side with `grep -c` over the same file
 * (issue #4: "within 3x of grep, memory flat in file size").
 *
 * The log is built from the lab's own recorded charon logs (test/fixtures/diagnosis): a long-running
 * lab where every couple of minutes a recorded gateway session (start-up, config load, negotiation,
 * healthy or one of the catalogue's faults, both IKE versions, strongSwan 5.9 and 6.0) is replayed
 * with fresh IKE_SA ids, and between sessions the steady state the recordings show after a tunnel
 * is up: ESP packets through libipsec's socket (three NET2 lines each), the lab's VICI counter
 * polls, and DPD exchanges on a long-lived IKE_SA with growing message IDs. The log ends with a
 * peer that stops answering, so the diagnosis has a fault to find.
 *
 * The parser runs in a child process per file size (so its peak RSS is its own): it is the same call
 * `ipsec-lab diagnose FILE` makes (read stream -> lines -> records -> events -> correlation ->
 * findings). The file is written to os.tmpdir() and removed afterwards.
 *
 * Run alone: `npm run bench -- diagnosis` (sizes in MB: DIAG_BENCH_MB=100,400; runs per figure:
 * DIAG_BENCH_RUNS=3).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Figure } from './lab-bench.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const FIXTURES = here('../test/fixtures/diagnosis');
/** The issue's bar: the parser at most this many times slower than `grep -c` on the same file. */
const TARGET_RATIO = 3;
/** What `grep -c` looks for: a word a user greps a charon log for (fixed string, like most greps). */
const GREP_WORD = 'retransmit';

// ---------------------------------------------------------------------------------------------
// The generated log

/** Every recorded gateway session (one side's log of one scenario), lines without timestamps. */
function recordedSessions(): string[][] {
  const out: string[][] = [];
  for (const scenario of readdirSync(FIXTURES).sort()) {
    for (const side of ['left', 'right']) {
      const file = path.join(FIXTURES, scenario, `${side}.log`);
      if (!existsSync(file)) continue;
      // "Nov 22 11:04:31.792 " is the recorder's timestamp; the generator writes its own clock.
      const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.slice(20));
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
    l.replace(/<(?:([^|<>]*)\|)?(\d+)>/, (_m, name: string | undefined, id: string) => `<${name !== undefined ? `${name}|` : ''}${Number(id) + offset}>`)
      .replace(/IKE_SA (\S+?)\[(\d+)\]/, (_m, name: string, id: string) => `IKE_SA ${name}[${Number(id) + offset}]`));
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
      const text = stamp(clock) + l + '\n';
      clock += spacingMs;
      batch.push(text);
      mix.bytes += text.length;
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
    await write([
      `${thread(r)}[IKE1] <lab|${LONG_LIVED}> retransmit ${r} of request with message ID ${mid}`,
      `${thread(r)}[NET1] <lab|${LONG_LIVED}> sending packet: from ${LEFT}[4500] to ${RIGHT}[4500] (80 bytes)`,
    ], 4000);
  }
  await write([`07[IKE1] <lab|${LONG_LIVED}> giving up after 3 retransmits`, `07[IKE1] <lab|${LONG_LIVED}> restarting CHILD_SA net`], 1);
  if (batch.length) out.write(batch.join(''));
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return mix;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface ParseRun {
  lines: number;
  seconds: number;
  verdict: string;
  maxRssMb: number;
  peakHeapMb: number;
}

/**
 * The measured child: exactly what `ipsec-lab diagnose FILE` runs on a log (the CLI opens it with
 * createReadStream's defaults), timed from the first read to the ranked findings.
 */
async function parseChild(file: string): Promise<void> {
  const { diagnose } = await import('../lab/diagnosis/diagnose.js');
  let peakHeap = 0;
  const sample = () => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  };
  const timer = setInterval(sample, 20);
  const start = process.hrtime.bigint();
  const result = await diagnose({ logs: [{ source: file, side: 'unknown', lines: createReadStream(file) }] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  clearInterval(timer);
  sample();
  const run: ParseRun = {
    lines: result.stats.lines,
    seconds,
    verdict: result.verdict,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    peakHeapMb: peakHeap / 2 ** 20,
  };
  process.stdout.write(JSON.stringify(run) + '\n');
}

async function runChild(file: string): Promise<ParseRun> {
  const child = spawn(process.execPath, [here('../bin/run-ts.js'), here('./diagnosis-throughput.ts'), '--child', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  if (code !== 0) throw new Error(`parser child exited with ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as ParseRun;
}

function grepSeconds(file: string): { seconds: number; count: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync('grep', ['-c', '-F', GREP_WORD, file], { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.error) throw new Error(`grep: ${r.error.message}`);
  if (r.status !== 0 && r.status !== 1) throw new Error(`grep exited with ${r.status}: ${r.stderr}`);
  return { seconds, count: Number(r.stdout.trim()) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchDiagnosisThroughput(): Promise<Figure[]> {
  const sizesMb = (process.env.DIAG_BENCH_MB ?? '100,400').split(',').map(Number).filter((n) => n > 0);
  const runs = Math.max(1, Number(process.env.DIAG_BENCH_RUNS ?? 3));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-diag-bench-'));
  const figures: Figure[] = [];
  try {
    for (const mb of sizesMb) {
      const file = path.join(dir, `charon-${mb}mb.log`);
      console.error(`bench: diagnosis: generating a ${mb} MB log in ${dir}...`);
      const mix = await generateLog(file, mb * 1e6);
      const bytes = statSync(file).size;
      const mbytes = bytes / 1e6;
      // grep first and once more after: the file is in the page cache for both, as for a user
      // who just received it.
      grepSeconds(file);
      const parses: ParseRun[] = [];
      const greps: number[] = [];
      let grepCount = 0;
      for (let i = 0; i < runs; i++) {
        const g = grepSeconds(file);
        greps.push(g.seconds);
        grepCount = g.count;
        parses.push(await runChild(file));
      }
      const p = parses.slice().sort((a, b) => a.seconds - b.seconds)[Math.floor(parses.length / 2)];
      const g = median(greps);
      if (p.lines !== mix.lines) throw new Error(`the parser read ${p.lines} lines, the generator wrote ${mix.lines}`);
      const ratio = p.seconds / g;
      const tag = `diagnosis ${mb} MB`;
      const note = `${mix.lines} lines, ${mix.sessions} recorded sessions (${((100 * mix.sessionLines) / mix.lines).toFixed(1)}% of lines), verdict ${p.verdict}`;
      figures.push(
        { name: `${tag}: parser`, value: mbytes / p.seconds, unit: 'MB/s', note: `${Math.round(p.lines / p.seconds).toLocaleString('en')} lines/s, ${p.seconds.toFixed(2)} s; ${note}` },
        { name: `${tag}: grep -c ${GREP_WORD}`, value: mbytes / g, unit: 'MB/s', note: `${Math.round(mix.lines / g).toLocaleString('en')} lines/s, ${g.toFixed(2)} s, ${grepCount} matches` },
        { name: `${tag}: parser time / grep time`, value: ratio, unit: 'x', note: `target <= ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'}` },
        { name: `${tag}: parser peak RSS`, value: p.maxRssMb, unit: 'MB' },
        { name: `${tag}: parser peak heap`, value: p.peakHeapMb, unit: 'MB' },
      );
      rmSync(file, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv[2] === '--child') {
  await parseChild(process.argv[3]);
}
