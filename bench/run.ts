// `npm run bench`: every figure is measured in this one run and printed side by side.
import { benchCli } from './cli-bench.js';
import { benchDiagnosisThroughput } from './diagnosis-throughput.js';
import { benchLab, type Figure } from './lab-bench.js';
import { benchLogView } from './log-view.js';

const only = process.argv.slice(2);
const suites: Record<string, () => Promise<Figure[]>> = {
  cli: () => benchCli(),
  lab: () => benchLab(),
  'log-view': () => benchLogView(),
  diagnosis: () => benchDiagnosisThroughput(),
};

const rows: Figure[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  console.error(`bench: ${name}...`);
  try {
    rows.push(...(await run()));
  } catch (e) {
    rows.push({ name: `${name}: FAILED`, value: NaN, unit: '', note: (e as Error).message });
  }
}
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\n${'figure'.padEnd(width)}  value`);
for (const r of rows)
  console.log(
    `${r.name.padEnd(width)}  ${Number.isNaN(r.value) ? '-' : r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}${r.note ? `   (${r.note})` : ''}`,
  );
if (rows.some((r) => Number.isNaN(r.value))) process.exitCode = 1;
