/** What bench/log-view.ts (Node) and the harness page (log-view-bench.tsx) exchange. Types only. */
import type { LogRecord } from '../../lab/api/contract';

export interface RunOptions {
  /** New lines per second, both gateways together. */
  rate: number;
  seconds: number;
  /** How often the host sends a batch (the service batches every 50 ms). */
  batchMs: number;
}

export interface RunResult {
  fed: number;
  elapsedMs: number;
  /** requestAnimationFrame intervals (ms). */
  frames: number[];
  /** Age (ms) of the newest line on screen, sampled every frame while lines flow. */
  latencies: number[];
  /** Newest sequence number on screen per side at the end, and the newest fed line the filter shows. */
  shown: { left: number; right: number };
  last: { left: number; right: number };
  /** Lines the views hold (their filtered rows) at the end. */
  rows: { left: number; right: number };
  /** Lines the bounded buffer keeps at the end. */
  buffered: { left: number; right: number };
  /** Rows in the DOM at the end (the window, not the log). */
  domRows: number;
}

export interface LogViewBench {
  ready: true;
  /** The lines to cycle through (handed over once, outside any measurement); returns how many. */
  load(records: LogRecord[]): number;
  run(opts: RunOptions): Promise<RunResult>;
}

/** The page's global, as both sides see it. */
export interface BenchGlobal {
  logViewBench?: LogViewBench;
}
