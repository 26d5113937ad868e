// `npm run soak -- --minutes N`: a lab left running with faults and impairments cycling, traffic
// flowing, logs and SAs watched. Reports memory, handles and leftovers at the end (not run in CI).
import { ignoreRejection } from '../lab/common/ignore.js';
import { LabEngine } from '../lab/engine/lab-engine.js';
import { FaultService } from '../lab/faults/fault-service.js';
import { findLabs } from '../lab/lifecycle/registry.js';
import { defaultSettings } from '../lab/settings/defaults.js';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const minutes = arg('minutes', 10);
const CYCLE = [
  'psk-mismatch',
  'esp-blocked',
  'ts-mismatch',
  'no-return-traffic',
  'packet-loss',
  'natt-port-blocked',
  'lifetime-mismatch',
  'left-behind-nat',
];

const activeHandles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;
const mb = (n: number) => Math.round(n / 1024 / 1024);

const engine = LabEngine.connect(`soak-${process.pid}`);
const faults = new FaultService(engine);
const samples: { t: number; rss: number; heap: number; handles: number; logs: number; inMemory: number }[] = [];
let logs = 0;
engine.onLog(() => logs++);
const start = Date.now();
const up = await engine.up(defaultSettings());
if (!up.status.up) throw new Error(`soak lab did not come up: ${up.reason}`);
const stop = await engine.watch();
const sample = () => {
  const m = process.memoryUsage();
  samples.push({
    t: (Date.now() - start) / 1000,
    rss: m.rss,
    heap: m.heapUsed,
    handles: activeHandles(),
    logs,
    inMemory: engine.logStore.count('left').inMemory + engine.logStore.count('right').inMemory,
  });
};
sample();
const timer = setInterval(sample, 10_000);
let cycles = 0;
let errors = 0;
try {
  while (Date.now() - start < minutes * 60_000) {
    const id = CYCLE[cycles++ % CYCLE.length];
    try {
      await faults.apply([id]);
      await faults.impair({ 'left-to-right': { lossPercent: 5 + (cycles % 10) } });
      await engine
        .traffic({ count: 20, intervalMs: 50 })
        .catch(ignoreRejection('pings fail under the soak faults by design'));
      await new Promise((r) => setTimeout(r, 8000));
      await faults.revert();
      await engine.waitForTunnel(30_000);
      await engine.traffic({ count: 20, intervalMs: 50 });
    } catch (e) {
      errors++;
      console.error(`cycle ${cycles} (${id}): ${(e as Error).message}`);
      await faults.revert().catch(ignoreRejection('the next cycle reports a lab that did not recover'));
    }
  }
} finally {
  clearInterval(timer);
  sample();
  stop();
  await engine.down();
}
const leftovers = (await findLabs(engine.docker)).filter((l) => l.name === engine.name);
const first = samples[1] ?? samples[0];
const last = samples[samples.length - 1];
console.log(`soak: ${minutes} min, ${cycles} fault cycles (${errors} failed), ${logs} log records`);
console.log(
  `memory: rss ${mb(first.rss)} -> ${mb(last.rss)} MiB (max ${mb(Math.max(...samples.map((s) => s.rss)))}), heap ${mb(first.heap)} -> ${mb(last.heap)} MiB`,
);
console.log(`log records in memory at the end: ${last.inMemory} (the rest spilled to disk)`);
console.log(`active handles: ${first.handles} -> ${last.handles}`);
console.log(`leftover containers/networks: ${leftovers.length ? JSON.stringify(leftovers) : 'none'}`);
if (leftovers.length || errors > cycles / 4) process.exitCode = 1;
