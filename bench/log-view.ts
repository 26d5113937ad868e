/**
 * Log view bench: the app's real logs panel (LogsPanel/LogView over the real store and log buffer)
 * in headless Chromium, fed realistic charon lines (recorded lab logs, parsed by the engine's own
 * parser) at several rates through the same `logs` event the host sends, with the view following.
 * Measured in the page: requestAnimationFrame intervals, the age of the newest line on screen,
 * lines shown per second; over CDP: main-thread work and JS heap.
 *
 * Run alone: `npm run bench -- log-view` (rates: LOG_VIEW_RATES=5000,20000; seconds: LOG_VIEW_SECONDS;
 * browser: CHROMIUM=/path/to/chromium).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

import { ignoreRejection } from '../lab/common/ignore.js';
import type { LogRecord } from '../lab/streams/log-record.js';
import { parseCharonLine } from '../lab/streams/log-record.js';
import type { BenchGlobal, RunOptions, RunResult } from '../renderer/bench/log-view-protocol.js';
import type { Figure } from './lab-bench.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--enable-precise-memory-info',
];
/** The issue's bar: at least this many new lines per second with frames inside one 60 Hz frame. */
const TARGET_RATE = 5000;
const FRAME_MS = 1000 / 60;

/** Every recorded lab log (both gateways, strongSwan 5.9 and 6.0), in the engine's LogRecord shape. */
export function sampleRecords(): LogRecord[] {
  const dir = here('../test/fixtures/diagnosis');
  const out: LogRecord[] = [];
  for (const scenario of readdirSync(dir).sort()) {
    for (const side of ['left', 'right'] as const) {
      let text: string;
      try {
        text = readFileSync(path.join(dir, scenario, `${side}.log`), 'utf8');
      } catch {
        continue;
      }
      text
        .split('\n')
        .filter(Boolean)
        .forEach((raw, i) => out.push(parseCharonLine(raw, side, i + 1)));
    }
  }
  // Interleave the gateways as a live lab does (both log at once).
  const left = out.filter((r) => r.side === 'left');
  const right = out.filter((r) => r.side === 'right');
  const mixed: LogRecord[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i]) mixed.push(left[i]);
    if (right[i]) mixed.push(right[i]);
  }
  return mixed;
}

