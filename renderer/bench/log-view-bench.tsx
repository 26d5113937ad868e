/**
 * Bench harness (bench/log-view.ts loads it in headless Chromium): the app's real logs panel
 * (LogsPanel, LogView) over the real store and log buffer, fed through the same `logs` event the
 * host sends, while requestAnimationFrame records every frame. Nothing here is part of the app.
 */
import '../src/styles.css';

import { createRoot } from 'react-dom/client';

import type { ApiEvent, ApiEvents, LogRecord } from '../../lab/api/contract';
import type { ConnectionState, LabClient } from '../src/api/client';
import { LogsPanel } from '../src/components/LogsPanel';
import { compileFilter } from '../src/state/filtered-lines';
import { AppStore, setStore } from '../src/state/store';
import type { BenchGlobal, LogViewBench, RunOptions, RunResult } from './log-view-protocol';

/** The host's side of the contract, reduced to what the logs panel listens to: events. */
class BenchClient implements LabClient {
  readonly kind = 'websocket' as const;
  private listeners = new Map<string, Set<(p: never) => void>>();
  call(): Promise<never> {
    return Promise.reject(new Error('the bench harness has no lab host'));
  }
  on<E extends ApiEvent>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (p: never) => void);
    return () => set.delete(listener as (p: never) => void);
  }
  onConnection(_l: (s: ConnectionState) => void): () => void {
    return () => {};
  }
  emit<E extends ApiEvent>(event: E, payload: ApiEvents[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: ApiEvents[E]) => void)(payload);
  }
}

const client = new BenchClient();
const store = setStore(new AppStore(client));
store.start();
store.set({ connection: { state: 'open' }, tab: 'logs' });
createRoot(document.getElementById('root')!).render(
  <div className="app" style={{ height: '100vh' }}>
    <div className="main">
      <section className="work">
        <div className="tab-body">
          <LogsPanel />
        </div>
      </section>
    </div>
  </div>,
);

const newestShown = (side: 'left' | 'right'): number => {
  const rows = document.querySelectorAll<HTMLElement>(`[data-testid=log-${side}] .logline`);
  let max = 0;
  for (const r of rows) max = Math.max(max, Number(r.dataset.seq));
  return max;
};

let sample: LogRecord[] = [];

/** The lines to cycle through (handed over once, outside any measurement). */
function load(records: LogRecord[]): number {
  sample = records;
  return sample.length;
}

/** The newest line of a side the view's filter lets through: what a caught-up view shows last. */
const newestPassing = (side: 'left' | 'right'): number => {
  const match = compileFilter(store.get().logFilter);
  const lines = store.logs.lines[side];
  for (let i = lines.length - 1; i >= 0; i--) if (match(lines[i])) return lines[i].seq;
  return 0;
};

async function run(opts: RunOptions): Promise<RunResult> {
  store.logs.reset();
  store.ladder.clear();
  await new Promise((r) => setTimeout(r, 300));
  const seq = { left: 0, right: 0 };
  // When each line was handed to the store, by side and sequence number.
  const fedAt: Record<'left' | 'right', Float64Array> = {
    left: new Float64Array(Math.ceil(opts.rate * opts.seconds) + 10),
    right: new Float64Array(Math.ceil(opts.rate * opts.seconds) + 10),
  };
  let fed = 0;
  let next = 0;
  const frames: number[] = [];
  const latencies: number[] = [];
  const t0 = performance.now();
  const end = t0 + opts.seconds * 1000;
  let lastFrame = 0;

  await new Promise<void>((resolve) => {
    // The host's batches: whatever the rate owes since the start, however late the timer fires.
    const timer = setInterval(() => {
      const now = performance.now();
      const due = Math.min(Math.round(((Math.min(now, end) - t0) / 1000) * opts.rate), fedAt.left.length - 10) - fed;
      if (due > 0) {
        const batch: LogRecord[] = new Array(due);
        for (let i = 0; i < due; i++) {
          const r = sample[next++ % sample.length];
          const s = ++seq[r.side];
          fedAt[r.side][s] = now;
          batch[i] = { ...r, seq: s };
        }
        fed += due;
        client.emit('logs', batch);
      }
      if (now >= end) clearInterval(timer);
    }, opts.batchMs);
    const frame = (t: number) => {
      if (lastFrame) frames.push(t - lastFrame);
      lastFrame = t;
      // Once the feed stops, the newest line only gets older: its age counts while lines flow.
      for (const side of t <= end ? (['left', 'right'] as const) : []) {
        const s = newestShown(side);
        if (s > 0 && fedAt[side][s]) latencies.push(t - fedAt[side][s]);
      }
      if (t < end + 500) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  return {
    fed,
    elapsedMs: performance.now() - t0,
    frames,
    latencies,
    shown: { left: newestShown('left'), right: newestShown('right') },
    last: { left: newestPassing('left'), right: newestPassing('right') },
    rows: {
      left: Number(document.querySelector('[data-testid=log-left]')?.getAttribute('data-rows')),
      right: Number(document.querySelector('[data-testid=log-right]')?.getAttribute('data-rows')),
    },
    buffered: { left: store.logs.lines.left.length, right: store.logs.lines.right.length },
    domRows: document.querySelectorAll('.logline').length,
  };
}

const bench: LogViewBench = { load, run, ready: true };
(globalThis as BenchGlobal).logViewBench = bench;