async function buildHarness(outDir: string): Promise<void> {
  const { build } = await import('vite');
  const { rendererConfig } = await import('../vite.renderer.config.js');
  await build({
    ...rendererConfig,
    configFile: false,
    logLevel: 'error',
    build: {
      ...rendererConfig.build,
      outDir,
      emptyOutDir: true,
      rolldownOptions: { input: here('../renderer/bench/log-view.html') },
    },
  });
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

interface RateFigures {
  rate: number;
  fedPerS: number;
  shownPerS: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** Frames longer than one 60 Hz frame (16.7 ms, with 2 ms of timer slack). */
  over: number;
  /** vsync frames skipped. */
  dropped: number;
  frames: number;
  /** Main-thread work per frame (ms): all of it, and script, style, layout of it. */
  work: { all: number; script: number; style: number; layout: number };
  latencyP95: number;
  heapMB: number;
  buffered: number;
  domRows: number;
  caughtUp: boolean;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration'] as const;

async function measure(page: Page, opts: RunOptions): Promise<RateFigures> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => {
    const all = (await cdp.send('Performance.getMetrics')).metrics;
    return METRICS.map((name) => all.find((m) => m.name === name)?.value ?? NaN);
  };
  const before = await metrics();
  const r: RunResult = await page.evaluate((o) => (globalThis as BenchGlobal).logViewBench!.run(o), opts);
  const [all, script, style, layout] = (await metrics()).map((v, i) => ((v - before[i]) * 1000) / r.frames.length);
  const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  await cdp.detach();
  const vsync = pct(r.frames, 50);
  return {
    rate: opts.rate,
    fedPerS: r.fed / opts.seconds,
    shownPerS: (r.shown.left + r.shown.right) / opts.seconds,
    p50: pct(r.frames, 50),
    p95: pct(r.frames, 95),
    p99: pct(r.frames, 99),
    max: Math.max(...r.frames),
    over: r.frames.filter((f: number) => f > FRAME_MS + 2).length,
    dropped: r.frames.reduce((n: number, f: number) => n + Math.max(0, Math.round(f / vsync) - 1), 0),
    frames: r.frames.length,
    work: { all, script, style, layout },
    latencyP95: pct(r.latencies, 95),
    heapMB: heap / 2 ** 20,
    buffered: r.buffered.left + r.buffered.right,
    domRows: r.domRows,
    caughtUp: r.shown.left === r.last.left && r.shown.right === r.last.right,
  };
}

function table(rows: RateFigures[]): string {
  const head = [
    'lines/s fed',
    'shown/s',
    'frame p50',
    'p95',
    'p99',
    'max',
    '>16.7ms',
    'dropped',
    'work/frame',
    '(script',
    'style',
    'layout)',
    'newest line age p95',
    'caught up',
    'heap',
    'lines kept',
    'DOM rows',
  ];
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  const body = rows.map((r) => [
    r.fedPerS.toFixed(0),
    r.shownPerS.toFixed(0),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    ms(r.max),
    `${r.over}/${r.frames}`,
    String(r.dropped),
    ms(r.work.all),
    ms(r.work.script),
    ms(r.work.style),
    ms(r.work.layout),
    `${r.latencyP95.toFixed(0)} ms`,
    r.caughtUp ? 'yes' : 'NO',
    `${r.heapMB.toFixed(0)} MB`,
    String(r.buffered),
    String(r.domRows),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  return [head, ...body].map((cols) => cols.map((c, i) => c.padStart(widths[i])).join('  ')).join('\n');
}

/** The figures for `npm run bench`, and a table of every rate on stderr. */
export async function benchLogView(opts: { rates?: number[]; seconds?: number } = {}): Promise<Figure[]> {
  const rates = opts.rates ?? process.env.LOG_VIEW_RATES?.split(',').map(Number) ?? [5000, 10_000, 20_000, 40_000];
  const seconds = opts.seconds ?? Number(process.env.LOG_VIEW_SECONDS ?? 8);
  const sample = sampleRecords();
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-log-view-bench-'));
  const profile = mkdtempSync(path.join(os.tmpdir(), 'ipsec-lab-bench-chromium-'));
  const { preview } = await import('vite');
  let server: Awaited<ReturnType<typeof preview>> | undefined;
  let context: BrowserContext | undefined;
  try {
    await buildHarness(outDir);
    server = await preview({
      configFile: false,
      root: here('../renderer'),
      build: { outDir },
      preview: { host: '127.0.0.1', port: 0, strictPort: false },
      logLevel: 'error',
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1500, height: 920 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('bench/log-view.html', server.resolvedUrls!.local[0]).href);
    await page.waitForFunction(() => (globalThis as BenchGlobal).logViewBench?.ready);
    await page.evaluate((s) => (globalThis as BenchGlobal).logViewBench!.load(s), sample);
    // Warm-up (not measured): the JIT has compiled the hot paths, as in an app that has been open a while.
    await page.evaluate((o) => (globalThis as BenchGlobal).logViewBench!.run(o), {
      rate: TARGET_RATE,
      seconds: 2,
      batchMs: 50,
    });
    const rows: RateFigures[] = [];
    for (const rate of rates) {
      rows.push(await measure(page, { rate, seconds, batchMs: 50 }));
      if (errors.length) throw new Error(`the page failed: ${errors[0]}`);
    }
    console.error(
      `\nlog view in Chromium: ${sample.length} recorded charon lines cycled, ${seconds} s per rate after a 2 s warm-up, following, both gateways side by side at 1500x920; frames are requestAnimationFrame intervals (60 Hz: 16.7 ms)\n${table(rows)}\n`,
    );
    return rows.map((r) => {
      const met = r.p99 <= FRAME_MS + 2 && r.caughtUp;
      return {
        name: `log view, ${r.rate.toLocaleString('en')} lines/s: frame p99`,
        value: r.p99,
        unit: 'ms',
        note: `p95 ${r.p95.toFixed(1)}, max ${r.max.toFixed(1)}; ${r.over}/${r.frames} frames over 16.7 ms; ${r.shownPerS.toFixed(0)} lines/s shown${r.caughtUp ? '' : ' (NOT caught up)'}, newest line ${r.latencyP95.toFixed(0)} ms old (p95); work ${r.work.all.toFixed(1)} ms/frame; heap ${r.heapMB.toFixed(0)} MB${r.rate === TARGET_RATE ? `; target ${TARGET_RATE} lines/s in 16.7 ms frames: ${met ? 'met' : 'NOT met'}` : ''}`,
      };
    });
  } finally {
    await context?.close().catch(ignoreRejection('the browser may already be closed'));
    await new Promise<void>((resolve) => (server ? server.httpServer.close(() => resolve()) : resolve()));
    rmSync(outDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const f of await benchLogView()) console.log(`${f.name}: ${f.value.toFixed(1)} ${f.unit} (${f.note})`);
}
